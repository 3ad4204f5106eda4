import type { DomainEvent } from '../decider.js';
import type { ImagingModality } from '../study/imaging.vocabulary.js';

export type BiomarkerValueType =
  | {
      readonly kind: 'quantitative';
      /** Canonical UCUM unit: every measurement is converted into it (the original is kept beside it). */
      readonly unit: string;
      readonly plausibleRange: { readonly min: number; readonly max: number };
    }
  | { readonly kind: 'categorical'; readonly categories: readonly string[] };

/**
 * A coded concept the biomarker is known by in a standard vocabulary (scheme = DICOM Coding Scheme Designator such as
 * DCM, SCT, LN, RADLEX, or a FHIR system URI without a designator), so a DICOM SR or FHIR Observation that codes its
 * measurement with it maps to this biomarker. One (scheme, value) names at most one biomarker across the catalogue.
 */
export interface BiomarkerCodedConcept {
  readonly scheme: string;
  readonly value: string;
  readonly meaning: string;
}

/** The definition that one version of a biomarker fixes; measurements keep the version they were taken under. */
export interface BiomarkerSpec {
  readonly name: string;
  readonly description: string | null;
  readonly modality: ImagingModality;
  readonly bodySite: string | null;
  readonly valueType: BiomarkerValueType;
  /** Within-subject coefficient of variation (fraction, e.g. 0.05) from test–retest data, where known. */
  readonly repeatabilityWcv: number | null;
  /**
   * Coded concepts of this version. Optional because events written before coded concepts existed do not carry it:
   * those fold as none (`[]`); every new event carries the list.
   */
  readonly codedConcepts?: readonly BiomarkerCodedConcept[];
}

export type BiomarkerDefined = DomainEvent<
  'BiomarkerDefined',
  BiomarkerSpec & { readonly biomarkerId: string; readonly code: string; readonly version: 1; readonly definedAt: string }
>;
export type BiomarkerRevised = DomainEvent<
  'BiomarkerRevised',
  BiomarkerSpec & { readonly biomarkerId: string; readonly version: number; readonly reason: string; readonly revisedAt: string }
>;
export type BiomarkerRetired = DomainEvent<'BiomarkerRetired', { readonly biomarkerId: string; readonly reason: string; readonly retiredAt: string }>;

export type BiomarkerEvent = BiomarkerDefined | BiomarkerRevised | BiomarkerRetired;
