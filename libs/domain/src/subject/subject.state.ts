import type { AssessmentOutcome, HumanReadingResult, MeasurementResult, OutcomeDetails, OutcomeType, SubjectEvent } from './subject.events.js';
import { PersistentMap } from '../persistent-map.js';

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
  // Persistent maps (libs/domain persistent-map.ts): a fold adds an entry without copying the others, so a subject
  // with thousands of measurements folds in linear time and every folded state stays valid for whoever holds it.
  readonly measurements: PersistentMap<MeasurementInfo>;
  readonly outcomes: PersistentMap<OutcomeInfo>;
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
  readonly invitations: PersistentMap<{ readonly invitedOn: string }>;
  readonly screenings: PersistentMap<ScreeningInfo>;
  /** The reported ids (values are `true`): a set, looked up with `has`. */
  readonly intervalCancerReportIds: PersistentMap<true>;
  readonly optedOutOn: string | null;
}

export type SubjectState = { readonly kind: 'none' } | TrialSubjectState | ScreeningSubjectState;

export const initialSubjectState: SubjectState = { kind: 'none' };

/**
 * Names `evolveSubject` and the shape of SubjectState for caches of folded states (libs/event-store
 * stream-state-cache.ts): bump it with every change to either, so no state folded by other code is reused.
 * Shared by every decider of the `subject-` stream that folds with `evolveSubject`.
 */
export const SUBJECT_FOLD_VERSION = 'subject/2';

/** Own-property lookup: ids come from users, and `constructor` must not find Object.prototype. */
export function lookup<T>(record: PersistentMap<T> | Readonly<Record<string, T>>, key: string): T | undefined {
  if (record instanceof PersistentMap) return record.get(key);
  return Object.hasOwn(record, key) ? (record as Readonly<Record<string, T>>)[key] : undefined;
}

/**
 * The death date after `outcomeId` became `next`: the new one when it is a death; otherwise unchanged unless the
 * outcome changed was the death (a correction of its type), then looked up among the others (outcomes are few).
 */
function deathDateAfter(
  state: { readonly outcomes: PersistentMap<OutcomeInfo>; readonly deathDate: string | null },
  outcomeId: string,
  next: OutcomeInfo,
  outcomes: PersistentMap<OutcomeInfo>,
): string | null {
  if (next.outcomeType === 'death') {
    const first = outcomes.values().find((o) => o.outcomeType === 'death');
    return first ? first.occurredAt : null;
  }
  if (state.outcomes.get(outcomeId)?.outcomeType !== 'death') return state.deathDate;
  const death = outcomes.values().find((o) => o.outcomeType === 'death');
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
        measurements: PersistentMap.empty(),
        outcomes: PersistentMap.empty(),
        deathDate: null,
      };
    }
    case 'ParticipantInvited': {
      const d = event.data;
      if (state.kind === 'screening') return { ...state, invitations: state.invitations.set(d.roundId, { invitedOn: d.occurredAt }) };
      if (state.kind !== 'none') return state;
      return {
        kind: 'screening',
        subjectId: d.subjectId,
        pseudonym: d.pseudonym,
        programmeId: d.programmeId,
        firstInvitedOn: d.occurredAt,
        invitations: PersistentMap.of([[d.roundId, { invitedOn: d.occurredAt }]]),
        screenings: PersistentMap.empty(),
        intervalCancerReportIds: PersistentMap.empty(),
        optedOutOn: null,
        measurements: PersistentMap.empty(),
        outcomes: PersistentMap.empty(),
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
      return { ...state, screenings: state.screenings.set(d.screeningId, info) };
    }
    case 'RecallRecorded': {
      if (state.kind !== 'screening') return state;
      const s = state.screenings.get(event.data.screeningId);
      return s ? { ...state, screenings: state.screenings.set(event.data.screeningId, { ...s, recalledOn: event.data.occurredAt }) } : state;
    }
    case 'AssessmentOutcomeRecorded': {
      if (state.kind !== 'screening') return state;
      const s = state.screenings.get(event.data.screeningId);
      return s ? { ...state, screenings: state.screenings.set(event.data.screeningId, { ...s, assessment: event.data.outcome }) } : state;
    }
    case 'IntervalCancerReported':
      return state.kind === 'screening' ? { ...state, intervalCancerReportIds: state.intervalCancerReportIds.set(event.data.reportId, true) } : state;
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
      return { ...state, measurements: state.measurements.set(d.measurementId, info) };
    }
    case 'MeasurementCorrected': {
      const m = state.measurements.get(event.data.measurementId);
      return m ? { ...state, measurements: state.measurements.set(event.data.measurementId, { ...m, result: event.data.result }) } : state;
    }
    case 'MeasurementRetracted': {
      const m = state.measurements.get(event.data.measurementId);
      return m ? { ...state, measurements: state.measurements.set(event.data.measurementId, { ...m, status: 'retracted' }) } : state;
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
      const next: OutcomeInfo = { outcomeType, occurredAt, source, recistResponse, stage };
      const outcomes = state.outcomes.set(outcomeId, next);
      return { ...state, outcomes, deathDate: deathDateAfter(state, outcomeId, next, outcomes) };
    }
    default:
      return state;
  }
}
