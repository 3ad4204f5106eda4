import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import { PersistentMap } from '../persistent-map.js';
import { subjectDecider } from './subject.decider.js';
import type { MeasurementResult, OutcomeType, SubjectEvent } from './subject.events.js';
import { evolveSubject, initialSubjectState, type MeasurementInfo, type OutcomeInfo, type ScreeningInfo, type SubjectState } from './subject.state.js';

/**
 * The fold as it was before persistent maps (plain records copied per event): the reference the linear fold must
 * equal, event for event. Kept here verbatim in behaviour, not imported, so it cannot drift with the code under test.
 */
type PlainState = Record<string, unknown> & { kind: string };
function referenceEvolve(state: PlainState, event: SubjectEvent): PlainState {
  const deathOf = (outcomes: Record<string, OutcomeInfo>): string | null => Object.values(outcomes).find((o) => o.outcomeType === 'death')?.occurredAt ?? null;
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- a verbatim copy of the old fold: the events it ignored fall to default, as they did
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
      if (state.kind === 'screening') return { ...state, invitations: { ...(state['invitations'] as object), [d.roundId]: { invitedOn: d.occurredAt } } };
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
    default:
      break;
  }
  if (state.kind === 'none') return state;
  const measurements = state['measurements'] as Record<string, MeasurementInfo>;
  const screenings = (state['screenings'] ?? {}) as Record<string, ScreeningInfo>;
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- a verbatim copy of the old fold: the events it ignored fall to default, as they did
  switch (event.type) {
    case 'SubjectRandomised':
      return state.kind === 'trial' ? { ...state, randomisation: { armCode: event.data.armCode, stratum: event.data.stratum } } : state;
    case 'SubjectWithdrawn':
      return state.kind === 'trial' ? { ...state, status: 'withdrawn' } : state;
    case 'ScreeningRecorded': {
      const d = event.data;
      return state.kind === 'screening'
        ? {
            ...state,
            screenings: {
              ...screenings,
              [d.screeningId]: { roundId: d.roundId, screenedOn: d.occurredAt, humanResult: d.humanReading.result, recalledOn: null, assessment: null },
            },
          }
        : state;
    }
    case 'RecallRecorded': {
      const s = screenings[event.data.screeningId];
      return state.kind === 'screening' && s
        ? { ...state, screenings: { ...screenings, [event.data.screeningId]: { ...s, recalledOn: event.data.occurredAt } } }
        : state;
    }
    case 'AssessmentOutcomeRecorded': {
      const s = screenings[event.data.screeningId];
      return state.kind === 'screening' && s
        ? { ...state, screenings: { ...screenings, [event.data.screeningId]: { ...s, assessment: event.data.outcome } } }
        : state;
    }
    case 'IntervalCancerReported':
      return state.kind === 'screening'
        ? { ...state, intervalCancerReportIds: [...(state['intervalCancerReportIds'] as string[]), event.data.reportId] }
        : state;
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
      return { ...state, measurements: { ...measurements, [d.measurementId]: info } };
    }
    case 'MeasurementCorrected': {
      const m = measurements[event.data.measurementId];
      return m ? { ...state, measurements: { ...measurements, [event.data.measurementId]: { ...m, result: event.data.result } } } : state;
    }
    case 'MeasurementRetracted': {
      const m = measurements[event.data.measurementId];
      return m ? { ...state, measurements: { ...measurements, [event.data.measurementId]: { ...m, status: 'retracted' } } } : state;
    }
    case 'SubjectErased':
      return { ...state, erasedAt: event.data.erasedAt };
    case 'OutcomeRecorded':
    case 'OutcomeCorrected': {
      const { outcomeId, outcomeType, occurredAt, source, recistResponse, stage } = event.data;
      const outcomes = { ...(state['outcomes'] as Record<string, OutcomeInfo>), [outcomeId]: { outcomeType, occurredAt, source, recistResponse, stage } };
      return { ...state, outcomes, deathDate: deathOf(outcomes) };
    }
    default:
      return state;
  }
}

/** The state with its persistent maps as plain records (and the report-id set as the list it was). */
function plain(state: SubjectState): PlainState {
  if (state.kind === 'none') return { kind: 'none' };
  const out: PlainState = { ...state, measurements: state.measurements.toRecord(), outcomes: state.outcomes.toRecord() };
  if (state.kind === 'screening')
    Object.assign(out, {
      invitations: state.invitations.toRecord(),
      screenings: state.screenings.toRecord(),
      intervalCancerReportIds: state.intervalCancerReportIds.keys(),
    });
  return out;
}

