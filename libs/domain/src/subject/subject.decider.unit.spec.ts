import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import type { AlgorithmFacts } from '../algorithm/algorithm.decider.js';
import type { BiomarkerFacts } from '../biomarker/biomarker.decider.js';
import type { BiomarkerSpec } from '../biomarker/biomarker.events.js';
import type { ProgrammeFacts } from '../programme/programme.decider.js';
import type { StudyFacts } from '../study/study.decider.js';
import { NO_LOCKS, trialDecider, trialFacts, type TrialFacts } from '../trial/trial.decider.js';
import type { TrialCommand } from '../trial/trial.commands.js';
import type { TrialEvent } from '../trial/trial.events.js';
import type {
  CorrectMeasurement,
  EnrolSubject,
  InviteParticipant,
  RecordMeasurement,
  RecordOutcome,
  RecordScreening,
  SubjectCommand,
} from './subject.commands.js';
import { subjectContextNeeds, subjectDecider, type SubjectDecisionContext } from './subject.decider.js';
import type { SubjectEvent } from './subject.events.js';
import { rejection } from '../testing/decider-testing.js';

// ---- fixtures: facts as the handler would derive them from the other streams ---------------------------------
const NOW = new Date('2025-06-01T10:00:00Z');
const STUDY_UID = '1.2.826.0.1.3680043.8.498.1001';
const STUDY2_UID = '1.2.826.0.1.3680043.8.498.1002';
const LESION_UID = '1.2.826.0.1.3680043.8.498.9001';

const trial: TrialFacts = {
  trialId: 'onco-01',
  locks: NO_LOCKS,
  enrolmentOpen: true,
  activeSiteIds: ['site-1'],
  armCodes: ['A', 'B'],
  timePointCodes: ['BASELINE', 'W8'],
};
const ldSpec = (max: number): BiomarkerSpec => ({
  name: 'Lesion longest diameter',
  description: null,
  modality: 'CT',
  bodySite: null,
  valueType: { kind: 'quantitative', unit: 'mm', plausibleRange: { min: 0, max } },
  repeatabilityWcv: null,
});
const lesionLd: BiomarkerFacts = {
  biomarkerId: 'lesion-ld',
  code: 'LESION_LD',
  status: 'active',
  currentVersion: 2,
  versions: { 1: ldSpec(300), 2: ldSpec(500) },
};
const lungRads: BiomarkerFacts = {
  biomarkerId: 'lung-rads',
  code: 'LUNG_RADS',
  status: 'active',
  currentVersion: 1,
  versions: { 1: { ...ldSpec(1), valueType: { kind: 'categorical', categories: ['1', '2', '3', '4A', '4B', '4X'] } } },
};
const algorithm: AlgorithmFacts = {
  algorithmVersionId: 'lungai-2.1.0',
  manufacturer: 'Acme',
  name: 'LungAI',
  version: '2.1.0',
  status: 'active',
  biomarkerIds: ['lesion-ld', 'malignancy-score'],
  scoreRange: { min: 0, max: 1 },
};
const study: StudyFacts = { studyInstanceUid: STUDY_UID, subjectId: 'subj-1', modality: 'CT', occurredAt: '2025-03-10T09:00:00.000Z', siteId: 'site-1' };
const programme: ProgrammeFacts = {
  programmeId: 'bcs-nl',
  cancerType: 'breast',
  rounds: {
    r1: { roundNumber: 1, status: 'closed', opensOn: '2023-01-02', closesOn: '2023-12-22' },
    r2: { roundNumber: 2, status: 'open', opensOn: '2025-01-06', closesOn: null },
  },
};

const base: SubjectDecisionContext = { commandId: 'c-1', actor: { id: 'u-1', role: 'coordinator' }, now: NOW };
const trialCtx: SubjectDecisionContext = { ...base, trial };
const measureCtx: SubjectDecisionContext = { ...trialCtx, biomarker: lesionLd, study, algorithm };

const run = (given: readonly SubjectEvent[], command: SubjectCommand, ctx: SubjectDecisionContext = measureCtx) =>
  subjectDecider.decide(command, fold(subjectDecider, given), ctx);
/** Applies [command, context] steps one after another as the handler would, returning the whole history. */
function history(...steps: [SubjectCommand, SubjectDecisionContext?][]): SubjectEvent[] {
  return steps.reduce<SubjectEvent[]>((events, [c, ctx]) => [...events, ...run(events, c, ctx)], []);
}
const expectPlainJson = (events: readonly SubjectEvent[]) => expect(JSON.parse(JSON.stringify(events))).toStrictEqual(events);

// ---- commands -------------------------------------------------------------------------------------------------
const S = 'subj-1';
const enrol: EnrolSubject = {
  type: 'EnrolSubject',
  subjectId: S,
  trialId: 'onco-01',
  pseudonym: 'ONC-0001',
  siteId: 'site-1',
  consentVersion: 'v2.1',
  consentDate: '2025-03-01',
};
const measure: RecordMeasurement = {
  type: 'RecordMeasurement',
  subjectId: S,
  measurementId: 'm-1',
  biomarkerId: 'lesion-ld',
  biomarkerVersion: 2,
  value: { value: 2.35, unit: 'cm' },
  studyInstanceUid: STUDY_UID,
  timePoint: 'BASELINE',
  lesion: { trackingUid: LESION_UID, label: 'Liver lesion 1', findingSite: 'Liver', role: 'target' },
  method: 'manual',
  readerId: 'reader-7',
};
const outcome = (over: Partial<RecordOutcome> = {}): RecordOutcome => ({
  type: 'RecordOutcome',
  subjectId: S,
  outcomeId: 'o-1',
  outcomeType: 'progression',
  occurredAt: '2025-05-02',
  source: 'investigator',
  ...over,
});
const enrolled = history([enrol, trialCtx]);
const measured = [...enrolled, ...run(enrolled, measure)];

const P = 'part-1';
const invite = (roundId = 'r2', over: Partial<InviteParticipant> = {}): InviteParticipant => ({
  type: 'InviteParticipant',
  subjectId: P,
  programmeId: 'bcs-nl',
  roundId,
  pseudonym: 'BCS-000123',
  invitedOn: '2025-02-03',
  ...over,
});
const screenCtx: SubjectDecisionContext = { ...base, programme, algorithm };
const screening = (over: Partial<RecordScreening> = {}): RecordScreening => ({
  type: 'RecordScreening',
  subjectId: P,
  screeningId: 'scr-1',
  roundId: 'r2',
  screenedOn: '2025-02-20',
  siteId: 'unit-3',
  modality: 'MG',
  humanReading: { result: 'negative', readerIds: ['rad-1', 'rad-2'] },
  aiReading: { algorithmVersionId: 'lungai-2.1.0', score: 0.82, aiPositive: true },
  ...over,
});
const invited = history([invite(), screenCtx]);
const screened = [...invited, ...run(invited, screening(), screenCtx)];

