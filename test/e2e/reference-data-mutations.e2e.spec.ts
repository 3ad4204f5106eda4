import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '#event-store';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { issueLocalToken, type TokenClaims } from '../../services/registry-api/src/auth/local-signing-key.js';
import { setLocalSigningPassword } from '../../services/registry-api/src/auth/local-signing-password.js';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';

/** The reference-data mutations over HTTP with real tokens: catalogue, algorithms, trials, programmes, imaging studies. */
describe('catalogue, algorithm, trial, programme and imaging mutations over GraphQL', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let store: EventStore;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-refdata-'));
    config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PROJECTOR: 'off' });
    registry = await startRegistry(config);
    store = registry.app.get<EventStore>(EVENT_STORE);
    const claims: Record<string, TokenClaims> = {
      admin: { sub: 'alice-admin', role: 'admin' },
      coordinator: { sub: 'carl-coord', role: 'coordinator', trials: ['T-E2E'], sites: ['S1'], name: 'Carl Coordinator' },
      otherCoordinator: { sub: 'olga-coord', role: 'coordinator', trials: ['T-OTHER'], sites: ['*'] },
      manager: { sub: 'mia-manager', role: 'screening_manager', programmes: ['P-E2E'] },
      reader: { sub: 'rob-reader', role: 'reader', sites: ['S1'] },
      regulator: { sub: 'rita-regulator', role: 'regulator' },
    };
    for (const [name, c] of Object.entries(claims)) tokens[name] = await issueLocalToken(config, c);
    // An unlock is signed (issue 18): local mode's second component is the signer's signing password.
    await setLocalSigningPassword(dataDir, 'carl-coord', 'coordinator signing password', { cost: 2 ** 12 });
  });
  afterAll(async () => {
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  type Gql = { data?: Record<string, any> | null; errors?: { message: string; extensions: Record<string, unknown> }[] };
  async function mutate(who: string, field: string, input: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Gql> {
    const query = `mutation($input: ${field[0]!.toUpperCase()}${field.slice(1)}Input!) { ${field}(input: $input) { id createdIds streamId version globalPosition events replayed } }`;
    const res = await fetch(registry.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}`, ...headers },
      body: JSON.stringify({ query, variables: { input: { commandId: randomUUID(), ...input } } }),
    });
    return (await res.json()) as Gql;
  }
  const ok = async (who: string, field: string, input: Record<string, unknown>, headers?: Record<string, string>) => {
    const res = await mutate(who, field, input, headers);
    expect(res.errors).toBeUndefined();
    return res.data![field] as {
      id: string;
      createdIds: string[];
      streamId: string;
      version: number;
      globalPosition: string;
      events: string[];
      replayed: boolean;
    };
  };
  const code = async (who: string, field: string, input: Record<string, unknown>) => {
    const res = await mutate(who, field, input);
    return { code: res.errors?.[0]?.extensions['code'], field: res.errors?.[0]?.extensions['field'] };
  };
  const eventCount = async () => await store.countEvents();

  let biomarkerId: string;

  it('catalogue and algorithm registry: admins only; the actor comes from the token, not from headers', async () => {
    const define = {
      code: 'SMA_L3',
      name: 'Skeletal muscle area at L3',
      modality: 'CT',
      valueType: { kind: 'QUANTITATIVE', unit: 'cm2', plausibleRange: { min: 20, max: 400 } },
      repeatabilityWcv: 0.02,
    };
    for (const who of ['coordinator', 'manager', 'reader', 'regulator']) expect((await code(who, 'defineBiomarker', define)).code).toBe('FORBIDDEN');
    const receipt = await ok('admin', 'defineBiomarker', define, { 'x-actor-id': 'mallory', 'x-actor-role': 'admin' });
    biomarkerId = receipt.id;
    expect(receipt).toMatchObject({ createdIds: [], streamId: `biomarker-${receipt.id}`, version: 0, events: ['BiomarkerDefined'], replayed: false });
    expect((await store.readStream(receipt.streamId))[0]!.metadata).toMatchObject({ actorId: 'alice-admin', actorRole: 'admin' });
    expect(await code('admin', 'defineBiomarker', define)).toEqual({ code: 'DUPLICATE_BIOMARKER_CODE', field: 'code' });

    const revised = await ok('admin', 'reviseBiomarker', { ...define, code: undefined, biomarkerId, version: 2, reason: 'wider range', expectedVersion: 0 });
    expect(revised.version).toBe(1);
    expect(await code('admin', 'reviseBiomarker', { ...define, code: undefined, biomarkerId, version: 3, reason: 'again', expectedVersion: 0 })).toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
      field: 'expectedVersion',
    });

    const algorithm = await ok('admin', 'registerAlgorithmVersion', {
      manufacturer: 'Acme',
      name: 'BodyComp',
      version: '1.0',
      intendedUse: 'Body composition at L3',
      regulatory: { status: 'CE_MARKED', ceClass: 'IIA', udiDi: '0123' },
      biomarkerIds: [biomarkerId],
    });
    expect((await store.readStream(algorithm.streamId))[0]!.data).toMatchObject({ regulatory: { status: 'ce_marked', ceClass: 'IIa' } });
    expect((await ok('admin', 'suspendAlgorithmVersion', { algorithmVersionId: algorithm.id, reason: 'drift' })).events).toEqual(['AlgorithmVersionSuspended']);
    expect(await code('coordinator', 'withdrawAlgorithmVersion', { algorithmVersionId: algorithm.id, reason: 'x' })).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('trials: a coordinator writes within its trial and sites only; after lockTrial writes are refused until unlock', async () => {
    const register = {
      trialId: 'T-E2E',
      identifiers: [{ value: 'NCT01234567' }],
      title: 'Sarcopenia',
      phase: 'PHASE_III',
      sponsor: 'Group',
      primaryEndpoint: 'OS',
    };
    expect((await code('otherCoordinator', 'registerTrial', register)).code).toBe('FORBIDDEN');
    expect((await code('coordinator', 'registerTrial', { ...register, trialId: undefined })).code).toBe('FORBIDDEN');
    expect((await ok('coordinator', 'registerTrial', register)).id).toBe('T-E2E');
    const byAdmin = await ok('admin', 'registerTrial', { ...register, trialId: undefined, identifiers: [{ system: 'EU_CT', value: '2024-512345-12-00' }] });
    expect(byAdmin.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await store.readStream(`trial-T-E2E`))[0]!.data).toMatchObject({ phase: 'III', identifiers: [{ system: 'NCT', value: 'NCT01234567' }] });

    await ok('coordinator', 'addTrialArm', { trialId: 'T-E2E', armCode: 'EXP', name: 'Experimental', armType: 'EXPERIMENTAL', plannedSize: 100 });
    expect((await code('coordinator', 'activateTrialSite', { trialId: 'T-E2E', siteId: 'S9', name: 'Not mine' })).code).toBe('FORBIDDEN');
    expect((await code('otherCoordinator', 'addTrialArm', { trialId: 'T-E2E', armCode: 'X', name: 'X', armType: 'PLACEBO', plannedSize: 1 })).code).toBe(
      'FORBIDDEN',
    );
    await ok('coordinator', 'activateTrialSite', { trialId: 'T-E2E', siteId: 'S1', name: 'Site one', country: 'NL' });
    await ok('coordinator', 'defineVisitSchedule', {
      trialId: 'T-E2E',
      timePoints: [
        { code: 'BASELINE', label: 'Baseline', targetDay: -14, windowBeforeDays: 14, windowAfterDays: 0 },
        { code: 'W8', label: 'Week 8', targetDay: 56, windowBeforeDays: 7, windowAfterDays: 7 },
      ],
    });
    await ok('coordinator', 'openEnrolment', { trialId: 'T-E2E' });
    await ok('coordinator', 'recordUnblinding', { trialId: 'T-E2E', scope: 'SUBJECT', subjectId: 'SUBJ-1', reason: 'SAE', occurredAt: '2025-02-01' });
    const locked = await ok('coordinator', 'lockTrial', { trialId: 'T-E2E', reason: 'primary analysis' });
    expect((await store.readStream('trial-T-E2E')).at(-1)!.metadata).toMatchObject({ reason: 'primary analysis', actorId: 'carl-coord' });
    expect(await code('coordinator', 'closeEnrolment', { trialId: 'T-E2E' })).toEqual({ code: 'TRIAL_LOCKED', field: 'trialId' });
    expect(await code('coordinator', 'unlockTrial', { trialId: 'T-E2E', reason: '   ' })).toEqual({ code: 'REASON_REQUIRED', field: 'reason' });
    const signature = { statement: 'I reopen the trial to fix a query', signingPassword: 'coordinator signing password' };
    expect((await ok('coordinator', 'unlockTrial', { trialId: 'T-E2E', reason: 'query fix', expectedVersion: locked.version, signature })).version).toBe(
      locked.version + 1,
    );
  });

  it('programmes: a screening manager within its programme; a round id comes back in createdIds', async () => {
    const define = {
      programmeId: 'P-E2E',
      name: 'Lung screening',
      cancerType: 'LUNG',
      targetPopulation: 'Current and former smokers 50–80',
      ageRange: { min: 50, max: 80 },
      intervalMonths: 12,
      kpiTargets: [{ kpi: 'RECALL_RATE', scope: 'FIRST_ROUND', direction: 'AT_MOST', acceptable: 0.1, desirable: 0.07 }],
    };
    expect((await code('manager', 'defineScreeningProgramme', { ...define, programmeId: 'P-OTHER' })).code).toBe('FORBIDDEN');
    expect((await code('coordinator', 'defineScreeningProgramme', define)).code).toBe('FORBIDDEN');
    await ok('manager', 'defineScreeningProgramme', define);
    const round = await ok('manager', 'openScreeningRound', { programmeId: 'P-E2E', name: 'Round 1', opensOn: '2025-01-06' });
    expect(round.createdIds).toHaveLength(1);
    expect((await ok('manager', 'closeScreeningRound', { programmeId: 'P-E2E', roundId: round.createdIds[0], closesOn: '2025-06-30' })).events).toEqual([
      'ScreeningRoundClosed',
    ]);
  });

  it('imaging studies: a reader at its site registers; elsewhere FORBIDDEN; the UID is the receipt id', async () => {
    const input = {
      studyInstanceUid: '1.2.826.0.1.3680043.8.498.1',
      modality: 'CT',
      acquisitionDateTime: '2025-03-04',
      siteId: 'S1',
      scanner: { manufacturer: 'GE', model: 'Revolution' },
      contrast: 'IV',
    };
    expect((await code('reader', 'registerImagingStudy', { ...input, siteId: 'S2' })).code).toBe('FORBIDDEN');
    expect((await code('manager', 'registerImagingStudy', input)).code).toBe('FORBIDDEN');
    expect((await ok('reader', 'registerImagingStudy', input)).id).toBe(input.studyInstanceUid);
    expect((await code('coordinator', 'registerImagingStudy', input)).code).toBe('DUPLICATE_STUDY_UID');
  });

  it('a repeated commandId returns the first receipt over HTTP and appends nothing', async () => {
    const commandId = randomUUID();
    const input = { commandId, trialId: 'T-E2E', armCode: 'CTRL', name: 'Control', armType: 'ACTIVE_COMPARATOR', plannedSize: 100 };
    const first = await ok('coordinator', 'addTrialArm', input);
    const before = await eventCount();
    expect(await ok('coordinator', 'addTrialArm', input)).toEqual({ ...first, replayed: true });
    expect(await eventCount()).toBe(before);
  });

  it('malformed and hostile inputs get a clear error and leave the event count unchanged', async () => {
    const before = await eventCount();
    const huge = 'x'.repeat(100_000);
    const cases: [string, string, Record<string, unknown>, string][] = [
      [
        'admin',
        'defineBiomarker',
        { code: 'lower', name: 'n', modality: 'CT', valueType: { kind: 'CATEGORICAL', categories: ['a', 'b'] } },
        'INVALID_BIOMARKER_CODE',
      ],
      ['admin', 'defineBiomarker', { code: 'HUGE', name: huge, modality: 'CT', valueType: { kind: 'CATEGORICAL', categories: ['a', 'b'] } }, 'FIELD_TOO_LONG'],
      [
        'admin',
        'defineBiomarker',
        { code: 'UNIT', name: 'n', modality: 'CT', valueType: { kind: 'QUANTITATIVE', unit: 'parsecs^', plausibleRange: { min: 0, max: 1 } } },
        'INVALID_UCUM_UNIT',
      ],
      ['admin', 'defineBiomarker', { code: 'NOUNIT', name: 'n', modality: 'CT', valueType: { kind: 'QUANTITATIVE' } }, 'FIELD_REQUIRED'],
      [
        'admin',
        'defineBiomarker',
        { code: 'WCV', name: 'n', modality: 'CT', valueType: { kind: 'CATEGORICAL', categories: ['a', 'a'] } },
        'DUPLICATE_CATEGORY',
      ],
      ['admin', 'defineBiomarker', { code: 'TYPE', name: 42, modality: 'CT', valueType: { kind: 'CATEGORICAL', categories: ['a', 'b'] } }, 'BAD_USER_INPUT'],
      ['admin', 'defineBiomarker', { code: 'ENUM', name: 'n', modality: 'XRAY', valueType: { kind: 'CATEGORICAL', categories: ['a', 'b'] } }, 'BAD_USER_INPUT'],
      ['admin', 'retireBiomarker', { biomarkerId: randomUUID(), reason: 'gone' }, 'BIOMARKER_NOT_FOUND'],
      [
        'admin',
        'registerAlgorithmVersion',
        { manufacturer: 'A', name: 'B', version: '1', intendedUse: 'x', regulatory: { status: 'CE_MARKED' }, biomarkerIds: [biomarkerId] },
        'CE_CLASS_REQUIRED',
      ],
      [
        'admin',
        'registerAlgorithmVersion',
        { manufacturer: 'A', name: 'B', version: '1', intendedUse: 'x', regulatory: { status: 'INVESTIGATIONAL' }, biomarkerIds: ['no such'] },
        'INVALID_ID',
      ],
      ['coordinator', 'addTrialArm', { trialId: 'T-E2E', armCode: 'A B', name: 'x', armType: 'PLACEBO', plannedSize: 1 }, 'INVALID_ARM_CODE'],
      ['coordinator', 'addTrialArm', { trialId: 'T-E2E', armCode: 'BIG', name: 'x', armType: 'PLACEBO', plannedSize: 1e12 }, 'BAD_USER_INPUT'],
      ['coordinator', 'addTrialArm', { trialId: 'T-E2E', armCode: 'NEG', name: 'x', armType: 'PLACEBO', plannedSize: -1 }, 'OUT_OF_RANGE'],
      ['coordinator', 'defineVisitSchedule', { trialId: 'T-E2E', timePoints: [], reason: 'r' }, 'FIELD_REQUIRED'],
      [
        'admin',
        'registerTrial',
        { trialId: 'T-NEW', identifiers: [{ system: 'NCT', value: 'NCT1' }], title: 't', phase: 'PHASE_I', sponsor: 's', primaryEndpoint: 'p' },
        'INVALID_TRIAL_IDENTIFIER',
      ],
      ['manager', 'openScreeningRound', { programmeId: 'P-E2E', name: 'R', opensOn: '2025-02-30' }, 'INVALID_DATE'],
      [
        'reader',
        'registerImagingStudy',
        { studyInstanceUid: '1.2.3.04', modality: 'CT', acquisitionDateTime: '2025-01-01', siteId: 'S1', scanner: { manufacturer: 'a', model: 'b' } },
        'INVALID_DICOM_UID',
      ],
      [
        'reader',
        'registerImagingStudy',
        { studyInstanceUid: '1.2.3', modality: 'CT', acquisitionDateTime: '2025-01-01', siteId: 'S1', scanner: { manufacturer: 'a', model: 'b' }, kvp: 1e308 },
        'OUT_OF_RANGE',
      ],
      ['admin', 'retireBiomarker', { commandId: '', biomarkerId: biomarkerId, reason: 'x' }, 'INVALID_COMMAND_ID'],
    ];
    for (const [who, field, input, expected] of cases) {
      const res = await code(who, field, input);
      expect({ field, input: JSON.stringify(input).slice(0, 120), code: res.code }).toEqual({
        field,
        input: JSON.stringify(input).slice(0, 120),
        code: expected,
      });
    }
    expect(await eventCount()).toBe(before);
  });
});
