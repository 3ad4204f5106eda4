import type {
  AssessmentOutcome,
  HumanReadingResult,
  MeasurementResult,
  OutcomeDetails,
  OutcomeType,
  SubjectEvent,
} from './subject.events.js';

export interface MeasurementInfo {
  readonly status: 'recorded' | 'retracted';
  readonly biomarkerId: string;
  readonly biomarkerVersion: number;
  readonly studyInstanceUid: string;
  readonly lesionTrackingUid: string | null;
  readonly result: MeasurementResult;
}

export interface OutcomeInfo extends OutcomeDetails {
  readonly outcomeType: OutcomeType;
}

export interface ScreeningInfo {
  readonly roundId: string;
  readonly screenedOn: string;
  readonly humanResult: HumanReadingResult;
  readonly recalledOn: string | null;
  readonly assessment: AssessmentOutcome | null;
}

interface SubjectCommon {
  readonly subjectId: string;
  readonly pseudonym: string;
  readonly measurements: Readonly<Record<string, MeasurementInfo>>;
  readonly outcomes: Readonly<Record<string, OutcomeInfo>>;
  /** Date of the recorded death outcome (as corrected), if any. */
  readonly deathDate: string | null;
  /** Set by SubjectErased: the subject's personal data key is gone; no new personal data is accepted. */
  readonly erasedAt?: string;
}

export interface TrialSubjectState extends SubjectCommon {
  readonly kind: 'trial';
  readonly trialId: string;
  readonly siteId: string;
  readonly consentDate: string;
  readonly status: 'enrolled' | 'withdrawn';
  readonly randomisation: { readonly armCode: string; readonly stratum: string } | null;
}

export interface ScreeningSubjectState extends SubjectCommon {
  readonly kind: 'screening';
  readonly programmeId: string;
  readonly firstInvitedOn: string;
  readonly invitations: Readonly<Record<string, { readonly invitedOn: string }>>;
  readonly screenings: Readonly<Record<string, ScreeningInfo>>;
  readonly intervalCancerReportIds: readonly string[];
  readonly optedOutOn: string | null;
}

export type SubjectState = { readonly kind: 'none' } | TrialSubjectState | ScreeningSubjectState;

export const initialSubjectState: SubjectState = { kind: 'none' };

/** Own-property lookup: ids come from users, and `constructor` must not find Object.prototype. */
export function lookup<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function deathDateOf(outcomes: Readonly<Record<string, OutcomeInfo>>): string | null {
  const death = Object.values(outcomes).find((o) => o.outcomeType === 'death');
  return death ? death.occurredAt : null;
}