const quantity = (v: number): MeasurementResult => ({ kind: 'quantitative', originalValue: v, originalUnit: 'mm', value: v, unit: 'mm' });

/** A trial subject's long history: mostly measurements, with corrections, retractions and outcomes in between. */
function trialHistory(n: number): SubjectEvent[] {
  const subjectId = 's-1';
  const events: SubjectEvent[] = [
    {
      type: 'SubjectEnrolled',
      data: { subjectId, trialId: 't-1', pseudonym: 'P-1', siteId: 'site-1', consentVersion: 'v1', consentDate: '2024-01-01', occurredAt: '2024-01-01' },
    },
    { type: 'SubjectRandomised', data: { subjectId, trialId: 't-1', armCode: 'A', stratum: 'x', occurredAt: '2024-01-02' } },
  ];
  const outcomeTypes: OutcomeType[] = ['progression', 'response_assessment', 'death', 'last_known_alive'];
  for (let i = 0; events.length < n; i++) {
    const measurementId = `m-${i}`;
    events.push({
      type: 'MeasurementRecorded',
      data: {
        subjectId,
        measurementId,
        trialId: 't-1',
        programmeId: null,
        biomarkerId: `b-${i % 7}`,
        biomarkerVersion: 1 + (i % 3),
        result: quantity(i),
        studyInstanceUid: `1.2.${i % 50}`,
        seriesInstanceUid: null,
        timePoint: `W${i % 12}`,
        lesion: i % 2 ? { trackingUid: `l-${i % 9}`, label: 'L', findingSite: null, role: 'target' } : null,
        method: 'ai',
        algorithmVersionId: 'alg-1',
        readerId: null,
        plausibilityOverrideReason: null,
        occurredAt: '2024-02-01',
      },
    });
    if (i % 10 === 3)
      events.push({
        type: 'MeasurementCorrected',
        data: {
          subjectId,
          measurementId: `m-${i - 2}`,
          result: quantity(-i),
          previousResult: quantity(i - 2),
          reason: 'typo',
          plausibilityOverrideReason: null,
          correctedAt: '2024-02-02',
        },
      });
    if (i % 25 === 7)
      events.push({ type: 'MeasurementRetracted', data: { subjectId, measurementId: `m-${i - 5}`, reason: 'wrong lesion', retractedAt: '2024-02-03' } });
    if (i % 200 === 11) {
      const outcomeId = `o-${i % 3}`;
      const details = { occurredAt: `2024-03-${String(1 + (i % 27)).padStart(2, '0')}`, source: 'investigator' as const, recistResponse: null, stage: null };
      events.push(
        i < 400
          ? {
              type: 'OutcomeRecorded',
              data: { subjectId, outcomeId, outcomeType: outcomeTypes[i % 4]!, trialId: 't-1', programmeId: null, timePoint: null, notes: null, ...details },
            }
          : {
              type: 'OutcomeCorrected',
              data: {
                subjectId,
                outcomeId,
                outcomeType: outcomeTypes[((i / 200) % 4) | 0]!,
                previous: details,
                reason: 'review',
                correctedAt: '2024-04-01',
                ...details,
              },
            },
      );
    }
  }
  return events.slice(0, n);
}

function screeningHistory(n: number): SubjectEvent[] {
  const subjectId = 'p-1';
  const programmeId = 'bcs';
  const events: SubjectEvent[] = [];
  for (let round = 0; events.length < n; round++) {
    const roundId = `r-${round}`;
    const screeningId = `sc-${round}`;
    events.push({ type: 'ParticipantInvited', data: { subjectId, programmeId, roundId, pseudonym: 'P', occurredAt: '2024-01-01' } });
    events.push({
      type: 'ScreeningRecorded',
      data: {
        subjectId,
        programmeId,
        roundId,
        screeningId,
        siteId: 'site',
        modality: 'MG',
        humanReading: { result: round % 3 ? 'negative' : 'positive', readerIds: ['r'] },
        aiReading: null,
        occurredAt: '2024-01-02',
      },
    });
    if (round % 3 === 0) {
      events.push({ type: 'RecallRecorded', data: { subjectId, programmeId, roundId, screeningId, reason: null, occurredAt: '2024-01-03' } });
      events.push({
        type: 'AssessmentOutcomeRecorded',
        data: { subjectId, programmeId, roundId, screeningId, outcome: 'benign', diagnosisDate: null, stage: null, occurredAt: '2024-01-04' },
      });
    }
    if (round % 5 === 4)
      events.push({
        type: 'IntervalCancerReported',
        data: {
          subjectId,
          programmeId,
          reportId: `ic-${round}`,
          precedingScreeningId: screeningId,
          precedingRoundId: roundId,
          source: 'other',
          stage: null,
          occurredAt: '2024-01-05',
        },
      });
  }
  return events.slice(0, n);
}

