import type { ExtractionMethodInput } from './measurement-extraction.js';
import type { ImagingModality } from '../study/imaging.vocabulary.js';
import type {
  AssessmentOutcome,
  HumanReadingResult,
  IntervalCancerSource,
  MeasurementLesionRole,
  MeasurementMethod,
  OutcomeSource,
  OutcomeType,
  RecistResponse,
} from './subject.events.js';
import type { PersonalDataEnvelope } from './subject.personal.js';

interface SubjectCommandBase {
  readonly subjectId: string;
}

// ---- trial side ------------------------------------------------------------------------------------------------
export interface EnrolSubject extends SubjectCommandBase {
  readonly type: 'EnrolSubject';
  readonly trialId: string;
  readonly pseudonym: string;
  readonly siteId: string;
  readonly consentVersion: string;
  /** YYYY-MM-DD */
  readonly consentDate: string;
  /** Sealed by the API with the subject's key before deciding (PersonalDataVault). */
  readonly personal?: PersonalDataEnvelope | null;
}

export interface RandomiseSubject extends SubjectCommandBase {
  readonly type: 'RandomiseSubject';
  readonly armCode: string;
  readonly stratum: string;
  /** Defaults to the time the command is received (context.now). */
  readonly randomisedAt?: string | null;
}

export interface WithdrawSubject extends SubjectCommandBase {
  readonly type: 'WithdrawSubject';
  readonly withdrawalDate: string;
  readonly reason: string;
}

// ---- screening side --------------------------------------------------------------------------------------------
export interface InviteParticipant extends SubjectCommandBase {
  readonly type: 'InviteParticipant';
  readonly programmeId: string;
  readonly roundId: string;
  readonly pseudonym: string;
  readonly invitedOn: string;
  /** Sealed by the API with the subject's key before deciding (PersonalDataVault). */
  readonly personal?: PersonalDataEnvelope | null;
}

export interface RecordScreening extends SubjectCommandBase {
  readonly type: 'RecordScreening';
  readonly screeningId: string;
  readonly roundId: string;
  readonly screenedOn: string;
  readonly siteId: string;
  readonly modality: ImagingModality;
  readonly humanReading: { readonly result: HumanReadingResult; readonly readerIds?: readonly string[] | null };
  readonly aiReading?: { readonly algorithmVersionId: string; readonly score: number; readonly aiPositive: boolean } | null;
}

export interface RecordRecall extends SubjectCommandBase {
  readonly type: 'RecordRecall';
  readonly screeningId: string;
  readonly recalledOn: string;
  readonly reason?: string | null;
}

export interface RecordAssessmentOutcome extends SubjectCommandBase {
  readonly type: 'RecordAssessmentOutcome';
  readonly screeningId: string;
  readonly outcome: AssessmentOutcome;
  readonly assessedOn: string;
  /** Required when the outcome is cancer. */
  readonly diagnosisDate?: string | null;
  readonly stage?: string | null;
}

export interface ReportIntervalCancer extends SubjectCommandBase {
  readonly type: 'ReportIntervalCancer';
  readonly reportId: string;
  readonly diagnosisDate: string;
  readonly source: IntervalCancerSource;
  readonly stage?: string | null;
}

export interface RecordOptOut extends SubjectCommandBase {
  readonly type: 'RecordOptOut';
  readonly optedOutOn: string;
  readonly reason?: string | null;
}

// ---- measurements ----------------------------------------------------------------------------------------------
/** `{ value, unit }` for quantitative biomarkers, `{ category }` for categorical ones. */
export type MeasurementValueInput = { readonly value: number; readonly unit: string } | { readonly category: string };

export interface RecordMeasurement extends SubjectCommandBase {
  readonly type: 'RecordMeasurement';
  readonly measurementId: string;
  readonly biomarkerId: string;
  readonly biomarkerVersion: number;
  readonly value: MeasurementValueInput;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid?: string | null;
  readonly timePoint: string;
  readonly lesion?: { readonly trackingUid: string; readonly label: string; readonly findingSite?: string | null; readonly role: MeasurementLesionRole } | null;
  readonly method: MeasurementMethod;
  /** Required for `ai`; optional for `semi_automatic` (the tool's version). */
  readonly algorithmVersionId?: string | null;
  /** Required for `manual` and `semi_automatic`; for `ai` the confirming reader, if any. */
  readonly readerId?: string | null;
  /** Accept a value outside the biomarker's plausible range, saying why. */
  readonly plausibilityOverrideReason?: string | null;
  /** Software + version, IBSI compliance, segmentation and harmonisation, as far as known. */
  readonly extraction?: ExtractionMethodInput | null;
}

export interface CorrectMeasurement extends SubjectCommandBase {
  readonly type: 'CorrectMeasurement';
  readonly measurementId: string;
  readonly value: MeasurementValueInput;
  readonly reason: string;
  readonly plausibilityOverrideReason?: string | null;
}

export interface RetractMeasurement extends SubjectCommandBase {
  readonly type: 'RetractMeasurement';
  readonly measurementId: string;
  readonly reason: string;
}

/** After adjudication: which of several readings of the same thing is the accepted one. */
export interface AcceptMeasurementReading extends SubjectCommandBase {
  readonly type: 'AcceptMeasurementReading';
  readonly measurementId: string;
  readonly alternativeMeasurementIds: readonly string[];
  readonly adjudicatorId: string;
  readonly rationale?: string | null;
}

// ---- outcomes --------------------------------------------------------------------------------------------------
export interface RecordOutcome extends SubjectCommandBase {
  readonly type: 'RecordOutcome';
  readonly outcomeId: string;
  readonly outcomeType: OutcomeType;
  /** YYYY-MM-DD */
  readonly occurredAt: string;
  readonly source: OutcomeSource;
  /** Required for response assessments, refused otherwise. */
  readonly recistResponse?: RecistResponse | null;
  readonly stage?: string | null;
  readonly timePoint?: string | null;
  readonly notes?: string | null;
}

/** Fields left out keep their current value; the outcome type cannot change (retract and record instead). */
export interface CorrectOutcome extends SubjectCommandBase {
  readonly type: 'CorrectOutcome';
  readonly outcomeId: string;
  readonly occurredAt?: string | null;
  readonly source?: OutcomeSource | null;
  readonly recistResponse?: RecistResponse | null;
  readonly stage?: string | null;
  readonly reason: string;
}

export type TrialSubjectCommand = EnrolSubject | RandomiseSubject | WithdrawSubject;
export type ScreeningSubjectCommand = InviteParticipant | RecordScreening | RecordRecall | RecordAssessmentOutcome | ReportIntervalCancer | RecordOptOut;
export type MeasurementCommand = RecordMeasurement | CorrectMeasurement | RetractMeasurement | AcceptMeasurementReading;
export type OutcomeCommand = RecordOutcome | CorrectOutcome;
export type SubjectCommand = TrialSubjectCommand | ScreeningSubjectCommand | MeasurementCommand | OutcomeCommand;

// ---- privacy (subject.privacy.decider.ts; not part of SubjectCommand, so the subject handler's tables stay as they are)
export interface RecordPersonalData extends SubjectCommandBase {
  readonly type: 'RecordPersonalData';
  readonly personal: PersonalDataEnvelope;
}

/** Crypto-shredding: the API destroys the subject's key; this records the fact (admin, with a reason). */
export interface EraseSubject extends SubjectCommandBase {
  readonly type: 'EraseSubject';
  readonly reason: string;
}

export type SubjectPrivacyCommand = RecordPersonalData | EraseSubject;