describe('subject decider — trial side', () => {
  it('enrols a subject; the consent date is the clinical time', () => {
    expect(enrolled).toStrictEqual([
      {
        type: 'SubjectEnrolled',
        data: {
          subjectId: S,
          trialId: 'onco-01',
          pseudonym: 'ONC-0001',
          siteId: 'site-1',
          consentVersion: 'v2.1',
          consentDate: '2025-03-01',
          occurredAt: '2025-03-01',
        },
      },
    ]);
  });

  it('enrols only while enrolment is open, at an active site, in an unlocked, existing trial, once', () => {
    expect(rejection(() => run([], enrol, { ...base, trial: { ...trial, enrolmentOpen: false } }))).toMatchObject({
      code: 'ENROLMENT_NOT_OPEN',
      field: 'trialId',
    });
    expect(rejection(() => run([], { ...enrol, siteId: 'site-9' }, trialCtx))).toMatchObject({ code: 'SITE_NOT_ACTIVE', field: 'siteId' });
    expect(rejection(() => run([], enrol, { ...base, trial: { ...trial, locks: { ...NO_LOCKS, trial: 'hard' as const } } }))).toMatchObject({
      code: 'TRIAL_LOCKED',
      field: 'trialId',
    });
    expect(rejection(() => run([], enrol, base))).toMatchObject({ code: 'TRIAL_NOT_FOUND', field: 'trialId' });
    expect(rejection(() => run(enrolled, enrol, trialCtx))).toMatchObject({ code: 'SUBJECT_ALREADY_EXISTS', field: 'subjectId' });
  });

  it('uses facts folded from the real trial stream', () => {
    const steps: TrialCommand[] = [
      {
        type: 'RegisterTrial',
        trialId: 'onco-01',
        identifiers: [{ system: 'NCT', value: 'NCT01234567' }],
        title: 't',
        phase: 'III',
        sponsor: 's',
        primaryEndpoint: 'OS',
      },
      { type: 'AddTrialArm', trialId: 'onco-01', armCode: 'A', name: 'A', armType: 'experimental', plannedSize: 10 },
      { type: 'ActivateTrialSite', trialId: 'onco-01', siteId: 'site-1', name: 'Leiden' },
    ];
    const ctx = { ...base, commandId: 't' };
    const trialEvents = steps.reduce<TrialEvent[]>((ev, c) => [...ev, ...trialDecider.decide(c, fold(trialDecider, ev), ctx)], []);
    expect(rejection(() => run([], enrol, { ...base, trial: trialFacts(fold(trialDecider, trialEvents))! }))).toMatchObject({ code: 'ENROLMENT_NOT_OPEN' });
    const open = [...trialEvents, ...trialDecider.decide({ type: 'OpenEnrolment', trialId: 'onco-01' }, fold(trialDecider, trialEvents), ctx)];
    expect(run([], enrol, { ...base, trial: trialFacts(fold(trialDecider, open))! })).toHaveLength(1);
  });

  it.each([
    ['John Smith', 'INVALID_PSEUDONYM'],
    ['JOHN-SMITH', 'INVALID_PSEUDONYM'],
    ['john.smith@example.org', 'INVALID_PSEUDONYM'],
    ['123-45-6789', 'INVALID_PSEUDONYM'],
    ['+31612345678', 'INVALID_PSEUDONYM'],
    ['onc-0001', 'INVALID_PSEUDONYM'],
    ['AB123456C', 'PSEUDONYM_LOOKS_IDENTIFYING'],
    ['12345678Z', 'PSEUDONYM_LOOKS_IDENTIFYING'],
    ['RSSMRA85T10A562S', 'PSEUDONYM_LOOKS_IDENTIFYING'],
    ['P-1985031201234', 'PSEUDONYM_LOOKS_IDENTIFYING'],
  ])('refuses %s as a pseudonym', (pseudonym, code) => {
    expect(rejection(() => run([], { ...enrol, pseudonym }, trialCtx))).toMatchObject({ code, field: 'pseudonym' });
  });

  it('refuses a consent date that is invalid or in the future', () => {
    expect(rejection(() => run([], { ...enrol, consentDate: '2025-02-30' }, trialCtx))).toMatchObject({ code: 'INVALID_DATE', field: 'consentDate' });
    expect(rejection(() => run([], { ...enrol, consentDate: '2025-06-03' }, trialCtx))).toMatchObject({ code: 'DATE_IN_FUTURE', field: 'consentDate' });
  });

  it('randomises once, to an existing arm, recording the stratum', () => {
    const randomise = { type: 'RandomiseSubject', subjectId: S, armCode: 'B', stratum: 'ECOG 0-1 / EU' } as const;
    const events = run(enrolled, randomise, trialCtx);
    expect(events).toStrictEqual([
      { type: 'SubjectRandomised', data: { subjectId: S, trialId: 'onco-01', armCode: 'B', stratum: 'ECOG 0-1 / EU', occurredAt: '2025-06-01T10:00:00.000Z' } },
    ]);
    expect(rejection(() => run([...enrolled, ...events], randomise, trialCtx))).toMatchObject({ code: 'SUBJECT_ALREADY_RANDOMISED' });
    expect(rejection(() => run(enrolled, { ...randomise, armCode: 'C' }, trialCtx))).toMatchObject({ code: 'ARM_NOT_FOUND', field: 'armCode' });
    expect(rejection(() => run(enrolled, { ...randomise, randomisedAt: '2025-02-27' }, trialCtx))).toMatchObject({
      code: 'DATE_BEFORE_CONSENT',
      field: 'randomisedAt',
    });
  });

  it('randomises only an enrolled, not withdrawn trial subject of an unlocked trial', () => {
    const randomise = { type: 'RandomiseSubject', subjectId: S, armCode: 'A', stratum: 'all' } as const;
    expect(rejection(() => run([], randomise, trialCtx))).toMatchObject({ code: 'SUBJECT_NOT_FOUND' });
    expect(rejection(() => run(invited, { ...randomise, subjectId: P }, trialCtx))).toMatchObject({ code: 'SUBJECT_NOT_IN_TRIAL' });
    const withdrawn = [
      ...enrolled,
      ...run(enrolled, { type: 'WithdrawSubject', subjectId: S, withdrawalDate: '2025-04-01', reason: 'Consent withdrawn' }, trialCtx),
    ];
    expect(rejection(() => run(withdrawn, randomise, trialCtx))).toMatchObject({ code: 'SUBJECT_WITHDRAWN' });
    expect(rejection(() => run(enrolled, randomise, { ...base, trial: { ...trial, locks: { ...NO_LOCKS, trial: 'hard' as const } } }))).toMatchObject({
      code: 'TRIAL_LOCKED',
    });
  });

  it('withdraws once, with a reason, dated within consent..now', () => {
    const withdraw = { type: 'WithdrawSubject', subjectId: S, withdrawalDate: '2025-04-01', reason: 'Consent withdrawn' } as const;
    const events = run(enrolled, withdraw, trialCtx);
    expect(events).toStrictEqual([
      { type: 'SubjectWithdrawn', data: { subjectId: S, trialId: 'onco-01', reason: 'Consent withdrawn', occurredAt: '2025-04-01' } },
    ]);
    expect(rejection(() => run([...enrolled, ...events], withdraw, trialCtx))).toMatchObject({ code: 'SUBJECT_WITHDRAWN' });
    expect(rejection(() => run(enrolled, { ...withdraw, reason: '' }, trialCtx))).toMatchObject({ code: 'REASON_REQUIRED', field: 'reason' });
    expect(rejection(() => run(enrolled, { ...withdraw, withdrawalDate: '2025-02-01' }, trialCtx))).toMatchObject({
      code: 'DATE_BEFORE_CONSENT',
      field: 'withdrawalDate',
    });
  });
});