export function evolveSubject(state: SubjectState, event: SubjectEvent): SubjectState {
  switch (event.type) {
    case 'SubjectEnrolled': {
      const d = event.data;
      return {
        kind: 'trial',
        subjectId: d.subjectId,
        pseudonym: d.pseudonym,
        trialId: d.trialId,
        siteId: d.siteId,
        consentDate: d.consentDate,
        status: 'enrolled',
        randomisation: null,
        measurements: {},
        outcomes: {},
        deathDate: null,
      };
    }
    case 'ParticipantInvited': {
      const d = event.data;
      if (state.kind === 'screening') return { ...state, invitations: { ...state.invitations, [d.roundId]: { invitedOn: d.occurredAt } } };
      if (state.kind !== 'none') return state;
      return {
        kind: 'screening',
        subjectId: d.subjectId,
        pseudonym: d.pseudonym,
        programmeId: d.programmeId,
        firstInvitedOn: d.occurredAt,
        invitations: { [d.roundId]: { invitedOn: d.occurredAt } },
        screenings: {},
        intervalCancerReportIds: [],
        optedOutOn: null,
        measurements: {},
        outcomes: {},
        deathDate: null,
      };
    }
    // Events of an existing subject: below.
    case 'SubjectRandomised':
    case 'SubjectWithdrawn':
    case 'ScreeningRecorded':
    case 'RecallRecorded':
    case 'AssessmentOutcomeRecorded':
    case 'IntervalCancerReported':
    case 'ParticipantOptedOut':
    case 'MeasurementRecorded':
    case 'MeasurementCorrected':
    case 'MeasurementRetracted':
    case 'MeasurementReadingAccepted':
    case 'OutcomeRecorded':
    case 'OutcomeCorrected':
    case 'PersonalDataRecorded':
    case 'SubjectErased':
      break;
    default:
      break;
  }
  if (state.kind === 'none') return state;

  switch (event.type) {
    case 'SubjectRandomised':
      return state.kind === 'trial' ? { ...state, randomisation: { armCode: event.data.armCode, stratum: event.data.stratum } } : state;
    case 'SubjectWithdrawn':
      return state.kind === 'trial' ? { ...state, status: 'withdrawn' } : state;
    case 'ScreeningRecorded': {
      if (state.kind !== 'screening') return state;
      const d = event.data;
      const info: ScreeningInfo = { roundId: d.roundId, screenedOn: d.occurredAt, humanResult: d.humanReading.result, recalledOn: null, assessment: null };
      return { ...state, screenings: { ...state.screenings, [d.screeningId]: info } };
    }
    case 'RecallRecorded': {
      if (state.kind !== 'screening') return state;
      const s = lookup(state.screenings, event.data.screeningId);
      return s ? { ...state, screenings: { ...state.screenings, [event.data.screeningId]: { ...s, recalledOn: event.data.occurredAt } } } : state;
    }
    case 'AssessmentOutcomeRecorded': {
      if (state.kind !== 'screening') return state;
      const s = lookup(state.screenings, event.data.screeningId);
      return s ? { ...state, screenings: { ...state.screenings, [event.data.screeningId]: { ...s, assessment: event.data.outcome } } } : state;
    }
    case 'IntervalCancerReported':
      return state.kind === 'screening' ? { ...state, intervalCancerReportIds: [...state.intervalCancerReportIds, event.data.reportId] } : state;
    case 'ParticipantOptedOut':
      return state.kind === 'screening' ? { ...state, optedOutOn: event.data.occurredAt } : state;
    case 'MeasurementRecorded': {
      const d = event.data;
      const info: MeasurementInfo = {
        status: 'recorded',
        biomarkerId: d.biomarkerId,
        biomarkerVersion: d.biomarkerVersion,
        studyInstanceUid: d.studyInstanceUid,
        lesionTrackingUid: d.lesion ? d.lesion.trackingUid : null,
        result: d.result,
      };
      return { ...state, measurements: { ...state.measurements, [d.measurementId]: info } };
    }
    case 'MeasurementCorrected': {
      const m = lookup(state.measurements, event.data.measurementId);
      return m ? { ...state, measurements: { ...state.measurements, [event.data.measurementId]: { ...m, result: event.data.result } } } : state;
    }
    case 'MeasurementRetracted': {
      const m = lookup(state.measurements, event.data.measurementId);
      return m ? { ...state, measurements: { ...state.measurements, [event.data.measurementId]: { ...m, status: 'retracted' } } } : state;
    }
    // No decision reads them: adjudication does not change what a measurement says, and personal data may be recorded
    // again (only erasure, below, stops that).
    case 'MeasurementReadingAccepted':
    case 'PersonalDataRecorded':
      return state;
    case 'SubjectErased':
      return { ...state, erasedAt: event.data.erasedAt };
    case 'OutcomeRecorded':
    case 'OutcomeCorrected': {
      const { outcomeId, outcomeType, occurredAt, source, recistResponse, stage } = event.data;
      const outcomes = { ...state.outcomes, [outcomeId]: { outcomeType, occurredAt, source, recistResponse, stage } };
      return { ...state, outcomes, deathDate: deathDateOf(outcomes) };
    }
    default:
      return state;
  }
}
