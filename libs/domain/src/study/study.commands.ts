import type { AcquisitionInput } from '../acquisition/acquisition.parameters.js';
import type { CorrectAcquisitionParameters } from '../acquisition/acquisition.commands.js';
import type { ImagingModality } from './imaging.vocabulary.js';

export interface RegisterImagingStudy extends AcquisitionInput {
  readonly type: 'RegisterImagingStudy';
  readonly studyInstanceUid: string;
  readonly subjectId?: string | null;
  readonly modality: ImagingModality;
  /** `YYYY-MM-DD` or an ISO-8601 date-time with an offset (DICOM StudyDate/StudyTime plus the site's zone). */
  readonly acquisitionDateTime: string;
  readonly siteId: string;
}

export type StudyCommand = RegisterImagingStudy | CorrectAcquisitionParameters;