describe('subject decider — screening side', () => {
  it('invites to an open round, once per round', () => {
    expect(invited).toStrictEqual([
      { type: 'ParticipantInvited', data: { subjectId: P, programmeId: 'bcs-nl', roundId: 'r2', pseudonym: 'BCS-000123', occurredAt: '2025-02-03' } },
    ]);
    expect(rejection(() => run(invited, invite(), screenCtx))).toMatchObject({ code: 'ALREADY_INVITED_IN_ROUND', field: 'roundId' });
  });

  it('refuses invitations to closed or unknown rounds, other programmes and under another pseudonym', () => {
    expect(rejection(() => run([], invite('r1'), screenCtx))).toMatchObject({ code: 'ROUND_NOT_OPEN', field: 'roundId' });
    expect(rejection(() => run([], invite('r9'), screenCtx))).toMatchObject({ code: 'ROUND_NOT_FOUND', field: 'roundId' });
    expect(rejection(() => run([], invite(), base))).toMatchObject({ code: 'PROGRAMME_NOT_FOUND', field: 'programmeId' });
    expect(rejection(() => run([], invite('r2', { invitedOn: '2025-01-01' }), screenCtx))).toMatchObject({ code: 'INVITATION_BEFORE_ROUND_OPENS' });
    expect(rejection(() => run(invited, invite('r3', { programmeId: 'lcs-nl' }), screenCtx))).toMatchObject({ code: 'SUBJECT_IN_OTHER_PROGRAMME' });
    expect(rejection(() => run(invited, invite('r3', { pseudonym: 'BCS-000999' }), screenCtx))).toMatchObject({ code: 'PSEUDONYM_MISMATCH' });
    expect(rejection(() => run(enrolled, invite('r2', { subjectId: S }), screenCtx))).toMatchObject({ code: 'SUBJECT_NOT_IN_PROGRAMME' });
  });

  it('records a screening with human and AI readings', () => {
    expect(screened.at(-1)).toStrictEqual({
      type: 'ScreeningRecorded',
      data: {
        subjectId: P,
        programmeId: 'bcs-nl',
        roundId: 'r2',
        screeningId: 'scr-1',
        siteId: 'unit-3',
        modality: 'MG',
        humanReading: { result: 'negative', readerIds: ['rad-1', 'rad-2'] },
        aiReading: { algorithmVersionId: 'lungai-2.1.0', score: 0.82, aiPositive: true },
        occurredAt: '2025-02-20',
      },
    });
  });

  it('refuses a screening for a participant not invited in that round', () => {
    expect(rejection(() => run([], screening(), screenCtx))).toMatchObject({ code: 'NOT_INVITED_IN_ROUND', field: 'roundId' });
    expect(rejection(() => run(invited, screening({ roundId: 'r1' }), screenCtx))).toMatchObject({ code: 'NOT_INVITED_IN_ROUND', field: 'roundId' });
  });

  it('refuses screenings before the invitation, twice in a round, or after an opt-out', () => {
    expect(rejection(() => run(invited, screening({ screenedOn: '2025-02-01' }), screenCtx))).toMatchObject({
      code: 'DATE_BEFORE_INVITATION',
      field: 'screenedOn',
    });
    expect(rejection(() => run(screened, screening({ screeningId: 'scr-2' }), screenCtx))).toMatchObject({ code: 'ALREADY_SCREENED_IN_ROUND' });
    expect(rejection(() => run(screened, screening(), screenCtx))).toMatchObject({ code: 'DUPLICATE_SCREENING' });
    const optedOut = [...invited, ...run(invited, { type: 'RecordOptOut', subjectId: P, optedOutOn: '2025-02-10' }, screenCtx)];
    expect(rejection(() => run(optedOut, screening(), screenCtx))).toMatchObject({ code: 'PARTICIPANT_OPTED_OUT' });
  });

  it('refuses AI readings from a suspended or withdrawn algorithm version, and non-finite scores', () => {
    expect(rejection(() => run(invited, screening(), { ...screenCtx, algorithm: { ...algorithm, status: 'suspended' } }))).toMatchObject({
      code: 'ALGORITHM_SUSPENDED',
      field: 'aiReading.algorithmVersionId',
    });
    expect(rejection(() => run(invited, screening(), { ...screenCtx, algorithm: { ...algorithm, status: 'withdrawn' } }))).toMatchObject({
      code: 'ALGORITHM_WITHDRAWN',
    });
    expect(rejection(() => run(invited, screening(), { ...screenCtx, algorithm: undefined }))).toMatchObject({ code: 'ALGORITHM_NOT_FOUND' });
    const nan = screening({ aiReading: { algorithmVersionId: 'lungai-2.1.0', score: Number.NaN, aiPositive: false } });
    expect(rejection(() => run(invited, nan, screenCtx))).toMatchObject({ code: 'NOT_FINITE', field: 'aiReading.score' });
  });

  it('given an algorithm version declaring scores 0–1, when an AI reading scores 1e308 or -5, then VALUE_OUT_OF_RANGE on aiReading.score', () => {
    const scored = (score: number) => screening({ aiReading: { algorithmVersionId: 'lungai-2.1.0', score, aiPositive: score > 0.5 } });
    for (const score of [1e308, -5, 1.0000001, -Number.MIN_VALUE, Number.POSITIVE_INFINITY]) {
      const err = rejection(() => run(invited, scored(score), screenCtx));
      expect([score, err.code, err.field]).toStrictEqual([score, Number.isFinite(score) ? 'VALUE_OUT_OF_RANGE' : 'NOT_FINITE', 'aiReading.score']);
      if (Number.isFinite(score)) expect(err.details).toStrictEqual({ min: 0, max: 1, declaredBy: 'algorithm version lungai-2.1.0' });
    }
    // The bounds themselves belong to the range; another version's declared range is its own.
    expect(run(invited, scored(0), screenCtx)).toHaveLength(1);
    expect(run(invited, scored(1), screenCtx)).toHaveLength(1);
    expect(run(invited, scored(7), { ...screenCtx, algorithm: { ...algorithm, scoreRange: { min: 1, max: 10 } } })).toMatchObject([
      { data: { aiReading: { score: 7 } } },
    ]);
  });

  it('given an algorithm version that declared no score range, when it reports an AI screening score, then SCORE_RANGE_NOT_DECLARED', () => {
    expect(rejection(() => run(invited, screening(), { ...screenCtx, algorithm: { ...algorithm, scoreRange: null } }))).toMatchObject({
      code: 'SCORE_RANGE_NOT_DECLARED',
      field: 'aiReading.algorithmVersionId',
    });
    // A human-only screening needs no algorithm at all.
    expect(run(invited, screening({ aiReading: null }), { ...screenCtx, algorithm: undefined })).toHaveLength(1);
  });

  it('recalls, then records the assessment outcome with diagnosis date and stage', () => {
    const recall = { type: 'RecordRecall', subjectId: P, screeningId: 'scr-1', recalledOn: '2025-02-25' } as const;
    const recalled = [...screened, ...run(screened, recall, screenCtx)];
    expect(recalled.at(-1)).toStrictEqual({
      type: 'RecallRecorded',
      data: { subjectId: P, programmeId: 'bcs-nl', roundId: 'r2', screeningId: 'scr-1', reason: null, occurredAt: '2025-02-25' },
    });
    expect(rejection(() => run(recalled, recall, screenCtx))).toMatchObject({ code: 'ALREADY_RECALLED' });
    expect(rejection(() => run(screened, { ...recall, recalledOn: '2025-02-19' }, screenCtx))).toMatchObject({ code: 'DATE_BEFORE_SCREENING' });
    const assess = {
      type: 'RecordAssessmentOutcome',
      subjectId: P,
      screeningId: 'scr-1',
      outcome: 'cancer',
      assessedOn: '2025-03-05',
      diagnosisDate: '2025-03-04',
      stage: 'iia',
    } as const;
    const assessed = run(recalled, assess, screenCtx);
    expect(assessed).toMatchObject([
      { type: 'AssessmentOutcomeRecorded', data: { outcome: 'cancer', diagnosisDate: '2025-03-04', stage: 'IIA', occurredAt: '2025-03-05' } },
    ]);
    expect(rejection(() => run([...recalled, ...assessed], assess, screenCtx))).toMatchObject({ code: 'ASSESSMENT_ALREADY_RECORDED' });
    expect(rejection(() => run(screened, assess, screenCtx))).toMatchObject({ code: 'NOT_RECALLED' });
    expect(rejection(() => run(recalled, { ...assess, diagnosisDate: null }, screenCtx))).toMatchObject({ code: 'FIELD_REQUIRED', field: 'diagnosisDate' });
    expect(rejection(() => run(recalled, { ...assess, stage: 'T1N0' }, screenCtx))).toMatchObject({ code: 'INVALID_STAGE', field: 'stage' });
    expect(rejection(() => run(recalled, { ...assess, outcome: 'benign' }, screenCtx))).toMatchObject({ code: 'FIELD_NOT_APPLICABLE' });
  });

  it('reports an interval cancer only after a negative screening', () => {
    const report = { type: 'ReportIntervalCancer', subjectId: P, reportId: 'icr-1', diagnosisDate: '2025-05-15', source: 'cancer_registry_linkage' } as const;
    expect(run(screened, report, screenCtx)).toStrictEqual([
      {
        type: 'IntervalCancerReported',
        data: {
          subjectId: P,
          programmeId: 'bcs-nl',
          reportId: 'icr-1',
          precedingScreeningId: 'scr-1',
          precedingRoundId: 'r2',
          source: 'cancer_registry_linkage',
          stage: null,
          occurredAt: '2025-05-15',
        },
      },
    ]);
    expect(rejection(() => run(invited, report, screenCtx))).toMatchObject({ code: 'NO_PRIOR_NEGATIVE_SCREENING', field: 'diagnosisDate' });
    const positive = [...invited, ...run(invited, screening({ humanReading: { result: 'positive' } }), screenCtx)];
    const recalled = [...positive, ...run(positive, { type: 'RecordRecall', subjectId: P, screeningId: 'scr-1', recalledOn: '2025-02-25' }, screenCtx)];
    expect(rejection(() => run(recalled, report, screenCtx))).toMatchObject({ code: 'NO_PRIOR_NEGATIVE_SCREENING' });
    const reported = [...screened, ...run(screened, report, screenCtx)];
    expect(rejection(() => run(reported, report, screenCtx))).toMatchObject({ code: 'DUPLICATE_INTERVAL_CANCER_REPORT' });
  });

  it('records an opt-out once; no invitation afterwards', () => {
    const optOut = { type: 'RecordOptOut', subjectId: P, optedOutOn: '2025-03-01', reason: null } as const;
    const optedOut = [...invited, ...run(invited, optOut, screenCtx)];
    expect(optedOut.at(-1)).toStrictEqual({
      type: 'ParticipantOptedOut',
      data: { subjectId: P, programmeId: 'bcs-nl', reason: null, occurredAt: '2025-03-01' },
    });
    expect(rejection(() => run(optedOut, optOut, screenCtx))).toMatchObject({ code: 'ALREADY_OPTED_OUT' });
    expect(rejection(() => run(optedOut, invite('r3'), screenCtx))).toMatchObject({ code: 'PARTICIPANT_OPTED_OUT' });
  });
});

