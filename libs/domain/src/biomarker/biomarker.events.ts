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

/** The definition that one version of a biomarker fixes; measurements keep the version they were taken under. */
export interface BiomarkerSpec {
  readonly name: string;
  readonly description: string | null;
  readonly modality: ImagingModality;
  readonly bodySite: string | null;
  readonly valueType: BiomarkerValueType;
  /** Within-subject coefficient of variation (fraction, e.g. 0.05) from test–retest data, where known. */
  readonly repeatabilityWcv: number | null;
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
