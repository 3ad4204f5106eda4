import type { DomainEvent } from '../decider.js';
import type { AcquisitionDetails } from '../acquisition/acquisition.parameters.js';
import type { AcquisitionParametersCorrected, ProtocolDeviationFlagged, ProtocolDeviationResolved } from '../acquisition/acquisition.events.js';
import type { Contrast, ImagingModality } from './imaging.vocabulary.js';

export type ImagingStudyRegistered = DomainEvent<
  'ImagingStudyRegistered',
  {
    readonly studyInstanceUid: string;
    /** The subject the study belongs to, when known at registration: measurements check it. */
    readonly subjectId: string | null;
    readonly modality: ImagingModality;
    /** When the images were acquired: the clinical time of every measurement taken on this study. */
    readonly occurredAt: string;
    readonly siteId: string;
    readonly scanner: { readonly manufacturer: string; readonly model: string };
    readonly sliceThicknessMm: number | null;
    readonly kvp: number | null;
    readonly contrast: Contrast | null;
    /** The further acquisition parameters (software version, tube current, kernel, phase, spacing, series…); absent on older events. */
    readonly acquisition?: AcquisitionDetails;
  }
>;

export type StudyEvent = ImagingStudyRegistered | AcquisitionParametersCorrected | ProtocolDeviationFlagged | ProtocolDeviationResolved;