describe('subject decider — measurements', () => {
  it('records a measurement converted into the canonical unit, keeping the original, dated by the study', () => {
    const events = run(enrolled, measure);
    expect(events).toStrictEqual([
      {
        type: 'MeasurementRecorded',
        data: {
          subjectId: S,
          measurementId: 'm-1',
          trialId: 'onco-01',
          programmeId: null,
          biomarkerId: 'lesion-ld',
          biomarkerVersion: 2,
          result: { kind: 'quantitative', originalValue: 2.35, originalUnit: 'cm', value: 23.5, unit: 'mm' },
          studyInstanceUid: STUDY_UID,
          seriesInstanceUid: null,
          timePoint: 'BASELINE',
          lesion: { trackingUid: LESION_UID, label: 'Liver lesion 1', findingSite: 'Liver', role: 'target' },
          method: 'manual',
          algorithmVersionId: null,
          readerId: 'reader-7',
          plausibilityOverrideReason: null,
          occurredAt: '2025-03-10T09:00:00.000Z',
        },
      },
    ]);
    expectPlainJson(events);
  });

  it('records measurements for screening participants too', () => {
    const ctx = { ...screenCtx, biomarker: lungRads, study: { ...study, subjectId: P } };
    const events = run(
      screened,
      {
        ...measure,
        subjectId: P,
        biomarkerId: 'lung-rads',
        biomarkerVersion: 1,
        value: { category: '4A' },
        timePoint: 'r2',
        lesion: null,
        method: 'ai',
        algorithmVersionId: 'lungai-2.1.0',
        readerId: null,
      },
      { ...ctx, algorithm: { ...algorithm, biomarkerIds: [] } },
    );
    expect(events).toMatchObject([{ data: { programmeId: 'bcs-nl', trialId: null, result: { kind: 'categorical', category: '4A' }, method: 'ai' } }]);
  });

  it.each([
    [{ value: 2, unit: 'kg' }, 'UNIT_NOT_CONVERTIBLE', 'value.unit'],
    [{ value: 2, unit: 'mm2' }, 'UNIT_NOT_CONVERTIBLE', 'value.unit'],
    [{ value: 2, unit: 'MM' }, 'INVALID_UCUM_UNIT', 'value.unit'],
    [{ value: 2, unit: 'millimetre' }, 'INVALID_UCUM_UNIT', 'value.unit'],
    [{ value: Number.NaN, unit: 'mm' }, 'NOT_FINITE', 'value.value'],
    [{ value: Number.POSITIVE_INFINITY, unit: 'mm' }, 'NOT_FINITE', 'value.value'],
    [{ value: '12', unit: 'mm' }, 'INVALID_TYPE', 'value.value'],
    [{ value: 1e308, unit: 'km' }, 'NOT_FINITE', 'value.value'],
    [{ category: '4A' }, 'VALUE_TYPE_MISMATCH', 'value'],
  ])('refuses the value %j', (value, code, field) => {
    expect(rejection(() => run(enrolled, { ...measure, value } as unknown as RecordMeasurement))).toMatchObject({ code, field });
  });

  it('refuses a value outside the plausible range of its biomarker version unless an override reason is given', () => {
    expect(rejection(() => run(enrolled, { ...measure, value: { value: 60, unit: 'cm' } }))).toMatchObject({
      code: 'VALUE_OUT_OF_PLAUSIBLE_RANGE',
      field: 'value.value',
      details: { min: 0, max: 500 },
    });
    // 40 cm fits version 2 (max 500 mm) but not version 1 (max 300 mm): the version the reading names decides.
    expect(run(enrolled, { ...measure, value: { value: 40, unit: 'cm' } })).toHaveLength(1);
    expect(rejection(() => run(enrolled, { ...measure, biomarkerVersion: 1, value: { value: 40, unit: 'cm' } }))).toMatchObject({
      code: 'VALUE_OUT_OF_PLAUSIBLE_RANGE',
    });
    const overridden = run(enrolled, { ...measure, value: { value: 60, unit: 'cm' }, plausibilityOverrideReason: 'Giant sarcoma, confirmed by PI' });
    expect(overridden).toMatchObject([{ data: { result: { value: 600 }, plausibilityOverrideReason: 'Giant sarcoma, confirmed by PI' } }]);
    expect(run(enrolled, { ...measure, plausibilityOverrideReason: 'not needed' })).toMatchObject([{ data: { plausibilityOverrideReason: null } }]);
  });

  it("given an AI measurement outside its biomarker version's plausible range, then VALUE_OUT_OF_RANGE with no override", () => {
    const ai: RecordMeasurement = { ...measure, method: 'ai', algorithmVersionId: 'lungai-2.1.0', readerId: null };
    for (const value of [
      { value: 1e308, unit: 'mm' },
      { value: -5, unit: 'mm' },
      { value: 60, unit: 'cm' },
    ]) {
      const err = rejection(() => run(enrolled, { ...ai, value }));
      expect([value, err.code, err.field]).toStrictEqual([value, 'VALUE_OUT_OF_RANGE', 'value.value']);
      expect(err.details).toMatchObject({ min: 0, max: 500, unit: 'mm', declaredBy: 'biomarker lesion-ld version 2' });
      // An override reason vouches for a reader's value, not for a device's output.
      expect(rejection(() => run(enrolled, { ...ai, value, plausibilityOverrideReason: 'Giant sarcoma, confirmed by PI' }))).toMatchObject({
        code: 'VALUE_OUT_OF_RANGE',
      });
    }
    expect(run(enrolled, { ...ai, value: { value: 50, unit: 'cm' } })).toMatchObject([
      { data: { result: { value: 500 }, method: 'ai', plausibilityOverrideReason: null } },
    ]);
    // A reader (manual or semi-automatic) may still keep an implausible value with a reason.
    expect(
      run(enrolled, {
        ...measure,
        method: 'semi_automatic',
        algorithmVersionId: 'lungai-2.1.0',
        value: { value: 60, unit: 'cm' },
        plausibilityOverrideReason: 'Giant sarcoma',
      }),
    ).toHaveLength(1);
  });

  it('refuses a categorical value outside the allowed set', () => {
    const ctx = { ...measureCtx, biomarker: lungRads };
    const cmd = { ...measure, biomarkerId: 'lung-rads', biomarkerVersion: 1, value: { category: '5' } };
    expect(rejection(() => run(enrolled, cmd, ctx))).toMatchObject({ code: 'CATEGORY_NOT_ALLOWED', field: 'value.category' });
    expect(rejection(() => run(enrolled, { ...cmd, value: { value: 3, unit: '1' } }, ctx))).toMatchObject({ code: 'VALUE_TYPE_MISMATCH' });
  });

  it('refuses measurements by a suspended or withdrawn algorithm version, or one that does not produce the biomarker', () => {
    const ai = { ...measure, method: 'ai', algorithmVersionId: 'lungai-2.1.0', readerId: null } as const;
    expect(run(enrolled, ai)).toMatchObject([{ data: { method: 'ai', algorithmVersionId: 'lungai-2.1.0' } }]);
    expect(rejection(() => run(enrolled, ai, { ...measureCtx, algorithm: { ...algorithm, status: 'suspended' } }))).toMatchObject({
      code: 'ALGORITHM_SUSPENDED',
      field: 'algorithmVersionId',
    });
    expect(rejection(() => run(enrolled, ai, { ...measureCtx, algorithm: { ...algorithm, status: 'withdrawn' } }))).toMatchObject({
      code: 'ALGORITHM_WITHDRAWN',
      field: 'algorithmVersionId',
    });
    expect(rejection(() => run(enrolled, ai, { ...measureCtx, algorithm: { ...algorithm, biomarkerIds: ['sma-l3'] } }))).toMatchObject({
      code: 'ALGORITHM_DOES_NOT_PRODUCE_BIOMARKER',
    });
    expect(rejection(() => run(enrolled, { ...ai, algorithmVersionId: null }))).toMatchObject({ code: 'ALGORITHM_REQUIRED', field: 'algorithmVersionId' });
    expect(rejection(() => run(enrolled, { ...measure, readerId: null }))).toMatchObject({ code: 'READER_REQUIRED', field: 'readerId' });
  });

  it.each([
    ['studyInstanceUid', { studyInstanceUid: '1.2.04.5' }],
    ['seriesInstanceUid', { seriesInstanceUid: '1.2..5' }],
    ['lesion.trackingUid', { lesion: { trackingUid: 'Nodule 1', label: 'N1', role: 'target' } }],
  ])('refuses an invalid DICOM UID in %s', (field, over) => {
    expect(rejection(() => run(enrolled, { ...measure, ...over } as RecordMeasurement))).toMatchObject({ code: 'INVALID_DICOM_UID', field });
  });

  it('refuses measurements dated before consent or invitation, or in the future', () => {
    expect(rejection(() => run(enrolled, measure, { ...measureCtx, study: { ...study, occurredAt: '2025-02-28T23:00:00.000Z' } }))).toMatchObject({
      code: 'DATE_BEFORE_CONSENT',
      field: 'studyInstanceUid',
    });
    expect(run(enrolled, measure, { ...measureCtx, study: { ...study, occurredAt: '2025-03-01T00:30:00.000Z' } })).toHaveLength(1);
    expect(rejection(() => run(enrolled, measure, { ...measureCtx, study: { ...study, occurredAt: '2025-06-02T09:00:00.000Z' } }))).toMatchObject({
      code: 'DATE_IN_FUTURE',
    });
    const ctx = { ...screenCtx, biomarker: lesionLd, study: { ...study, subjectId: P, occurredAt: '2025-01-15' } };
    expect(rejection(() => run(invited, { ...measure, subjectId: P, timePoint: 'r2' }, ctx))).toMatchObject({ code: 'DATE_BEFORE_INVITATION' });
  });

  it('refuses unknown studies, studies of another subject, unknown or retired biomarkers and unknown versions', () => {
    expect(rejection(() => run(enrolled, measure, { ...measureCtx, study: undefined }))).toMatchObject({ code: 'STUDY_NOT_FOUND', field: 'studyInstanceUid' });
    expect(rejection(() => run(enrolled, measure, { ...measureCtx, study: { ...study, subjectId: 'subj-2' } }))).toMatchObject({
      code: 'STUDY_SUBJECT_MISMATCH',
    });
    expect(rejection(() => run(enrolled, measure, { ...measureCtx, biomarker: undefined }))).toMatchObject({
      code: 'BIOMARKER_NOT_FOUND',
      field: 'biomarkerId',
    });
    expect(rejection(() => run(enrolled, measure, { ...measureCtx, biomarker: { ...lesionLd, status: 'retired' } }))).toMatchObject({
      code: 'BIOMARKER_RETIRED',
    });
    expect(rejection(() => run(enrolled, { ...measure, biomarkerVersion: 3 }))).toMatchObject({
      code: 'BIOMARKER_VERSION_NOT_FOUND',
      field: 'biomarkerVersion',
    });
    expect(rejection(() => run([], measure))).toMatchObject({ code: 'SUBJECT_NOT_FOUND' });
  });

  it('accepts only scheduled time points (or UNSCHEDULED) and unique measurement ids', () => {
    expect(rejection(() => run(enrolled, { ...measure, timePoint: 'W12' }))).toMatchObject({ code: 'UNKNOWN_TIME_POINT', field: 'timePoint' });
    expect(run(enrolled, { ...measure, timePoint: 'UNSCHEDULED' })).toHaveLength(1);
    expect(rejection(() => run(measured, measure))).toMatchObject({ code: 'DUPLICATE_MEASUREMENT', field: 'measurementId' });
  });

  it('rejects every clinical write while the trial is locked', () => {
    const locked = { ...measureCtx, trial: { ...trial, locks: { ...NO_LOCKS, trial: 'hard' as const } } };
    const writes: SubjectCommand[] = [
      measure,
      { type: 'CorrectMeasurement', subjectId: S, measurementId: 'm-1', value: { value: 24, unit: 'mm' }, reason: 'Re-read' },
      { type: 'RetractMeasurement', subjectId: S, measurementId: 'm-1', reason: 'Wrong lesion' },
      outcome(),
      { type: 'WithdrawSubject', subjectId: S, withdrawalDate: '2025-04-01', reason: 'x' },
    ];
    for (const command of writes) expect(rejection(() => run(measured, command, locked))).toMatchObject({ code: 'TRIAL_LOCKED', field: 'trialId' });
  });

  it('given a soft lock of the subject, then new data is refused and corrections are accepted; a hard lock of its site refuses both', () => {
    const softSubject = { ...measureCtx, trial: { ...trial, locks: { ...NO_LOCKS, subjects: { [S]: 'soft' as const } } } };
    const correction: SubjectCommand = {
      type: 'CorrectMeasurement',
      subjectId: S,
      measurementId: 'm-1',
      value: { value: 24, unit: 'mm' },
      reason: 'Query answered',
    };
    expect(rejection(() => run(measured, { ...measure, measurementId: 'm-2' }, softSubject))).toMatchObject({ code: 'TRIAL_LOCKED' });
    expect(rejection(() => run(measured, outcome(), softSubject))).toMatchObject({ code: 'TRIAL_LOCKED' });
    expect(run(measured, correction, softSubject)).toHaveLength(1);
    const siteOf = fold(subjectDecider, measured);
    const hardSite = { ...measureCtx, trial: { ...trial, locks: { ...NO_LOCKS, sites: { [(siteOf as { siteId: string }).siteId]: 'hard' as const } } } };
    expect(rejection(() => run(measured, correction, hardSite))).toMatchObject({ code: 'TRIAL_LOCKED' });
    const otherSubject = { ...measureCtx, trial: { ...trial, locks: { ...NO_LOCKS, subjects: { 'someone-else': 'hard' as const } } } };
    expect(run(measured, correction, otherSubject)).toHaveLength(1);
  });

  describe('corrections, retractions and adjudication', () => {
    const correct: CorrectMeasurement = {
      type: 'CorrectMeasurement',
      subjectId: S,
      measurementId: 'm-1',
      value: { value: 24.1, unit: 'mm' },
      reason: 'Caliper misplaced',
    };
    const retract = { type: 'RetractMeasurement', subjectId: S, measurementId: 'm-1', reason: 'Wrong lesion' } as const;
    const retracted = [...measured, ...run(measured, retract)];

    it('corrects a value with a reason, keeping the previous one visible', () => {
      expect(run(measured, correct)).toStrictEqual([
        {
          type: 'MeasurementCorrected',
          data: {
            subjectId: S,
            measurementId: 'm-1',
            result: { kind: 'quantitative', originalValue: 24.1, originalUnit: 'mm', value: 24.1, unit: 'mm' },
            previousResult: { kind: 'quantitative', originalValue: 2.35, originalUnit: 'cm', value: 23.5, unit: 'mm' },
            reason: 'Caliper misplaced',
            plausibilityOverrideReason: null,
            correctedAt: '2025-06-01T10:00:00.000Z',
          },
        },
      ]);
    });

    it('refuses corrections without a reason, of retracted or unknown measurements, or that change nothing', () => {
      expect(rejection(() => run(measured, { ...correct, reason: '  ' }))).toMatchObject({ code: 'REASON_REQUIRED', field: 'reason' });
      expect(rejection(() => run(measured, { ...correct, reason: undefined } as unknown as SubjectCommand))).toMatchObject({ code: 'REASON_REQUIRED' });
      expect(rejection(() => run(retracted, correct))).toMatchObject({ code: 'MEASUREMENT_RETRACTED', field: 'measurementId' });
      expect(rejection(() => run(measured, { ...correct, measurementId: 'm-9' }))).toMatchObject({ code: 'MEASUREMENT_NOT_FOUND' });
      expect(rejection(() => run(measured, { ...correct, value: { value: 2.35, unit: 'cm' } }))).toMatchObject({ code: 'NOTHING_TO_CORRECT' });
      expect(rejection(() => run(measured, { ...correct, value: { value: 9, unit: 'm' } }))).toMatchObject({ code: 'VALUE_OUT_OF_PLAUSIBLE_RANGE' });
    });

    it('corrects under the version the measurement used, even after the biomarker was retired', () => {
      const retiredV1Only: BiomarkerFacts = { ...lesionLd, status: 'retired' };
      expect(run(measured, correct, { ...measureCtx, biomarker: retiredV1Only })).toHaveLength(1);
      expect(subjectContextNeeds(correct, fold(subjectDecider, measured))).toEqual({ trialId: 'onco-01', biomarkerId: 'lesion-ld' });
    });

    it('retracts with a reason, once', () => {
      expect(retracted.at(-1)).toStrictEqual({
        type: 'MeasurementRetracted',
        data: { subjectId: S, measurementId: 'm-1', reason: 'Wrong lesion', retractedAt: '2025-06-01T10:00:00.000Z' },
      });
      expect(rejection(() => run(measured, { ...retract, reason: '' }))).toMatchObject({ code: 'REASON_REQUIRED' });
      expect(rejection(() => run(retracted, retract))).toMatchObject({ code: 'MEASUREMENT_RETRACTED' });
    });

    it('accepts one of several comparable readings', () => {
      const second = [...measured, ...run(measured, { ...measure, measurementId: 'm-2', readerId: 'reader-8', value: { value: 25, unit: 'mm' } })];
      const accept = {
        type: 'AcceptMeasurementReading',
        subjectId: S,
        measurementId: 'm-2',
        alternativeMeasurementIds: ['m-1'],
        adjudicatorId: 'reader-9',
      } as const;
      expect(run(second, accept)).toStrictEqual([
        {
          type: 'MeasurementReadingAccepted',
          data: {
            subjectId: S,
            measurementId: 'm-2',
            alternativeMeasurementIds: ['m-1'],
            adjudicatorId: 'reader-9',
            rationale: null,
            acceptedAt: '2025-06-01T10:00:00.000Z',
          },
        },
      ]);
      const other = [
        ...second,
        ...run(
          second,
          { ...measure, measurementId: 'm-3', studyInstanceUid: STUDY2_UID },
          { ...measureCtx, study: { ...study, studyInstanceUid: STUDY2_UID } },
        ),
      ];
      expect(rejection(() => run(other, { ...accept, alternativeMeasurementIds: ['m-3'] }))).toMatchObject({
        code: 'READINGS_NOT_COMPARABLE',
        field: 'alternativeMeasurementIds.0',
      });
      expect(rejection(() => run(second, { ...accept, alternativeMeasurementIds: ['m-2'] }))).toMatchObject({ code: 'DUPLICATE_VALUE' });
      const retractedFirst = [...second, ...run(second, retract)];
      expect(rejection(() => run(retractedFirst, { ...accept, measurementId: 'm-1', alternativeMeasurementIds: ['m-2'] }))).toMatchObject({
        code: 'MEASUREMENT_RETRACTED',
      });
    });
  });
});