/**
 * How much one evolve step builds: the references held by objects reachable from `after` that are not reachable
 * from `before` (own keys of each new object or array). A fold that copies a record per event builds as many
 * references as the record has entries; a persistent map builds a path of a few small nodes.
 */
function referencesBuilt(before: unknown, after: unknown): number {
  const seen = new Set<object>();
  const mark = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    for (const child of Object.values(v)) mark(child);
  };
  mark(before);
  let built = 0;
  const fresh = new Set<object>();
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v) || fresh.has(v)) return;
    fresh.add(v);
    const children = Object.values(v);
    built += children.length;
    for (const child of children) walk(child);
  };
  walk(after);
  return built;
}

function stepCost(history: readonly SubjectEvent[], at: number): number {
  const before = fold(subjectDecider, history.slice(0, at));
  return referencesBuilt(before, evolveSubject(before, history[at]!));
}

describe('subject fold over a long stream', () => {
  it('a 5,000-event trial history folds to the state of the reference fold, and so does every prefix sampled', () => {
    const history = trialHistory(5_000);
    expect(history.filter((e) => e.type === 'MeasurementRecorded').length).toBeGreaterThan(4_000);
    let state = initialSubjectState;
    let reference: PlainState = { kind: 'none' };
    history.forEach((e, i) => {
      state = evolveSubject(state, e);
      reference = referenceEvolve(reference, e);
      if (i % 997 === 0) expect(plain(state)).toEqual(reference);
    });
    expect(plain(state)).toEqual(reference);
    expect(state.kind === 'trial' && state.measurements.size).toBe(Object.keys(reference['measurements'] as object).length);
    // Iteration keeps first-insertion order, as the plain record did for these ids.
    expect(state.kind === 'trial' && state.measurements.keys()).toEqual(Object.keys(reference['measurements'] as object));
  });

  it('a 2,000-event screening history folds to the state of the reference fold', () => {
    const history = screeningHistory(2_000);
    const state = fold(subjectDecider, history);
    const reference = history.reduce(referenceEvolve, { kind: 'none' });
    expect(plain(state)).toEqual(reference);
  });

  it('folding one more event builds as much at 5,000 events as at 50: the fold is linear, not quadratic', () => {
    const history = trialHistory(5_001);
    const small = stepCost(history, 50);
    const large = stepCost(history, 5_000);
    // A path of at most seven 32-slot nodes plus the new state object: bounded whatever the history.
    expect(large).toBeLessThanOrEqual(7 * 32 + 40);
    expect(large).toBeLessThanOrEqual(small + 2 * 32);
  });

  it('an evolved state leaves the state it came from unchanged (both stay valid for whoever holds them)', () => {
    const history = trialHistory(300);
    const before = fold(subjectDecider, history.slice(0, 299));
    const snapshot = plain(before);
    const after = evolveSubject(before, history[299]!);
    evolveSubject(before, { type: 'MeasurementRetracted', data: { subjectId: 's-1', measurementId: 'm-1', reason: 'x', retractedAt: '2024-05-05' } });
    expect(plain(before)).toEqual(snapshot);
    expect(plain(after)).toEqual(referenceEvolve(snapshot, history[299]!));
  });
});

describe('PersistentMap', () => {
  it('keeps every version: set returns a new map and leaves the old one as it was', () => {
    const a = PersistentMap.empty<number>().set('x', 1).set('y', 2);
    const b = a.set('x', 10).set('z', 3);
    expect(a.toRecord()).toEqual({ x: 1, y: 2 });
    expect(b.toRecord()).toEqual({ x: 10, y: 2, z: 3 });
    expect(b.keys()).toEqual(['x', 'y', 'z']);
    expect([a.size, b.size]).toEqual([2, 3]);
    expect(b.get('constructor')).toBeUndefined();
    expect(b.has('__proto__')).toBe(false);
  });

  it('finds every one of 20,000 keys, colliding hashes included', () => {
    let map = PersistentMap.empty<number>();
    for (let i = 0; i < 20_000; i++) map = map.set(`k${i}`, i);
    // FNV-1a collides on these two (same 32-bit hash): they share a bucket at the bottom of the trie.
    map = map.set('costarring', -1).set('liquid', -2);
    for (let i = 0; i < 20_000; i += 7) expect(map.get(`k${i}`)).toBe(i);
    expect([map.get('costarring'), map.get('liquid'), map.size]).toEqual([-1, -2, 20_002]);
  });
});
