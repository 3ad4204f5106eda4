import { randomUUID } from 'node:crypto';
import { testUnlockSignature } from '../../../../libs/domain/src/testing/unlock-signature.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  algorithmDecider,
  algorithmStreamId,
  biomarkerDecider,
  biomarkerStreamId,
  DomainError,
  programmeDecider,
  programmeStreamId,
  studyDecider,
  studyStreamId,
  subjectStreamId,
  trialDecider,
  trialStreamId,
  type AlgorithmCommand,
  type BiomarkerCommand,
  type ProgrammeCommand,
  type RecordMeasurement,
  type StudyCommand,
  type SubjectCommand,
  type TrialCommand,
} from '#domain';
import { IdempotencyConflictError, PostgresEventStore, WrongExpectedVersionError } from '#event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import type { Role, VerifiedActor } from '../auth/actor.js';
import { ApiError } from '../graphql/error-mapping.js';
import { originFor } from '../commands/command-origin.js';
import { CommandRunner } from '../commands/command-runner.js';
import { SubjectCommandHandler, SubjectCommandMessage } from './subject-command.handler.js';

const NOW = new Date('2025-06-01T10:00:00Z');
const T = 'onco-01';
const BIO = 'lesion-ld';
const ALGO = 'lungai-2.1.0';
const UID = (n: number) => `1.2.826.0.1.3680043.8.498.${n}`;

const actor = (role: Role, scopes: Partial<VerifiedActor['scopes']> = {}, id = `${role}-1`): VerifiedActor => ({
  id,
  role,
  scopes: { trials: [], programmes: [], sites: [], ...scopes },
  issuer: 'test',
  unauthenticated: false,
});
const coordinator = actor('coordinator', { trials: [T], sites: ['site-1'] });
const allSites = actor('coordinator', { trials: [T], sites: ['*'] });
const otherCoordinator = actor('coordinator', { trials: ['onco-02'], sites: ['*'] }, 'coordinator-2');
const reader = actor('reader', { sites: ['site-1'] }, 'reader-7');
const otherReader = actor('reader', { sites: ['site-1'] }, 'reader-8');
const manager = actor('screening_manager', { programmes: ['bcs-nl'] });