describe('subject decider — outcomes', () => {
  it('records a response assessment with its RECIST category', () => {
    const events = run(measured, outcome({ outcomeType: 'response_assessment', recistResponse: 'PR', timePoint: 'W8', source: 'central_review' }));
    expect(events).toStrictEqual([
      {
        type: 'OutcomeRecorded',
        data: {
          subjectId: S,
          outcomeId: 'o-1',
          outcomeType: 'response_assessment',
          trialId: 'onco-01',
          programmeId: null,
          occurredAt: '2025-05-02',
          source: 'central_review',
          recistResponse: 'PR',
          stage: null,
          timePoint: 'W8',
          notes: null,
        },
      },
    ]);
    expectPlainJson(events);
  });

  it('requires the RECIST category exactly for response assessments', () => {
    expect(rejection(() => run(enrolled, outcome({ outcomeType: 'response_assessment' })))).toMatchObject({
      code: 'RECIST_RESPONSE_REQUIRED',
      field: 'recistResponse',
    });
    expect(rejection(() => run(enrolled, outcome({ recistResponse: 'PD' })))).toMatchObject({ code: 'RECIST_RESPONSE_NOT_APPLICABLE' });
    expect(rejection(() => run(enrolled, outcome({ outcomeType: 'response_assessment', recistResponse: 'MR' as never })))).toMatchObject({
      code: 'INVALID_ENUM_VALUE',
      field: 'recistResponse',
    });
  });

  it('refuses outcomes dated before consent, before the first invitation, or in the future', () => {
    expect(rejection(() => run(enrolled, outcome({ occurredAt: '2025-02-28' })))).toMatchObject({ code: 'DATE_BEFORE_CONSENT', field: 'occurredAt' });
    expect(rejection(() => run(enrolled, outcome({ occurredAt: '2025-06-05' })))).toMatchObject({ code: 'DATE_IN_FUTURE', field: 'occurredAt' });
    expect(rejection(() => run(invited, outcome({ subjectId: P, outcomeType: 'cancer_diagnosis', occurredAt: '2025-01-31' }), screenCtx))).toMatchObject({
      code: 'DATE_BEFORE_INVITATION',
    });
  });

  it('refuses new outcomes after a recorded death, but accepts earlier ones entered late', () => {
    const dead = [...enrolled, ...run(enrolled, outcome({ outcomeId: 'death', outcomeType: 'death', occurredAt: '2025-05-10', source: 'death_registry' }))];
    expect(rejection(() => run(dead, outcome({ occurredAt: '2025-05-11' })))).toMatchObject({ code: 'OUTCOME_AFTER_DEATH', field: 'occurredAt' });
    expect(rejection(() => run(dead, outcome({ outcomeId: 'death-2', outcomeType: 'death', occurredAt: '2025-05-10' })))).toMatchObject({
      code: 'DEATH_ALREADY_RECORDED',
    });
    expect(run(dead, outcome({ occurredAt: '2025-05-02' }))).toHaveLength(1);
    const alive = [...enrolled, ...run(enrolled, outcome({ outcomeType: 'last_known_alive', occurredAt: '2025-05-20' }))];
    expect(rejection(() => run(alive, outcome({ outcomeId: 'death', outcomeType: 'death', occurredAt: '2025-05-10' })))).toMatchObject({
      code: 'OUTCOME_AFTER_DEATH',
    });
    expect(rejection(() => run(dead, measure, { ...measureCtx, study: { ...study, occurredAt: '2025-05-20T08:00:00.000Z' } }))).toMatchObject({
      code: 'DATE_AFTER_DEATH',
    });
  });

  it('corrects an outcome with a reason, also after death, keeping the previous values', () => {
    const dead = [...enrolled, ...run(enrolled, outcome({ outcomeId: 'death', outcomeType: 'death', occurredAt: '2025-05-10', source: 'death_registry' }))];
    const correct = { type: 'CorrectOutcome', subjectId: S, outcomeId: 'death', occurredAt: '2025-05-09', reason: 'Registry date corrected' } as const;
    expect(run(dead, correct)).toStrictEqual([
      {
        type: 'OutcomeCorrected',
        data: {
          subjectId: S,
          outcomeId: 'death',
          outcomeType: 'death',
          occurredAt: '2025-05-09',
          source: 'death_registry',
          recistResponse: null,
          stage: null,
          previous: { occurredAt: '2025-05-10', source: 'death_registry', recistResponse: null, stage: null },
          reason: 'Registry date corrected',
          correctedAt: '2025-06-01T10:00:00.000Z',
        },
      },
    ]);
    expect(rejection(() => run(dead, { ...correct, reason: '' }))).toMatchObject({ code: 'REASON_REQUIRED' });
    expect(rejection(() => run(dead, { ...correct, outcomeId: 'o-9' }))).toMatchObject({ code: 'OUTCOME_NOT_FOUND' });
    expect(rejection(() => run(dead, { ...correct, occurredAt: '2025-05-10' }))).toMatchObject({ code: 'NOTHING_TO_CORRECT' });
    expect(rejection(() => run(dead, { ...correct, recistResponse: 'PD' }))).toMatchObject({ code: 'RECIST_RESPONSE_NOT_APPLICABLE' });
  });
});

