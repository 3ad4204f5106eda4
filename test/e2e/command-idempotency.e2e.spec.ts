import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '#event-store';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { issueLocalToken, type TokenClaims } from '../../services/registry-api/src/auth/local-signing-key.js';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { CommandRunner } from '../../services/registry-api/src/commands/command-runner.js';

/**
 * Issue 12 §4 and issue 13 over HTTP with real tokens: a commandId repeated with other content is refused and the
 * first value stays; concurrent sends of one command get exactly one first receipt; 16 unpinned writers on one
 * subject all succeed; a denied write on an existing subject answers exactly as on an unknown id.
 */
describe('idempotency and concurrency of commands over GraphQL', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let store: EventStore;
  const tokens: Record<string, string> = {};
  const T = 'T-IDEM';
  const SITE = 'S1';
  const BIOMARKER = 'idem-lesion-ld';
  const STUDY = '1.2.826.0.1.3680043.8.498.81001';
  let subjectId = '';
  let DEFAULT_BUDGET = 0;

  type Gql = {
    status: number;
    retryAfter: string | null;
    data?: Record<string, any> | null;
    errors?: { message: string; extensions: Record<string, unknown> }[];
  };
  type Receipt = { id: string; createdIds: string[]; streamId: string; version: number; globalPosition: string; events: string[]; replayed: boolean };
  async function mutate(who: string, field: string, input: Record<string, unknown>): Promise<Gql> {
    const query = `mutation($input: ${field[0]!.toUpperCase()}${field.slice(1)}Input!) { ${field}(input: $input) { id createdIds streamId version globalPosition events replayed } }`;
    const res = await fetch(registry.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
      body: JSON.stringify({ query, variables: { input: { commandId: randomUUID(), ...input } } }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), ...((await res.json()) as Omit<Gql, 'status' | 'retryAfter'>) };
  }
  const ok = async (who: string, field: string, input: Record<string, unknown>): Promise<Receipt> => {
    const res = await mutate(who, field, input);
    expect(res.errors).toBeUndefined();
    return res.data![field] as Receipt;
  };
  const refusal = async (who: string, field: string, input: Record<string, unknown>) => {
    const res = await mutate(who, field, input);
    return { code: res.errors?.[0]?.extensions['code'], field: res.errors?.[0]?.extensions['field'], data: res.data?.[field] ?? null };
  };
  const measurement = (value: number, commandId = randomUUID()) => ({
    commandId,
    subjectId,
    biomarkerId: BIOMARKER,
    biomarkerVersion: 1,
    studyInstanceUid: STUDY,
    timePoint: 'UNSCHEDULED',
    method: 'MANUAL',
    value: { value, unit: 'mm' },
  });
  const subjectEvents = async () => store.readStream(`subject-${subjectId}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-idem-'));
    config = loadConfig({
      ...db.adminEnv,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PROJECTOR: 'off',
      RATE_LIMIT_PER_MINUTE: '100000',
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
    });
    registry = await startRegistry(config);
    store = registry.app.get<EventStore>(EVENT_STORE);
    DEFAULT_BUDGET = registry.app.get(CommandRunner).retryBudgetMs;
    const claims: Record<string, TokenClaims> = {
      admin: { sub: 'alice-admin', role: 'admin' },
      coordinator: { sub: 'carl-coord', role: 'coordinator', trials: [T], sites: [SITE] },
      otherCoordinator: { sub: 'olga-coord', role: 'coordinator', trials: ['T-OTHER'], sites: ['*'] },
      reader: { sub: 'rob-reader', role: 'reader', sites: [SITE] },
    };
    for (const [name, c] of Object.entries(claims)) tokens[name] = await issueLocalToken(config, c);

    await ok('admin', 'defineBiomarker', {
      biomarkerId: BIOMARKER,
      code: 'IDEM_LESION_LD',
      name: 'Lesion longest diameter',
      modality: 'CT',
      valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
    });
    await ok('coordinator', 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'OTHER', value: T }],
      title: 'Idempotency trial',
      phase: 'PHASE_II',
      sponsor: 'Test',
      primaryEndpoint: 'None',
    });
    await ok('coordinator', 'addTrialArm', { trialId: T, armCode: 'A', name: 'A', armType: 'EXPERIMENTAL', plannedSize: 10 });
    await ok('coordinator', 'activateTrialSite', { trialId: T, siteId: SITE, name: 'Site one', country: 'NL' });
    await ok('coordinator', 'openEnrolment', { trialId: T });
    subjectId = (await ok('coordinator', 'enrolSubject', { trialId: T, siteId: SITE, pseudonym: 'IDEM-0001', consentVersion: 'v1', consentDate: '2025-01-10' }))
      .id;
    await ok('coordinator', 'registerImagingStudy', {
      studyInstanceUid: STUDY,
      subjectId,
      modality: 'CT',
      acquisitionDateTime: '2025-01-20',
      siteId: SITE,
      scanner: { manufacturer: 'Siemens', model: 'Somatom' },
    });
  });
  afterAll(async () => {
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a repeated commandId with a changed value (IDEMPOTENCY_CONFLICT on commandId); the first value stays', async () => {
    const commandId = randomUUID();
    const first = await ok('reader', 'recordMeasurement', measurement(140, commandId));
    expect(first.replayed).toBe(false);
    const before = (await subjectEvents()).length;
    expect(await refusal('reader', 'recordMeasurement', measurement(199, commandId))).toEqual({ code: 'IDEMPOTENCY_CONFLICT', field: 'commandId', data: null });
    const events = await subjectEvents();
    expect(events).toHaveLength(before);
    const recorded = events.filter((e) => e.metadata['commandId'] === commandId);
    expect(recorded.map((e) => (e.data as { result: { value: number } }).result.value)).toEqual([140]);
    // The unchanged command is still answered with the first receipt.
    expect(await ok('reader', 'recordMeasurement', measurement(140, commandId))).toEqual({
      ...first,
      replayed: true,
      version: (await subjectEvents()).length - 1,
    });

    // A correction repeated with another value or another reason is refused too; the first correction stays.
    const correctionId = randomUUID();
    const measurementId = first.createdIds[0]!;
    await ok('reader', 'correctMeasurement', {
      commandId: correctionId,
      subjectId,
      measurementId,
      value: { value: 141, unit: 'mm' },
      reason: 'Caliper on the wrong slice',
    });
    expect(
      (
        await refusal('reader', 'correctMeasurement', {
          commandId: correctionId,
          subjectId,
          measurementId,
          value: { value: 199, unit: 'mm' },
          reason: 'Caliper on the wrong slice',
        })
      ).code,
    ).toBe('IDEMPOTENCY_CONFLICT');
    expect(
      (
        await refusal('reader', 'correctMeasurement', {
          commandId: correctionId,
          subjectId,
          measurementId,
          value: { value: 141, unit: 'mm' },
          reason: 'Another reason',
        })
      ).code,
    ).toBe('IDEMPOTENCY_CONFLICT');
    const corrections = (await subjectEvents()).filter((e) => e.metadata['commandId'] === correctionId);
    expect(corrections.map((e) => [e.type, (e.data as { result: { value: number } }).result.value, e.metadata['reason']])).toEqual([
      ['MeasurementCorrected', 141, 'Caliper on the wrong slice'],
    ]);
  });

  it('refuses a changed repeat for reference data too (trial arm, biomarker behind a reservation)', async () => {
    const armCommand = randomUUID();
    await ok('coordinator', 'addTrialArm', { commandId: armCommand, trialId: T, armCode: 'B', name: 'B', armType: 'PLACEBO', plannedSize: 10 });
    expect(
      await refusal('coordinator', 'addTrialArm', { commandId: armCommand, trialId: T, armCode: 'B', name: 'B', armType: 'PLACEBO', plannedSize: 99 }),
    ).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', field: 'commandId' });
    const arms = (await store.readStream(`trial-${T}`)).filter((e) => e.metadata['commandId'] === armCommand);
    expect(arms.map((e) => (e.data as { plannedSize: number }).plannedSize)).toEqual([10]);

    const biomarkerCommand = randomUUID();
    const defined = await ok('admin', 'defineBiomarker', {
      commandId: biomarkerCommand,
      code: 'IDEM_ONE',
      name: 'One',
      modality: 'CT',
      valueType: { kind: 'CATEGORICAL', categories: ['a', 'b'] },
    });
    expect(
      (
        await refusal('admin', 'defineBiomarker', {
          commandId: biomarkerCommand,
          code: 'IDEM_ONE',
          name: 'Renamed',
          modality: 'CT',
          valueType: { kind: 'CATEGORICAL', categories: ['a', 'b'] },
        })
      ).code,
    ).toBe('IDEMPOTENCY_CONFLICT');
    const biomarker = await store.readStream(defined.streamId);
    expect(biomarker.map((e) => (e.data as { name: string }).name)).toEqual(['One']);
  });

  it('answers six concurrent sends of one command with exactly one replayed: false and appends once', async () => {
    const input = measurement(150);
    const before = (await subjectEvents()).length;
    const receipts = await Promise.all(Array.from({ length: 6 }, () => ok('reader', 'recordMeasurement', input)));
    expect(receipts.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(receipts.map((r) => r.globalPosition)).size).toBe(1);
    expect(new Set(receipts.map((r) => r.createdIds[0])).size).toBe(1);
    expect((await subjectEvents()).length).toBe(before + 1);
  });

  it('lets 16 concurrent unpinned writers on one subject all succeed: no conflict the client never asked for', async () => {
    const before = (await subjectEvents()).length;
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => mutate('reader', 'recordMeasurement', measurement(100 + i))));
    expect(results.flatMap((r) => r.errors?.map((e) => e.extensions['code']) ?? [])).toEqual([]);
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 16 }, () => 200));
    const versions = results.map((r) => (r.data!['recordMeasurement'] as Receipt).version);
    expect(new Set(versions).size).toBe(16);
    expect((await subjectEvents()).length).toBe(before + 16);
  });

  it('answers BUSY with HTTP 503 and Retry-After when the budget runs out, and records nothing for those writers', async () => {
    const runner = registry.app.get(CommandRunner);
    const before = (await subjectEvents()).length;
    // No budget at all: a writer that finds another one at work on the subject gives up at once.
    runner.retryBudgetMs = 0;
    let results: Gql[];
    try {
      results = await Promise.all(Array.from({ length: 8 }, (_, i) => mutate('reader', 'recordMeasurement', measurement(300 + i))));
    } finally {
      runner.retryBudgetMs = DEFAULT_BUDGET;
    }
    const busy = results.filter((r) => r.errors?.[0]?.extensions['code'] === 'BUSY');
    const accepted = results.filter((r) => r.errors === undefined);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.length + accepted.length).toBe(8);
    for (const r of busy) {
      expect(r.status).toBe(503);
      expect(r.retryAfter).toBe('1');
      expect(r.errors![0]!.extensions['retryAfterSeconds']).toBe(1);
    }
    expect((await subjectEvents()).length).toBe(before + accepted.length);
  });

  it('denies a write on an existing subject exactly as on an unknown id, and writes nothing', async () => {
    const before = (await subjectEvents()).length;
    const existing = await refusal('otherCoordinator', 'recordMeasurement', measurement(120));
    const unknown = await refusal('otherCoordinator', 'recordMeasurement', { ...measurement(120), subjectId: randomUUID() });
    expect(existing).toEqual({ code: 'FORBIDDEN', field: undefined, data: null });
    expect(unknown).toEqual(existing);
    expect((await subjectEvents()).length).toBe(before);
  });
});