describe('SubjectCommandHandler on PostgreSQL', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let runner: CommandRunner;
  let handler: SubjectCommandHandler;

  const send = (who: VerifiedActor, command: SubjectCommand, extra: { commandId?: string; expectedVersion?: number; reason?: string } = {}) =>
    handler.execute(
      new SubjectCommandMessage(
        command,
        originFor(who, { commandId: extra.commandId ?? randomUUID(), expectedVersion: extra.expectedVersion }, 'corr-1', extra.reason),
        who,
      ),
    );
  const seed = async (streamId: string, decider: never, commands: readonly unknown[]) => {
    for (const command of commands) await runner.run({ streamId, decider, command, origin: originFor(actor('admin'), { commandId: randomUUID() }, 'seed') });
  };
  const count = async () => await store.countEvents();
  const streamLength = async (subjectId: string) => (await store.readStream(subjectStreamId(subjectId))).length;
  /** The rejection of `fn`, after checking it appended nothing anywhere. */
  const rejected = async (fn: () => Promise<unknown>): Promise<Error> => {
    const before = await count();
    const err = await fn().then(
      () => new Error('expected a rejection'),
      (e: Error) => e,
    );
    expect(await count()).toBe(before);
    return err;
  };
  const code = (e: Error) => (e instanceof DomainError || e instanceof ApiError || e instanceof IdempotencyConflictError ? e.code : e.name);

  const enrol = (subjectId: string, over: Record<string, unknown> = {}): SubjectCommand => ({
    type: 'EnrolSubject',
    subjectId,
    trialId: T,
    pseudonym: `ONC-${subjectId.slice(-4).toUpperCase()}1`,
    siteId: 'site-1',
    consentVersion: 'v2.1',
    consentDate: '2025-03-01',
    ...over,
  });
  const measure = (subjectId: string, over: Partial<RecordMeasurement> = {}): RecordMeasurement => ({
    type: 'RecordMeasurement',
    subjectId,
    measurementId: `m-${randomUUID()}`,
    biomarkerId: BIO,
    biomarkerVersion: 1,
    value: { value: 2.35, unit: 'cm' },
    studyInstanceUid: UID(1001),
    timePoint: 'BASELINE',
    method: 'manual',
    readerId: 'reader-7',
    ...over,
  });
  let n = 0;
  /** A fresh enrolled subject (own stream) with its own study registered. */
  const enrolled = async () => {
    const id = `subj-${++n}${randomUUID().slice(0, 4)}`;
    await send(coordinator, enrol(id));
    return id;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ connectionString: db.eventStoreUrl, poolSize: 10, pollIntervalMs: 50 });
    runner = new CommandRunner(store, () => NOW);
    handler = new SubjectCommandHandler(runner);
    const trial: TrialCommand[] = [
      {
        type: 'RegisterTrial',
        trialId: T,
        identifiers: [{ system: 'NCT', value: 'NCT01234567' }],
        title: 'Onco 01',
        phase: 'III',
        sponsor: 'Acme',
        primaryEndpoint: 'PFS',
      },
      { type: 'AddTrialArm', trialId: T, armCode: 'A', name: 'Drug', armType: 'experimental', plannedSize: 100 },
      { type: 'AddTrialArm', trialId: T, armCode: 'B', name: 'Placebo', armType: 'placebo', plannedSize: 100 },
      { type: 'ActivateTrialSite', trialId: T, siteId: 'site-1', name: 'Site 1' },
      {
        type: 'DefineVisitSchedule',
        trialId: T,
        timePoints: [
          { code: 'BASELINE', label: 'Baseline', targetDay: 1, windowBeforeDays: 28, windowAfterDays: 0 },
          { code: 'W8', label: 'Week 8', targetDay: 57, windowBeforeDays: 7, windowAfterDays: 7 },
        ],
      },
      { type: 'OpenEnrolment', trialId: T },
    ];
    await seed(trialStreamId(T), trialDecider as never, trial);
    await seed(biomarkerStreamId(BIO), biomarkerDecider as never, [
      {
        type: 'DefineBiomarker',
        biomarkerId: BIO,
        code: 'LESION_LD',
        name: 'Lesion longest diameter',
        modality: 'CT',
        valueType: { kind: 'quantitative', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
      },
    ] satisfies BiomarkerCommand[]);
    await seed(algorithmStreamId(ALGO), algorithmDecider as never, [
      {
        type: 'RegisterAlgorithmVersion',
        algorithmVersionId: ALGO,
        manufacturer: 'Acme',
        name: 'LungAI',
        version: '2.1.0',
        intendedUse: 'Nodule measurement',
        regulatory: { status: 'investigational' },
        biomarkerIds: [BIO],
        scoreRange: { min: 0, max: 1 },
      },
    ] satisfies AlgorithmCommand[]);
    await seed(algorithmStreamId('oldai-1.0'), algorithmDecider as never, [
      {
        type: 'RegisterAlgorithmVersion',
        algorithmVersionId: 'oldai-1.0',
        manufacturer: 'Acme',
        name: 'OldAI',
        version: '1.0',
        intendedUse: 'Nodule measurement',
        regulatory: { status: 'investigational' },
        biomarkerIds: [BIO],
      },
      { type: 'SuspendAlgorithmVersion', algorithmVersionId: 'oldai-1.0', reason: 'Drift alarm' },
    ] satisfies AlgorithmCommand[]);
    const study = (n: number, date: string, siteId = 'site-1'): StudyCommand[] => [
      {
        type: 'RegisterImagingStudy',
        studyInstanceUid: UID(n),
        modality: 'CT',
        acquisitionDateTime: date,
        siteId,
        scanner: { manufacturer: 'GE', model: 'Revolution' },
      },
    ];
    await seed(studyStreamId(UID(1001)), studyDecider as never, study(1001, '2025-03-10'));
    await seed(studyStreamId(UID(1002)), studyDecider as never, study(1002, '2025-02-01'));
    await seed(studyStreamId(UID(1003)), studyDecider as never, study(1003, '2025-03-12', 'site-9'));
    await seed(programmeStreamId('bcs-nl'), programmeDecider as never, [
      {
        type: 'DefineScreeningProgramme',
        programmeId: 'bcs-nl',
        name: 'Breast NL',
        cancerType: 'breast',
        targetPopulation: 'Women 50-75',
        ageRange: { min: 50, max: 75 },
        intervalMonths: 24,
        kpiTargets: [],
      },
      { type: 'OpenScreeningRound', programmeId: 'bcs-nl', roundId: 'r1', name: 'Round 1', opensOn: '2025-01-06' },
    ] satisfies ProgrammeCommand[]);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('enrols, randomises and records a measurement; the receipt names the subject and the new measurement', async () => {
    const s = await enrolled();
    await send(coordinator, { type: 'RandomiseSubject', subjectId: s, armCode: 'A', stratum: 'ECOG 0' });
    const m = measure(s);
    const receipt = await send(reader, m);
    expect(receipt).toMatchObject({
      id: s,
      createdIds: [m.measurementId],
      streamId: subjectStreamId(s),
      version: 2,
      events: ['MeasurementRecorded'],
      replayed: false,
    });
    const [, , recorded] = await store.readStream(subjectStreamId(s));
    expect(recorded!.data).toMatchObject({
      result: { kind: 'quantitative', originalValue: 2.35, originalUnit: 'cm', value: 23.5, unit: 'mm' },
      occurredAt: '2025-03-10',
    });
    expect(recorded!.metadata).toMatchObject({ actorId: 'reader-7', actorRole: 'reader', correlationId: 'corr-1', occurredAt: '2025-03-10' });
  });

  describe('idempotency', () => {
    it('returns the first result for a repeated commandId and appends nothing', async () => {
      const s = await enrolled();
      const commandId = randomUUID();
      const m = measure(s);
      const first = await send(reader, m, { commandId });
      const before = await count();
      const again = await send(reader, m, { commandId });
      expect(await count()).toBe(before);
      expect(again).toEqual({ ...first, replayed: true });
      // A different payload under the same commandId is not the same command: refused, the first result stands.
      const err = await rejected(() => send(reader, measure(s), { commandId }));
      expect(code(err)).toBe('IDEMPOTENCY_CONFLICT');
    });

    it('appends once when the same command arrives twice at the same moment', async () => {
      const s = await enrolled();
      const commandId = randomUUID();
      const m = measure(s);
      const [a, b] = await Promise.all([send(reader, m, { commandId }), send(reader, m, { commandId })]);
      // The loser either finds the commandId on its retry or has its append of the same event ids acknowledged by
      // the store as a repeat; either way it reports the one event that was written, as a replay.
      expect({ ...a, replayed: null }).toEqual({ ...b, replayed: null });
      expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
      expect(await streamLength(s)).toBe(2);
    });

    it('derives nothing new on a replay of an enrolment: the same subject id comes back', async () => {
      const commandId = randomUUID();
      const first = await send(coordinator, enrol('subj-idem'), { commandId });
      const again = await send(coordinator, enrol('subj-idem'), { commandId });
      expect(first.createdIds).toEqual(['subj-idem']);
      expect(again).toMatchObject({ id: 'subj-idem', createdIds: ['subj-idem'], replayed: true });
    });
  });

  describe('two writers on one subject stream', () => {
    it('retries unpinned writers: both measurements are kept, with distinct versions (no lost update)', async () => {
      const s = await enrolled();
      const writes = await Promise.all(Array.from({ length: 6 }, () => send(reader, measure(s))));
      expect(new Set(writes.map((w) => w.version)).size).toBe(6);
      const events = await store.readStream(subjectStreamId(s));
      expect(events.map((e) => e.type)).toEqual(['SubjectEnrolled', ...Array(6).fill('MeasurementRecorded')]);
    });

    it('pinned writers: one wins, the other gets the conflict with the current version and writes nothing', async () => {
      const s = await enrolled();
      const results = await Promise.allSettled([send(reader, measure(s), { expectedVersion: 0 }), send(reader, measure(s), { expectedVersion: 0 })]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect((failed[0]!.reason as WrongExpectedVersionError).actualRevision).toBe(1n);
      expect(await streamLength(s)).toBe(2);
    });

    it('re-decides a retried write on the new state: two randomisations race, exactly one arm is recorded', async () => {
      const s = await enrolled();
      const results = await Promise.allSettled(
        ['A', 'B'].map((armCode) => send(coordinator, { type: 'RandomiseSubject', subjectId: s, armCode, stratum: 'S1' })),
      );
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failed).toHaveLength(1);
      expect(code(failed[0]!.reason as Error)).toBe('SUBJECT_ALREADY_RANDOMISED');
      const events = await store.readStream(subjectStreamId(s));
      expect(events.filter((e) => e.type === 'SubjectRandomised')).toHaveLength(1);
    });

    it('a stale pinned version is refused even without a race', async () => {
      const s = await enrolled();
      await send(reader, measure(s));
      const err = await rejected(() => send(reader, measure(s), { expectedVersion: 0 }));
      expect(err).toBeInstanceOf(WrongExpectedVersionError);
    });
  });

  describe('invariants across streams (rejected with the code and field, nothing appended)', () => {
    const cases: [string, (s: string) => SubjectCommand, string, string][] = [
      ['unit not convertible', (s) => measure(s, { value: { value: 3, unit: 'kg' } }), 'UNIT_NOT_CONVERTIBLE', 'value.unit'],
      ['overflowing conversion', (s) => measure(s, { value: { value: 1e308, unit: 'km' } }), 'NOT_FINITE', 'value.value'],
      ['value outside the plausible range', (s) => measure(s, { value: { value: 80, unit: 'cm' } }), 'VALUE_OUT_OF_PLAUSIBLE_RANGE', 'value.value'],
      [
        'suspended algorithm',
        (s) => measure(s, { method: 'ai', algorithmVersionId: 'oldai-1.0', readerId: null }),
        'ALGORITHM_SUSPENDED',
        'algorithmVersionId',
      ],
      ['unknown algorithm', (s) => measure(s, { method: 'ai', algorithmVersionId: 'nope-1', readerId: null }), 'ALGORITHM_NOT_FOUND', 'algorithmVersionId'],
      ['measurement before consent', (s) => measure(s, { studyInstanceUid: UID(1002) }), 'DATE_BEFORE_CONSENT', 'studyInstanceUid'],
      ['unregistered study', (s) => measure(s, { studyInstanceUid: UID(4242) }), 'STUDY_NOT_FOUND', 'studyInstanceUid'],
      ['unknown biomarker', (s) => measure(s, { biomarkerId: 'nope' }), 'BIOMARKER_NOT_FOUND', 'biomarkerId'],
      ['time point not in the schedule', (s) => measure(s, { timePoint: 'W99' }), 'UNKNOWN_TIME_POINT', 'timePoint'],
      ['randomise to an unknown arm', (s) => ({ type: 'RandomiseSubject', subjectId: s, armCode: 'Z', stratum: 'S1' }), 'ARM_NOT_FOUND', 'armCode'],
      ['enrol an existing subject again', (s) => enrol(s), 'SUBJECT_ALREADY_EXISTS', 'subjectId'],
      ['enrol at an inactive site', () => enrol(`subj-${randomUUID()}`, { siteId: 'site-2' }), 'SITE_NOT_ACTIVE', 'siteId'],
      [
        'correct an unknown measurement',
        (s) => ({ type: 'CorrectMeasurement', subjectId: s, measurementId: 'm-x', value: { value: 1, unit: 'mm' }, reason: ' ' }),
        'MEASUREMENT_NOT_FOUND',
        'measurementId',
      ],
    ];
    it.each(cases)('%s', async (_name, build, expectedCode, field) => {
      const s = await enrolled();
      const err = await rejected(() => send(allSites, build(s)));
      expect([code(err), (err as DomainError).field]).toEqual([expectedCode, field]);
    });

    it('refuses every write to a subject of a locked trial, and accepts it again after the unlock', async () => {
      const s = await enrolled();
      await seed(trialStreamId(T), trialDecider as never, [{ type: 'LockTrial', trialId: T, reason: 'Database lock for interim analysis' }]);
      try {
        for (const command of [measure(s), { type: 'RandomiseSubject', subjectId: s, armCode: 'A', stratum: 'S1' } as const, enrol(`subj-${randomUUID()}`)]) {
          expect(code(await rejected(() => send(coordinator, command)))).toBe('TRIAL_LOCKED');
        }
      } finally {
        await seed(trialStreamId(T), trialDecider as never, [
          { type: 'UnlockTrial', trialId: T, reason: 'Query resolution', signature: testUnlockSignature('admin-1') },
        ]);
      }
      await expect(send(coordinator, measure(s))).resolves.toMatchObject({ events: ['MeasurementRecorded'] });
    });

    it('refuses a correction without a reason and a correction of a retracted measurement', async () => {
      const s = await enrolled();
      const m = measure(s);
      await send(reader, m);
      const blank = await rejected(() =>
        send(reader, { type: 'CorrectMeasurement', subjectId: s, measurementId: m.measurementId, value: { value: 24, unit: 'mm' }, reason: '  ' }),
      );
      expect([code(blank), (blank as DomainError).field]).toEqual(['REASON_REQUIRED', 'reason']);
      await send(reader, { type: 'RetractMeasurement', subjectId: s, measurementId: m.measurementId, reason: 'Wrong series' }, { reason: 'Wrong series' });
      const retracted = await rejected(() =>
        send(reader, { type: 'CorrectMeasurement', subjectId: s, measurementId: m.measurementId, value: { value: 24, unit: 'mm' }, reason: 'Re-read' }),
      );
      expect(code(retracted)).toBe('MEASUREMENT_RETRACTED');
    });

    it('refuses a screening of a participant not invited in that round, and a screening of nobody', async () => {
      const p = `part-${randomUUID()}`;
      const screening = (subjectId: string, roundId: string): SubjectCommand => ({
        type: 'RecordScreening',
        subjectId,
        screeningId: `scr-${randomUUID()}`,
        roundId,
        screenedOn: '2025-02-20',
        siteId: 'unit-3',
        modality: 'MG',
        humanReading: { result: 'negative' },
        aiReading: { algorithmVersionId: ALGO, score: 0.2, aiPositive: false },
      });
      const manyProgrammes = actor('screening_manager', { programmes: ['*'] });
      expect(code(await rejected(() => send(manyProgrammes, screening(p, 'r1'))))).toBe('NOT_INVITED_IN_ROUND');
      await send(manager, { type: 'InviteParticipant', subjectId: p, programmeId: 'bcs-nl', roundId: 'r1', pseudonym: 'BCS-000123', invitedOn: '2025-02-03' });
      expect(code(await rejected(() => send(manager, screening(p, 'r2'))))).toBe('NOT_INVITED_IN_ROUND');
      await expect(send(manager, screening(p, 'r1'))).resolves.toMatchObject({ events: ['ScreeningRecorded'] });
    });
  });

  describe('authorization against the stored subject (FORBIDDEN, nothing written, nothing revealed)', () => {
    it('refuses a coordinator of another trial, with the same error for an existing and a missing subject', async () => {
      const s = await enrolled();
      const existing = await rejected(() => send(otherCoordinator, measure(s)));
      const missing = await rejected(() => send(otherCoordinator, measure('subj-does-not-exist')));
      expect([code(existing), existing.message]).toEqual([code(missing), missing.message]);
      expect(code(existing)).toBe('FORBIDDEN');
      // Enrolling under an id taken in a trial the caller cannot see must not reveal that the id is taken.
      const taken = await rejected(() => send(otherCoordinator, enrol(s, { trialId: 'onco-02' })));
      expect([code(taken), taken.message]).toEqual([code(missing), missing.message]);
    });

    it('tells an actor granted everything that the subject does not exist', async () => {
      const all = actor('coordinator', { trials: ['*'], sites: ['*'] });
      expect(code(await rejected(() => send(all, measure('subj-does-not-exist'))))).toBe('SUBJECT_NOT_FOUND');
    });

    it('keeps screening managers off trial subjects and coordinators off participants', async () => {
      const s = await enrolled();
      const everything = actor('screening_manager', { programmes: ['*'] });
      expect(
        code(
          await rejected(() =>
            send(everything, {
              type: 'RecordOutcome',
              subjectId: s,
              outcomeId: 'o-1',
              outcomeType: 'progression',
              occurredAt: '2025-05-01',
              source: 'investigator',
            }),
          ),
        ),
      ).toBe('FORBIDDEN');
      const p = `part-${randomUUID()}`;
      await send(manager, { type: 'InviteParticipant', subjectId: p, programmeId: 'bcs-nl', roundId: 'r1', pseudonym: 'BCS-000124', invitedOn: '2025-02-03' });
      const anyTrial = actor('coordinator', { trials: ['*'], sites: ['*'] });
      expect(code(await rejected(() => send(anyTrial, { type: 'RecordOptOut', subjectId: p, optedOutOn: '2025-03-01' })))).toBe('FORBIDDEN');
    });

    it('lets a reader correct and retract only its own measurements, within its sites', async () => {
      const s = await enrolled();
      const mine = measure(s);
      await send(reader, mine);
      const correction = {
        type: 'CorrectMeasurement',
        subjectId: s,
        measurementId: mine.measurementId,
        value: { value: 24, unit: 'mm' },
        reason: 'Caliper misplaced',
      } as const;
      expect(code(await rejected(() => send(otherReader, correction, { reason: correction.reason })))).toBe('FORBIDDEN');
      await expect(send(reader, correction, { reason: correction.reason })).resolves.toMatchObject({ events: ['MeasurementCorrected'] });
      const elsewhere = actor('reader', { sites: ['site-9'] }, 'reader-7');
      expect(code(await rejected(() => send(elsewhere, measure(s))))).toBe('FORBIDDEN');
    });

    it('refuses to replay a command to an actor outside the subject scope', async () => {
      const s = await enrolled();
      const commandId = randomUUID();
      await send(coordinator, measure(s), { commandId });
      expect(code(await rejected(() => send(otherCoordinator, measure(s), { commandId })))).toBe('FORBIDDEN');
    });

    it('confines a reader measuring a screening participant by the site of the study', async () => {
      const p = `part-${randomUUID()}`;
      await send(manager, { type: 'InviteParticipant', subjectId: p, programmeId: 'bcs-nl', roundId: 'r1', pseudonym: 'BCS-000125', invitedOn: '2025-02-03' });
      expect(code(await rejected(() => send(reader, measure(p, { studyInstanceUid: UID(1003), timePoint: 'R1' }))))).toBe('FORBIDDEN');
      await expect(send(reader, measure(p, { timePoint: 'R1' }))).resolves.toMatchObject({ events: ['MeasurementRecorded'] });
    });
  });
});