describe('subject decider — hostile input and handler contract', () => {
  it.each([
    [{ measurementId: 42 }, 'INVALID_TYPE', 'measurementId'],
    [{ measurementId: '' }, 'FIELD_REQUIRED', 'measurementId'],
    [{ measurementId: 'x'.repeat(129) }, 'FIELD_TOO_LONG', 'measurementId'],
    [{ measurementId: 'm 1' }, 'INVALID_ID', 'measurementId'],
    [{ timePoint: 'BASE\u0000LINE' }, 'INVALID_TEXT', 'timePoint'],
    [{ method: 'guess' }, 'INVALID_ENUM_VALUE', 'method'],
    [{ biomarkerVersion: 2.5 }, 'NOT_AN_INTEGER', 'biomarkerVersion'],
    [{ value: null }, 'FIELD_REQUIRED', 'value'],
    [{ lesion: { trackingUid: LESION_UID, label: 'L1', role: 'maybe' } }, 'INVALID_ENUM_VALUE', 'lesion.role'],
  ])('refuses %j with a clear code', (over, code, field) => {
    expect(rejection(() => run(enrolled, { ...measure, ...over } as unknown as RecordMeasurement))).toMatchObject({ code, field });
  });

  it('refuses unknown command types', () => {
    expect(rejection(() => run(enrolled, { type: 'DeleteSubject', subjectId: S } as unknown as SubjectCommand))).toMatchObject({
      code: 'INVALID_ENUM_VALUE',
      field: 'type',
    });
  });

  it('tells the handler which streams to fold for each command', () => {
    expect(subjectContextNeeds(enrol, fold(subjectDecider, []))).toEqual({ trialId: 'onco-01' });
    expect(subjectContextNeeds({ ...measure, method: 'ai', algorithmVersionId: 'lungai-2.1.0' }, fold(subjectDecider, enrolled))).toEqual({
      trialId: 'onco-01',
      biomarkerId: 'lesion-ld',
      studyInstanceUid: STUDY_UID,
      algorithmVersionId: 'lungai-2.1.0',
    });
    expect(subjectContextNeeds(invite(), fold(subjectDecider, []))).toEqual({ programmeId: 'bcs-nl' });
    expect(subjectContextNeeds(screening(), fold(subjectDecider, invited))).toEqual({ algorithmVersionId: 'lungai-2.1.0' });
  });
});

