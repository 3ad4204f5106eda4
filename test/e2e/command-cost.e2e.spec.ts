import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '#event-store';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { issueLocalToken, type TokenClaims } from '../../services/registry-api/src/auth/local-signing-key.js';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { CommandRunner } from '../../services/registry-api/src/commands/command-runner.js';
import { loadConfig, type AppConfig } from '#runtime';
import { committedEvents } from '../support/committed-events.js';

/**
 * Issue 14: commands decide on folded states kept per API instance (StreamStateCache) and recognise repeated
 * commands by their event ids. Two API instances on one database, each with its own cache, write to one subject:
 * a state one of them kept goes stale whenever the other writes, and that may cost a retry, never a wrong decision.
 * And a commandId reused on another stream is refused (issue 12 §4), over HTTP with real tokens.
 */
describe('two API instances on one database, one subject', () => {
  let db: TestDatabase;
  let dataDir = '';
  let config: AppConfig;
  let a: RunningRegistry;
  let b: RunningRegistry;
  let store: EventStore;
  const tokens: Record<string, string> = {};
  const T = 'T-COST';
  const SITE = 'S1';
  const BIOMARKER = 'cost-lesion-ld';
  const STUDY = '1.2.826.0.1.3680043.8.498.91001';
  let subjectId = '';
  let otherSubjectId = '';

  type Gql = { data?: Record<string, any> | null; errors?: { message: string; extensions: Record<string, unknown> }[] };
  type Receipt = { id: string; createdIds: string[]; streamId: string; version: number; globalPosition: string; events: string[]; replayed: boolean };
  async function mutate(on: RunningRegistry, who: string, field: string, input: Record<string, unknown>): Promise<Gql> {
    const query = `mutation($input: ${field[0]!.toUpperCase()}${field.slice(1)}Input!) { ${field}(input: $input) { id createdIds streamId version globalPosition events replayed } }`;
    const res = await fetch(on.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
      body: JSON.stringify({ query, variables: { input: { commandId: randomUUID(), ...input } } }),
    });
    return (await res.json()) as Gql;
  }
  const ok = async (on: RunningRegistry, who: string, field: string, input: Record<string, unknown>): Promise<Receipt> => {
    const res = await mutate(on, who, field, input);
    expect(res.errors).toBeUndefined();
    return res.data![field] as Receipt;
  };
  const refusal = async (on: RunningRegistry, who: string, field: string, input: Record<string, unknown>) => {
    const res = await mutate(on, who, field, input);
    return { code: res.errors?.[0]?.extensions['code'], field: res.errors?.[0]?.extensions['field'], data: res.data?.[field] ?? null };
  };
  const measurement = (subject: string, value: number, over: Record<string, unknown> = {}) => ({
    subjectId: subject,
    biomarkerId: BIOMARKER,
    biomarkerVersion: 1,
    studyInstanceUid: STUDY,
    timePoint: 'UNSCHEDULED',
    method: 'MANUAL',
    readerId: 'carl-coord',
    value: { value, unit: 'mm' },
    ...over,
  });
  const events = async (subject: string) => store.readStream(`subject-${subject}`);
  const states = (on: RunningRegistry) => on.app.get(CommandRunner).states;

  // Instances share the data directory (the privacy key ring and the signing key live there), as deployments must.
  const boot = async (): Promise<RunningRegistry> => startRegistry(config);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-cost-'));
    config = loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PROJECTOR: 'off',
      RATE_LIMIT_PER_MINUTE: '100000',
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
    });
    a = await boot();
    b = await boot();
    store = a.app.get<EventStore>(EVENT_STORE);
    const claims: Record<string, TokenClaims> = {
      admin: { sub: 'alice-admin', role: 'admin' },
      coordinator: { sub: 'carl-coord', role: 'coordinator', trials: [T], sites: [SITE] },
    };
    for (const [name, c] of Object.entries(claims)) tokens[name] = await issueLocalToken(config, c);
    await ok(a, 'admin', 'defineBiomarker', {
      biomarkerId: BIOMARKER,
      code: 'COST_LESION_LD',
      name: 'Lesion longest diameter',
      modality: 'CT',
      valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
    });
    await ok(a, 'coordinator', 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'OTHER', value: T }],
      title: 'Cost trial',
      phase: 'PHASE_II',
      sponsor: 'Test',
      primaryEndpoint: 'None',
    });
    await ok(a, 'coordinator', 'addTrialArm', { trialId: T, armCode: 'A', name: 'A', armType: 'EXPERIMENTAL', plannedSize: 10 });
    await ok(a, 'coordinator', 'activateTrialSite', { trialId: T, siteId: SITE, name: 'Site one', country: 'NL' });
    await ok(a, 'coordinator', 'openEnrolment', { trialId: T });
    subjectId = (
      await ok(a, 'coordinator', 'enrolSubject', { trialId: T, siteId: SITE, pseudonym: 'COST-0001', consentVersion: 'v1', consentDate: '2025-01-10' })
    ).id;
    otherSubjectId = (
      await ok(b, 'coordinator', 'enrolSubject', { trialId: T, siteId: SITE, pseudonym: 'COST-0002', consentVersion: 'v1', consentDate: '2025-01-10' })
    ).id;
    await ok(a, 'coordinator', 'registerImagingStudy', {
      studyInstanceUid: STUDY,
      subjectId,
      modality: 'CT',
      acquisitionDateTime: '2025-01-20',
      siteId: SITE,
      scanner: { manufacturer: 'Siemens', model: 'Somatom' },
    });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('decides on what the other instance wrote: a measurement id B recorded is a duplicate for A, whose kept state was older', async () => {
    await ok(a, 'coordinator', 'recordMeasurement', measurement(subjectId, 10));
    const keptByA = states(a).stats().hits + states(a).stats().misses;
    // B writes after A kept the subject at its revision.
    const byB = await ok(b, 'coordinator', 'recordMeasurement', measurement(subjectId, 11, { measurementId: 'm-cost-b' }));
    // A's kept state lacks B's measurement; A reads what followed it before deciding, so the duplicate is seen.
    expect(await refusal(a, 'coordinator', 'recordMeasurement', measurement(subjectId, 12, { measurementId: 'm-cost-b' }))).toMatchObject({
      code: 'DUPLICATE_MEASUREMENT',
      field: 'measurementId',
    });
    const next = await ok(a, 'coordinator', 'recordMeasurement', measurement(subjectId, 13));
    expect(next.version).toBe(byB.version + 1);
    expect(states(a).stats().hits + states(a).stats().misses).toBeGreaterThan(keptByA);
    expect(states(a).stats().hits).toBeGreaterThan(0);
    const stored = await events(subjectId);
    expect(stored.filter((e) => (e.data as { measurementId?: string }).measurementId === 'm-cost-b')).toHaveLength(1);
    expect(stored.map((e) => Number(e.revision))).toEqual(stored.map((_, i) => i));
  });

  it('keeps every write when both instances write to the subject at once: stale kept states cost retries only', async () => {
    const before = (await events(subjectId)).length;
    const ids = Array.from({ length: 16 }, (_, i) => `m-race-${i}`);
    const receipts = await Promise.all(
      ids.map((measurementId, i) => ok(i % 2 ? a : b, 'coordinator', 'recordMeasurement', measurement(subjectId, 20 + i, { measurementId }))),
    );
    expect(receipts.every((r) => !r.replayed && r.events.length === 1)).toBe(true);
    expect(new Set(receipts.map((r) => r.version)).size).toBe(ids.length);
    const stored = await events(subjectId);
    expect(stored).toHaveLength(before + ids.length);
    expect(
      stored
        .flatMap((e) =>
          (e.data as { measurementId?: string }).measurementId?.startsWith('m-race-') ? [(e.data as { measurementId: string }).measurementId] : [],
        )
        .sort(),
    ).toEqual([...ids].sort());
    // Both instances decide the next duplicate correctly, whichever wrote the measurement.
    for (const on of [a, b])
      expect((await refusal(on, 'coordinator', 'recordMeasurement', measurement(subjectId, 1, { measurementId: 'm-race-3' }))).code).toBe(
        'DUPLICATE_MEASUREMENT',
      );
  });

  it('answers a repeat sent to the other instance with the first receipt', async () => {
    const commandId = randomUUID();
    const first = await ok(a, 'coordinator', 'recordMeasurement', { commandId, ...measurement(subjectId, 42) });
    const again = await ok(b, 'coordinator', 'recordMeasurement', { commandId, ...measurement(subjectId, 42) });
    expect(again).toMatchObject({ replayed: true, globalPosition: first.globalPosition, createdIds: first.createdIds, events: ['MeasurementRecorded'] });
  });

  it('refuses a commandId reused on another subject with other content (IDEMPOTENCY_CONFLICT) and appends nothing there', async () => {
    const commandId = randomUUID();
    await ok(a, 'coordinator', 'recordMeasurement', { commandId, ...measurement(subjectId, 50) });
    const otherBefore = (await events(otherSubjectId)).length;
    for (const on of [a, b]) {
      expect(await refusal(on, 'coordinator', 'recordMeasurement', { commandId, ...measurement(otherSubjectId, 51) })).toEqual({
        code: 'IDEMPOTENCY_CONFLICT',
        field: 'commandId',
        data: null,
      });
    }
    expect(await events(otherSubjectId)).toHaveLength(otherBefore);
    expect((await committedEvents(store)).filter((e) => e.metadata['commandId'] === commandId)).toHaveLength(1);
  });

  it('refuses a reused commandId before a reservation is claimed: an enrolment, a biomarker, a trial', async () => {
    const commandId = randomUUID();
    await ok(a, 'coordinator', 'recordMeasurement', { commandId, ...measurement(subjectId, 60) });
    const enrol = { commandId, trialId: T, siteId: SITE, pseudonym: 'COST-0099', consentVersion: 'v1', consentDate: '2025-01-10' };
    expect((await refusal(b, 'coordinator', 'enrolSubject', enrol)).code).toBe('IDEMPOTENCY_CONFLICT');
    expect(
      (
        await refusal(b, 'admin', 'defineBiomarker', {
          commandId,
          code: 'COST_REUSED',
          name: 'Reused',
          modality: 'CT',
          valueType: { kind: 'CATEGORICAL', categories: ['a', 'b'] },
        })
      ).code,
    ).toBe('IDEMPOTENCY_CONFLICT');
    expect(
      (
        await refusal(a, 'admin', 'registerTrial', {
          commandId,
          trialId: 'T-COST-2',
          identifiers: [{ system: 'OTHER', value: 'T-COST-2' }],
          title: 'Reused',
          phase: 'PHASE_II',
          sponsor: 'Test',
          primaryEndpoint: 'None',
        })
      ).code,
    ).toBe('IDEMPOTENCY_CONFLICT');
    expect((await committedEvents(store)).filter((e) => e.metadata['commandId'] === commandId).map((e) => e.type)).toEqual(['MeasurementRecorded']);
    // Nothing was kept for the refused ones: the pseudonym, code and trial id are free for a new command.
    await ok(a, 'coordinator', 'enrolSubject', { ...enrol, commandId: randomUUID() });
    await ok(a, 'admin', 'defineBiomarker', {
      code: 'COST_REUSED',
      name: 'Reused',
      modality: 'CT',
      valueType: { kind: 'CATEGORICAL', categories: ['a', 'b'] },
    });
  });
});
