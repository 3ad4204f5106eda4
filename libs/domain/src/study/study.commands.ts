import type { ImagingModality } from './imaging.vocabulary.js';
import type { Contrast } from './study.events.js';

export interface RegisterImagingStudy {
  readonly type: 'RegisterImagingStudy';
  readonly studyInstanceUid: string;
  readonly subjectId?: string | null;
  readonly modality: ImagingModality;
  /** `YYYY-MM-DD` or an ISO-8601 date-time with an offset (DICOM StudyDate/StudyTime plus the site's zone). */
  readonly acquisitionDateTime: string;
  readonly siteId: string;
  readonly scanner: { readonly manufacturer: string; readonly model: string };
  readonly sliceThicknessMm?: number | null;
  readonly kvp?: number | null;
  readonly contrast?: Contrast | null;
}

export type StudyCommand = RegisterImagingStudy;