describe('measurement extraction method', () => {
  const extraction = {
    software: { name: 'pyradiomics', version: '3.1.0' },
    ibsiCompliant: true,
    segmentation: { method: 'ai' as const, algorithm: 'TotalSegmentator', algorithmVersion: '2.4.0' },
    harmonisation: { method: 'combat' as const, referenceBatch: 'Siemens SOMATOM Force' },
  };

  it('carries the stated extraction method on the event; a measurement without one carries none', () => {
    const [recorded] = run(enrolled, { ...measure, extraction });
    expect(recorded).toMatchObject({ type: 'MeasurementRecorded', data: { extraction } });
    expect(run(enrolled, { ...measure, extraction: { software: null } })[0]!.data).not.toHaveProperty('extraction');
    expect(run(enrolled, measure)[0]!.data).not.toHaveProperty('extraction');
  });

  it.each([
    [{ ibsiCompliant: true }, 'EXTRACTION_SOFTWARE_REQUIRED', 'extraction.software'],
    [{ segmentation: { method: 'ai' } }, 'ALGORITHM_REQUIRED', 'extraction.segmentation.algorithmVersion'],
    [{ segmentation: { method: 'freehand' } }, 'INVALID_ENUM_VALUE', 'extraction.segmentation.method'],
    [{ harmonisation: { method: 'zscore' } }, 'INVALID_ENUM_VALUE', 'extraction.harmonisation.method'],
    [{ software: { name: 'pyradiomics' } }, 'FIELD_REQUIRED', 'extraction.software.version'],
    [{ ibsiCompliant: 'yes', software: { name: 'a', version: '1' } }, 'INVALID_TYPE', 'extraction.ibsiCompliant'],
  ])('refuses %j with %s on %s', (bad, code, field) => {
    expect(rejection(() => run(enrolled, { ...measure, extraction: bad } as unknown as RecordMeasurement))).toMatchObject({ code, field });
  });
});
