import type { BiomarkerCodedConcept, BiomarkerValueType } from './biomarker.events.js';
import type { ImagingModality } from '../study/imaging.vocabulary.js';

export interface BiomarkerSpecInput {
  readonly name: string;
  readonly description?: string | null;
  readonly modality: ImagingModality;
  readonly bodySite?: string | null;
  readonly valueType: BiomarkerValueType;
  readonly repeatabilityWcv?: number | null;
  /**
   * Coded concepts (scheme, value, meaning) the biomarker is known by, at most 20, each (scheme, value) once. On a
   * revision, absent (undefined / null) keeps the current version's concepts; an empty list removes them.
   */
  readonly codedConcepts?: readonly BiomarkerCodedConcept[] | null;
}

export interface DefineBiomarker extends BiomarkerSpecInput {
  readonly type: 'DefineBiomarker';
  readonly biomarkerId: string;
  /** Stable short code (e.g. SMA_L3, LESION_LD); unique across the catalogue through a reservation stream. */
  readonly code: string;
}

export interface ReviseBiomarker extends BiomarkerSpecInput {
  readonly type: 'ReviseBiomarker';
  readonly biomarkerId: string;
  /** The new version number: must be exactly the current version + 1 (guards against two concurrent revisions). */
  readonly version: number;
  readonly reason: string;
}

export interface RetireBiomarker {
  readonly type: 'RetireBiomarker';
  readonly biomarkerId: string;
  readonly reason: string;
}

export type BiomarkerCommand = DefineBiomarker | ReviseBiomarker | RetireBiomarker;
