import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { EVENT_STORE, type EventStore } from '#event-store';
import { issueLocalToken, type TokenClaims } from '../../services/registry-api/src/auth/local-signing-key.js';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { loadConfig, type AppConfig } from '#runtime';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Issue 14, batch writes: recordMeasurements over HTTP with real tokens on PostgreSQL. Per-item results, atomicity
 * per subject (one bad item: nothing of its subject, the other subjects recorded), an idempotent repeat, a changed
 * batch under the same commandId, access checked for every item, the size limit, and one access-log row per request.
 */
describe('recordMeasurements (batch writes)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let store: EventStore;
  let owner: pg.Client;
  const tokens: Record<string, string> = {};
  const T = 'T-BATCH';
  const BIOMARKER = 'batch-lesion-ld';
  const subjects: Record<'a' | 'b' | 'c', { id: string; study: string }> = {
    a: { id: '', study: '1.2.826.0.1.3680043.8.498.91001' },
    b: { id: '', study: '1.2.826.0.1.3680043.8.498.91002' },
    c: { id: '', study: '1.2.826.0.1.3680043.8.498.91003' },
  };

  type Item = Record<string, unknown>;
  type Result = {
    index: number;
    receipt: { id: string; createdIds: string[]; streamId: string; version: number; globalPosition: string; events: string[]; replayed: boolean } | null;
    error: { code: string; field: string | null; message: string } | null;
  };
  type Answer = {
    status: number;
    data?: { recordMeasurements: { commandId: string; accepted: number; rejected: number; items: Result[] } | null } | null;
    errors?: { message: string; extensions: Record<string, unknown> }[];
  };
  const BATCH = `mutation Batch($input: RecordMeasurementsInput!) { recordMeasurements(input: $input) {
    commandId accepted rejected items { index receipt { id createdIds streamId version globalPosition events replayed } error { code field message } } } }`;

  async function gql(who: string, query: string, variables: Record<string, unknown>): Promise<Answer & Record<string, unknown>> {
    const res = await fetch(registry.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
      body: JSON.stringify({ query, variables }),
    });
    return { ...((await res.json()) as Answer), status: res.status };
  }
  const batch = (who: string, commandId: string, items: Item[]) => gql(who, BATCH, { input: { commandId, items } });
  async function ok(who: string, field: string, input: Record<string, unknown>): Promise<{ id: string }> {
    const type = `${field[0]!.toUpperCase()}${field.slice(1)}Input`;
    const res = await gql(who, `mutation($input: ${type}!) { ${field}(input: $input) { id } }`, { input: { commandId: randomUUID(), ...input } });
    expect(res.errors).toBeUndefined();
    return (res.data as unknown as Record<string, { id: string }>)[field]!;
  }
  const item = (s: { id: string; study: string }, value: number, extra: Item = {}): Item => ({
    subjectId: s.id,
    biomarkerId: BIOMARKER,
    biomarkerVersion: 1,
    studyInstanceUid: s.study,
    timePoint: 'UNSCHEDULED',
    method: 'MANUAL',
    readerId: 'carl-coord',
    value: { value, unit: 'mm' },
    ...extra,
  });
  const eventsOf = async (s: { id: string }) => store.readStream(`subject-${s.id}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-batch-'));
    config = loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PROJECTOR: 'off',
      RATE_LIMIT_PER_MINUTE: '100000',
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
    });
    registry = await startRegistry(config);
    store = registry.app.get<EventStore>(EVENT_STORE);
    owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    const claims: Record<string, TokenClaims> = {
      admin: { sub: 'alice-admin', role: 'admin' },
      coordinator: { sub: 'carl-coord', role: 'coordinator', trials: [T], sites: ['S1', 'S2'] },
      reader: { sub: 'rob-reader', role: 'reader', sites: ['S1'] },
      regulator: { sub: 'rita-regulator', role: 'regulator' },
      manager: { sub: 'mia-manager', role: 'screening_manager', programmes: ['P-BATCH'] },
    };
    for (const [name, c] of Object.entries(claims)) tokens[name] = await issueLocalToken(config, c);

    await ok('admin', 'defineBiomarker', {
      biomarkerId: BIOMARKER,
      code: 'BATCH_LESION_LD',
      name: 'Lesion longest diameter',
      modality: 'CT',
      valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
    });
    await ok('coordinator', 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'OTHER', value: T }],
      title: 'Batch trial',
      phase: 'PHASE_II',
      sponsor: 'Test',
      primaryEndpoint: 'None',
    });
    await ok('coordinator', 'addTrialArm', { trialId: T, armCode: 'A', name: 'A', armType: 'EXPERIMENTAL', plannedSize: 10 });
    await ok('coordinator', 'activateTrialSite', { trialId: T, siteId: 'S1', name: 'Site one', country: 'NL' });
    await ok('coordinator', 'activateTrialSite', { trialId: T, siteId: 'S2', name: 'Site two', country: 'NL' });
    await ok('coordinator', 'openEnrolment', { trialId: T });
    for (const [key, site] of [
      ['a', 'S1'],
      ['b', 'S1'],
      ['c', 'S2'],
    ] as const) {
      subjects[key].id = (
        await ok('coordinator', 'enrolSubject', {
          trialId: T,
          siteId: site,
          pseudonym: `BATCH-${key.toUpperCase()}1`,
          consentVersion: 'v1',
          consentDate: '2025-01-10',
        })
      ).id;
      await ok('coordinator', 'registerImagingStudy', {
        studyInstanceUid: subjects[key].study,
        subjectId: subjects[key].id,
        modality: 'CT',
        acquisitionDateTime: '2025-01-20',
        siteId: site,
        scanner: { manufacturer: 'Siemens', model: 'Somatom' },
      });
    }
  }, 60_000);
  afterAll(async () => {
    await owner?.end();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers every item; one bad item refuses its subject only, the other subjects are recorded; one access-log row', async () => {
    const [a0, b0, c0] = [(await eventsOf(subjects.a)).length, (await eventsOf(subjects.b)).length, (await eventsOf(subjects.c)).length];
    const logRows = async () =>
      Number((await owner.query(`SELECT count(*) AS n FROM audit.access_log WHERE 'recordMeasurements' = ANY (root_fields)`)).rows[0].n);
    const logBefore = await logRows();
    const commandId = randomUUID();
    const res = await batch('coordinator', commandId, [
      item(subjects.a, 10),
      item(subjects.b, 20),
      item(subjects.a, 11),
      item(subjects.b, 9999), // outside the plausible range, no override reason
      item(subjects.c, 30),
      item(subjects.b, 21),
    ]);
    expect(res.errors).toBeUndefined();
    const answer = res.data!.recordMeasurements!;
    expect(answer).toMatchObject({ commandId, accepted: 3, rejected: 3 });
    expect(answer.items.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(answer.items.map((r) => r.error?.code ?? 'OK')).toEqual([
      'OK',
      'BATCH_SUBJECT_REJECTED',
      'OK',
      'VALUE_OUT_OF_PLAUSIBLE_RANGE',
      'OK',
      'BATCH_SUBJECT_REJECTED',
    ]);
    expect(answer.items[3]!.error!.field).toBe('items.3.value.value');
    expect(answer.items[1]!.error).toMatchObject({ field: 'items.1', message: expect.stringContaining('item 3') });
    // Receipts: the subject, the new measurement id, the subject's version after the item, a position to read by.
    const [r0, r2, r4] = [answer.items[0]!.receipt!, answer.items[2]!.receipt!, answer.items[4]!.receipt!];
    expect(r0).toMatchObject({ id: subjects.a.id, streamId: `subject-${subjects.a.id}`, version: a0, events: ['MeasurementRecorded'], replayed: false });
    expect(r2).toMatchObject({ id: subjects.a.id, version: a0 + 1, events: ['MeasurementRecorded'] });
    expect(r4).toMatchObject({ id: subjects.c.id, version: c0 });
    expect(r0.createdIds).toHaveLength(1);
    expect(r0.createdIds[0]).not.toBe(r2.createdIds[0]);
    expect(r0.globalPosition).toMatch(/^\d+$/);

    // In the store: A has both items in order, C its one, B nothing at all (not half-written).
    const a = await eventsOf(subjects.a);
    expect(a.slice(a0).map((e) => [(e.data as { measurementId: string }).measurementId, (e.data as { result: { value: number } }).result.value])).toEqual([
      [r0.createdIds[0], 10],
      [r2.createdIds[0], 11],
    ]);
    expect(a.slice(a0).every((e) => e.metadata['batchCommandId'] === commandId && e.metadata['actorId'] === 'carl-coord')).toBe(true);
    expect(await eventsOf(subjects.b)).toHaveLength(b0);
    expect((await eventsOf(subjects.c)).slice(c0).map((e) => e.type)).toEqual(['MeasurementRecorded']);
    expect(await store.verify({ streamId: `subject-${subjects.a.id}` })).toMatchObject({ ok: true });
    expect(await logRows()).toBe(logBefore + 1);
  });

  it('answers a repeated batch with the first receipts and appends nothing; changed content under its commandId is IDEMPOTENCY_CONFLICT', async () => {
    const commandId = randomUUID();
    const items = [item(subjects.a, 40), item(subjects.c, 41), item(subjects.a, 42)];
    const first = (await batch('coordinator', commandId, items)).data!.recordMeasurements!;
    expect(first.accepted).toBe(3);
    const counts = async () => [(await eventsOf(subjects.a)).length, (await eventsOf(subjects.c)).length];
    const before = await counts();

    const again = await batch('coordinator', commandId, items);
    expect(again.errors).toBeUndefined();
    expect(again.data!.recordMeasurements).toEqual({ ...first, items: first.items.map((r) => ({ ...r, receipt: { ...r.receipt!, replayed: true } })) });
    expect(await counts()).toEqual(before);

    for (const changed of [
      [item(subjects.a, 40), item(subjects.c, 99), item(subjects.a, 42)], // another value on one subject
      [...items, item(subjects.b, 43)], // one more item, for a subject the first batch did not touch
    ]) {
      const res = await batch('coordinator', commandId, changed);
      expect(res.errors?.map((e) => [e.extensions['code'], e.extensions['field']])).toEqual([['IDEMPOTENCY_CONFLICT', 'commandId']]);
      expect(res.data?.recordMeasurements ?? null).toBeNull();
    }
    expect(await counts()).toEqual(before);
  });

  it("checks access for every item: one item outside a reader's sites refuses the whole batch, and nothing is recorded", async () => {
    const [a0, c0] = [(await eventsOf(subjects.a)).length, (await eventsOf(subjects.c)).length];
    // The reader is granted S1 (subject A), not S2 (subject C).
    const denied = await batch('reader', randomUUID(), [item(subjects.a, 50, { readerId: null }), item(subjects.c, 51, { readerId: null })]);
    expect(denied.errors?.map((e) => e.extensions['code'])).toEqual(['FORBIDDEN']);
    expect(denied.data?.recordMeasurements ?? null).toBeNull();
    // The same answer for a subject that does not exist.
    const unknown = await batch('reader', randomUUID(), [
      item(subjects.a, 50, { readerId: null }),
      item({ id: randomUUID(), study: subjects.a.study }, 51, { readerId: null }),
    ]);
    expect(unknown.errors?.map((e) => [e.extensions['code'], e.message])).toEqual(denied.errors?.map((e) => [e.extensions['code'], e.message]));
    // A role that may not record measurements at all is refused by the gate.
    expect((await batch('regulator', randomUUID(), [item(subjects.a, 52)])).errors?.[0]?.extensions['code']).toBe('FORBIDDEN');
    expect([(await eventsOf(subjects.a)).length, (await eventsOf(subjects.c)).length]).toEqual([a0, c0]);

    // Within its sites the reader records as itself; naming another reader refuses that item (and its subject).
    const own = (
      await batch('reader', randomUUID(), [
        item(subjects.a, 53, { readerId: null }),
        item(subjects.b, 54, { readerId: 'someone-else' }),
        item(subjects.b, 55, { readerId: null }),
      ])
    ).data!.recordMeasurements!;
    expect(own.items.map((r) => r.error?.code ?? 'OK')).toEqual(['OK', 'READER_NOT_CALLER', 'BATCH_SUBJECT_REJECTED']);
    expect(own.items[1]!.error!.field).toBe('items.1.readerId');
    const recorded = (await eventsOf(subjects.a)).at(-1)!;
    expect([(recorded.data as { readerId: string }).readerId, recorded.metadata['actorId']]).toEqual(['rob-reader', 'rob-reader']);
  });

  it('refuses an empty batch and one over the limit with a code on items, before anything is recorded', async () => {
    const empty = await batch('coordinator', randomUUID(), []);
    expect(empty.errors?.map((e) => [e.extensions['code'], e.extensions['field']])).toEqual([['BATCH_EMPTY', 'items']]);
    const before = (await eventsOf(subjects.a)).length;
    const tooMany = await batch(
      'coordinator',
      randomUUID(),
      Array.from({ length: 1001 }, (_, i) => item(subjects.a, i % 500)),
    );
    expect(tooMany.errors?.map((e) => [e.extensions['code'], e.extensions['field']])).toEqual([['BATCH_TOO_LARGE', 'items']]);
    expect(await eventsOf(subjects.a)).toHaveLength(before);
  });

  it('records screenings in a batch the same way: per participant, one bad reading refuses only its participant', async () => {
    await ok('manager', 'defineScreeningProgramme', {
      programmeId: 'P-BATCH',
      name: 'Batch programme',
      cancerType: 'BREAST',
      targetPopulation: 'Women 50-75',
      ageRange: { min: 50, max: 75 },
      intervalMonths: 24,
      kpiTargets: [],
    });
    await ok('manager', 'openScreeningRound', { programmeId: 'P-BATCH', roundId: 'r1', name: 'Round 1', opensOn: '2025-01-06' });
    const p1 = (await ok('manager', 'inviteParticipant', { programmeId: 'P-BATCH', roundId: 'r1', pseudonym: 'BATCH-P1', invitedOn: '2025-01-15' })).id;
    const p2 = (await ok('manager', 'inviteParticipant', { programmeId: 'P-BATCH', roundId: 'r1', pseudonym: 'BATCH-P2', invitedOn: '2025-01-15' })).id;
    const screening = (subjectId: string, screenedOn: string) => ({
      subjectId,
      roundId: 'r1',
      screenedOn,
      siteId: 'S1',
      modality: 'MG',
      humanReading: { result: 'NEGATIVE' },
    });
    const before = (await eventsOf({ id: p2 })).length;
    const res = await gql(
      'manager',
      `mutation($input: RecordScreeningsInput!) { recordScreenings(input: $input) { accepted rejected items { index receipt { id createdIds events } error { code field } } } }`,
      {
        input: { commandId: randomUUID(), items: [screening(p1, '2025-02-03'), screening(p2, '2024-12-01')] },
      },
    );
    expect(res.errors).toBeUndefined();
    const answer = (
      res.data as unknown as {
        recordScreenings: {
          accepted: number;
          items: { receipt: { id: string; createdIds: string[]; events: string[] } | null; error: { code: string; field: string } | null }[];
        };
      }
    ).recordScreenings;
    expect(answer.accepted).toBe(1);
    expect(answer.items[0]!.receipt).toMatchObject({ id: p1, events: ['ScreeningRecorded'] });
    expect(answer.items[1]!.error!.field).toMatch(/^items\.1\.screenedOn/);
    const p1Events = await eventsOf({ id: p1 });
    expect((p1Events.at(-1)!.data as { screeningId: string }).screeningId).toBe(answer.items[0]!.receipt!.createdIds[0]);
    expect(await eventsOf({ id: p2 })).toHaveLength(before);
  });
});
