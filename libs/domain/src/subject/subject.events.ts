import type { DomainEvent } from '../decider.js';
import type { ImagingModality } from '../study/imaging.vocabulary.js';
import type { ExtractionMethod } from './measurement-extraction.js';
import type { PersonalDataEnvelope } from './subject.personal.js';

export const MEASUREMENT_METHODS = ['manual', 'semi_automatic', 'ai'] as const;
export type MeasurementMethod = (typeof MEASUREMENT_METHODS)[number];
export const LESION_ROLES = ['target', 'non_target', 'new'] as const;
export type MeasurementLesionRole = (typeof LESION_ROLES)[number];
export const OUTCOME_TYPES = ['death', 'progression', 'recurrence', 'response_assessment', 'cancer_diagnosis', 'last_known_alive'] as const;
export type OutcomeType = (typeof OUTCOME_TYPES)[number];
export const OUTCOME_SOURCES = [
  'investigator',
  'central_review',
  'medical_record',
  'cancer_registry_linkage',
  'death_registry',
  'self_report',
  'other',
] as const;
export type OutcomeSource = (typeof OUTCOME_SOURCES)[number];
/** RECIST 1.1 overall response categories (NON_CR_NON_PD for non-target-only disease). */
export const RECIST_RESPONSES = ['CR', 'PR', 'SD', 'PD', 'NE', 'NON_CR_NON_PD'] as const;
export type RecistResponse = (typeof RECIST_RESPONSES)[number];
export const HUMAN_READING_RESULTS = ['negative', 'positive'] as const;
export type HumanReadingResult = (typeof HUMAN_READING_RESULTS)[number];
export const ASSESSMENT_OUTCOMES = ['benign', 'cancer'] as const;
export type AssessmentOutcome = (typeof ASSESSMENT_OUTCOMES)[number];
export const INTERVAL_CANCER_SOURCES = ['cancer_registry_linkage', 'hospital_record', 'pathology_report', 'self_report', 'other'] as const;
export type IntervalCancerSource = (typeof INTERVAL_CANCER_SOURCES)[number];

type SubjectData<T> = { readonly subjectId: string } & T;

// ---- trial side ------------------------------------------------------------------------------------------------
export type SubjectEnrolled = DomainEvent<
  'SubjectEnrolled',
  SubjectData<{
    trialId: string;
    pseudonym: string;
    siteId: string;
    consentVersion: string;
    consentDate: string;
    occurredAt: string;
    /** Year of birth, sex, comment: sealed with the subject's key (subject.personal.ts); absent when none given. */
    personal?: PersonalDataEnvelope;
  }>
>;
export type SubjectRandomised = DomainEvent<'SubjectRandomised', SubjectData<{ trialId: string; armCode: string; stratum: string; occurredAt: string }>>;
export type SubjectWithdrawn = DomainEvent<'SubjectWithdrawn', SubjectData<{ trialId: string; reason: string; occurredAt: string }>>;

// ---- screening side --------------------------------------------------------------------------------------------
export type ParticipantInvited = DomainEvent<
  'ParticipantInvited',
  SubjectData<{ programmeId: string; roundId: string; pseudonym: string; occurredAt: string; personal?: PersonalDataEnvelope }>
>;
export interface AiReading {
  readonly algorithmVersionId: string;
  readonly score: number;
  readonly aiPositive: boolean;
}
export type ScreeningRecorded = DomainEvent<
  'ScreeningRecorded',
  SubjectData<{
    programmeId: string;
    roundId: string;
    screeningId: string;
    siteId: string;
    modality: ImagingModality;
    humanReading: { readonly result: HumanReadingResult; readonly readerIds: readonly string[] };
    aiReading: AiReading | null;
    occurredAt: string;
  }>
>;
export type RecallRecorded = DomainEvent<
  'RecallRecorded',
  SubjectData<{ programmeId: string; roundId: string; screeningId: string; reason: string | null; occurredAt: string }>
>;
export type AssessmentOutcomeRecorded = DomainEvent<
  'AssessmentOutcomeRecorded',
  SubjectData<{
    programmeId: string;
    roundId: string;
    screeningId: string;
    outcome: AssessmentOutcome;
    diagnosisDate: string | null;
    stage: string | null;
    occurredAt: string;
  }>
>;
export type IntervalCancerReported = DomainEvent<
  'IntervalCancerReported',
  SubjectData<{
    programmeId: string;
    reportId: string;
    /** The last negative screening before the diagnosis: the KPI splits interval cancers by the time since it. */
    precedingScreeningId: string;
    precedingRoundId: string;
    source: IntervalCancerSource;
    stage: string | null;
    /** Diagnosis date. */
    occurredAt: string;
  }>
>;
export type ParticipantOptedOut = DomainEvent<'ParticipantOptedOut', SubjectData<{ programmeId: string; reason: string | null; occurredAt: string }>>;

// ---- measurements (both sides) ---------------------------------------------------------------------------------
/** Original value and unit as reported, canonical ones in the biomarker's unit (SDTM ORRES/STRES). */
export type MeasurementResult =
  | { readonly kind: 'quantitative'; readonly originalValue: number; readonly originalUnit: string; readonly value: number; readonly unit: string }
  | { readonly kind: 'categorical'; readonly category: string };

export interface Lesion {
  /** DICOM Tracking Unique Identifier (112040): lesion identity across time points (SDTM TULNKID). */
  readonly trackingUid: string;
  /** Tracking Identifier (112039), e.g. "Nodule 1". */
  readonly label: string;
  readonly findingSite: string | null;
  readonly role: MeasurementLesionRole;
}

export type MeasurementRecorded = DomainEvent<
  'MeasurementRecorded',
  SubjectData<{
    measurementId: string;
    trialId: string | null;
    programmeId: string | null;
    biomarkerId: string;
    biomarkerVersion: number;
    result: MeasurementResult;
    studyInstanceUid: string;
    seriesInstanceUid: string | null;
    timePoint: string;
    lesion: Lesion | null;
    method: MeasurementMethod;
    algorithmVersionId: string | null;
    readerId: string | null;
    /** Present only when the value lies outside the plausible range and someone vouched for it. */
    plausibilityOverrideReason: string | null;
    /** The acquisition time of the study: when the measured state existed. */
    occurredAt: string;
    /** How the value was extracted (software, IBSI, segmentation, harmonisation); absent when not stated, and on older events. */
    extraction?: ExtractionMethod;
  }>
>;
export type MeasurementCorrected = DomainEvent<
  'MeasurementCorrected',
  SubjectData<{
    measurementId: string;
    result: MeasurementResult;
    previousResult: MeasurementResult;
    reason: string;
    plausibilityOverrideReason: string | null;
    correctedAt: string;
  }>
>;
export type MeasurementRetracted = DomainEvent<'MeasurementRetracted', SubjectData<{ measurementId: string; reason: string; retractedAt: string }>>;
export type MeasurementReadingAccepted = DomainEvent<
  'MeasurementReadingAccepted',
  SubjectData<{ measurementId: string; alternativeMeasurementIds: readonly string[]; adjudicatorId: string; rationale: string | null; acceptedAt: string }>
>;

// ---- outcomes (both sides) -------------------------------------------------------------------------------------
export interface OutcomeDetails {
  readonly occurredAt: string;
  readonly source: OutcomeSource;
  readonly recistResponse: RecistResponse | null;
  readonly stage: string | null;
}
export type OutcomeRecorded = DomainEvent<
  'OutcomeRecorded',
  SubjectData<
    OutcomeDetails & {
      outcomeId: string;
      outcomeType: OutcomeType;
      trialId: string | null;
      programmeId: string | null;
      timePoint: string | null;
      notes: string | null;
    }
  >
>;
export type OutcomeCorrected = DomainEvent<
  'OutcomeCorrected',
  SubjectData<OutcomeDetails & { outcomeId: string; outcomeType: OutcomeType; previous: OutcomeDetails; reason: string; correctedAt: string }>
>;

// ---- privacy (both sides) --------------------------------------------------------------------------------------
/** Personal fields recorded (or re-recorded: the latest envelope wins) after enrolment or invitation. */
export type PersonalDataRecorded = DomainEvent<'PersonalDataRecorded', SubjectData<{ personal: PersonalDataEnvelope; recordedAt: string }>>;
/**
 * The subject's data key was destroyed: every personal envelope of this subject is unreadable from now on. Carries no
 * personal data; the reason is the erasure's justification (e.g. the request reference), never the person's details.
 */
export type SubjectErased = DomainEvent<'SubjectErased', SubjectData<{ reason: string; erasedAt: string }>>;

export type SubjectEvent =
  | SubjectEnrolled
  | SubjectRandomised
  | SubjectWithdrawn
  | ParticipantInvited
  | ScreeningRecorded
  | RecallRecorded
  | AssessmentOutcomeRecorded
  | IntervalCancerReported
  | ParticipantOptedOut
  | MeasurementRecorded
  | MeasurementCorrected
  | MeasurementRetracted
  | MeasurementReadingAccepted
  | OutcomeRecorded
  | OutcomeCorrected
  | PersonalDataRecorded
  | SubjectErased;
