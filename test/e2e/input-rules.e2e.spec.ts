import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '#event-store';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { countStoredEvents } from '../../libs/event-store/src/testing/postgres-log-tampering.js';
import { committedEvents } from '../support/committed-events.js';

/**
 * Issue 12 §5 over HTTP: one person is one subject per study (DUPLICATE_PSEUDONYM, also under concurrency), and
 * every AI output lies in its declared range (an algorithm version's score range, a biomarker's plausible range).
 */
describe('input rules over GraphQL: duplicate pseudonyms and AI output ranges', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let store: EventStore;
  const tokens: Record<string, string> = {};

  type Gql = { data?: Record<string, any> | null; errors?: { message: string; extensions: Record<string, unknown> }[] };
  async function gql(who: string, query: string, variables: Record<string, unknown> = {}): Promise<Gql> {
    const res = await fetch(registry.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
      body: JSON.stringify({ query, variables }),
    });
    expect(res.status).toBeLessThan(500);
    return (await res.json()) as Gql;
  }
  const mutate = (who: string, field: string, input: Record<string, unknown>) =>
    gql(
      who,
      `mutation($input: ${field[0]!.toUpperCase()}${field.slice(1)}Input!) { ${field}(input: $input) { id createdIds globalPosition events replayed } }`,
      {
        input: { commandId: randomUUID(), ...input },
      },
    );
  const ok = async (who: string, field: string, input: Record<string, unknown>) => {
    const res = await mutate(who, field, input);
    expect(res.errors).toBeUndefined();
    return res.data![field] as { id: string; createdIds: string[]; globalPosition: string; events: string[]; replayed: boolean };
  };
  /** The error's code, field and details; and nothing appended by the refused command. */
  const refused = async (who: string, field: string, input: Record<string, unknown>) => {
    // Counted (countEvents), not read through readAll: readAll hands out only what no running transaction can precede
    // (gap-safe order), so an acknowledged write may show up in it a moment later and look like this command's.
    const count = (): Promise<number> => countStoredEvents(db.eventStoreUrl);
    const before = await count();
    const res = await mutate(who, field, input);
    expect(res.data?.[field] ?? null).toBeNull();
    expect(await count()).toBe(before);
    const ext = res.errors?.[0]?.extensions ?? {};
    return { code: ext['code'], field: ext['field'] };
  };

  const T = 'ir-trial';
  const P = 'ir-programme';
  const STUDY = '1.2.826.0.1.3680043.8.498.45001';

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-input-rules-'));
    config = loadConfig({
      ...db.adminEnv,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      RATE_LIMIT_PER_MINUTE: '100000',
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
    });
    registry = await startRegistry(config);
    store = registry.app.get<EventStore>(EVENT_STORE);
    tokens['admin'] = await issueLocalToken(config, { sub: 'ir-admin', role: 'admin' });
    tokens['coordinator'] = await issueLocalToken(config, { sub: 'ir-coordinator', role: 'coordinator', trials: [T], sites: ['*'] });
    tokens['reader'] = await issueLocalToken(config, { sub: 'ir-reader', role: 'reader', sites: ['*'] });
    tokens['manager'] = await issueLocalToken(config, { sub: 'ir-manager', role: 'screening_manager', programmes: [P] });

    await ok('admin', 'defineBiomarker', {
      biomarkerId: 'ir-ld',
      code: 'IR_LD',
      name: 'Lesion longest diameter',
      modality: 'CT',
      valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
    });
    const algorithm = {
      manufacturer: 'Acme',
      version: '1.0',
      intendedUse: 'Screening support',
      regulatory: { status: 'INVESTIGATIONAL' },
      biomarkerIds: ['ir-ld'],
    };
    await ok('admin', 'registerAlgorithmVersion', { ...algorithm, algorithmVersionId: 'ir-mammo-1.0', name: 'MammoAI', scoreRange: { min: 0, max: 1 } });
    await ok('admin', 'registerAlgorithmVersion', { ...algorithm, algorithmVersionId: 'ir-scale-1.0', name: 'ScaleAI', scoreRange: { min: 1, max: 10 } });
    await ok('admin', 'registerAlgorithmVersion', { ...algorithm, algorithmVersionId: 'ir-seg-1.0', name: 'SegAI' });

    await ok('coordinator', 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'NCT', value: 'NCT04500001' }],
      title: T,
      phase: 'PHASE_III',
      sponsor: 'Acme',
      primaryEndpoint: 'PFS',
    });
    await ok('coordinator', 'addTrialArm', { trialId: T, armCode: 'A', name: 'Drug', armType: 'EXPERIMENTAL', plannedSize: 100 });
    await ok('coordinator', 'activateTrialSite', { trialId: T, siteId: 'site-1', name: 'Site 1' });
    await ok('coordinator', 'openEnrolment', { trialId: T });
    await ok('manager', 'defineScreeningProgramme', {
      programmeId: P,
      name: 'Breast screening',
      cancerType: 'BREAST',
      targetPopulation: 'Women aged 50 to 75',
      ageRange: { min: 50, max: 75 },
      intervalMonths: 24,
      kpiTargets: [],
    });
    await ok('manager', 'openScreeningRound', { programmeId: P, roundId: 'r1', name: 'Round 1', opensOn: '2025-01-06' });
  });
  afterAll(async () => {
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const enrolment = (pseudonym: string) => ({ trialId: T, siteId: 'site-1', pseudonym, consentVersion: 'v1', consentDate: '2025-01-10' });

  describe('DUPLICATE_PSEUDONYM', () => {
    it('refuses a second subject with the same pseudonym in the trial, and a second participant in the programme', async () => {
      await ok('coordinator', 'enrolSubject', enrolment('IR-0001A'));
      expect(await refused('coordinator', 'enrolSubject', enrolment('IR-0001A'))).toEqual({ code: 'DUPLICATE_PSEUDONYM', field: 'pseudonym' });
      const invitation = { programmeId: P, roundId: 'r1', pseudonym: 'IR-0001A', invitedOn: '2025-01-15' };
      await ok('manager', 'inviteParticipant', invitation);
      expect(await refused('manager', 'inviteParticipant', invitation)).toEqual({ code: 'DUPLICATE_PSEUDONYM', field: 'pseudonym' });
    });

    it('16 concurrent enrolments of one pseudonym over HTTP: one subject, 15 DUPLICATE_PSEUDONYM, no 5xx', async () => {
      const results = await Promise.all(Array.from({ length: 16 }, () => mutate('coordinator', 'enrolSubject', enrolment('IR-0016R'))));
      expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
      expect(results.flatMap((r) => r.errors ?? []).map((e) => [e.extensions['code'], e.extensions['field']])).toEqual(
        Array(15).fill(['DUPLICATE_PSEUDONYM', 'pseudonym']),
      );
      const enrolled = (await committedEvents(store)).filter((e) => e.type === 'SubjectEnrolled' && e.data['pseudonym'] === 'IR-0016R');
      expect(enrolled).toHaveLength(1);
    });
  });

  describe('AI output ranges', () => {
    let participant = '';
    let n = 0;
    const screening = (aiReading: Record<string, unknown>) => ({
      subjectId: participant,
      screeningId: `ir-scr-${++n}`,
      roundId: 'r1',
      screenedOn: '2025-02-03',
      siteId: 'unit-1',
      modality: 'MG',
      humanReading: { result: 'NEGATIVE' },
      aiReading,
    });
    beforeAll(async () => {
      participant = (await ok('manager', 'inviteParticipant', { programmeId: P, roundId: 'r1', pseudonym: 'IR-0100S', invitedOn: '2025-01-15' })).id;
    });

    it('shows the declared score range in algorithmVersions; a version without one shows null', async () => {
      const last = await ok('admin', 'registerAlgorithmVersion', {
        manufacturer: 'Acme',
        name: 'ListAI',
        version: '1.0',
        intendedUse: 'x',
        regulatory: { status: 'INVESTIGATIONAL' },
        biomarkerIds: ['ir-ld'],
      });
      const res = await gql('admin', `query($p: GlobalPosition) { algorithmVersions(consistentWith: $p) { nodes { id scoreRange { min max } } } }`, {
        p: last.globalPosition,
      });
      expect(res.errors).toBeUndefined();
      const ranges = Object.fromEntries((res.data!['algorithmVersions'].nodes as { id: string; scoreRange: unknown }[]).map((a) => [a.id, a.scoreRange]));
      expect(ranges).toMatchObject({ 'ir-mammo-1.0': { min: 0, max: 1 }, 'ir-scale-1.0': { min: 1, max: 10 }, 'ir-seg-1.0': null });
    });

    it('refuses an invalid declared range at registration', async () => {
      const base = {
        manufacturer: 'Acme',
        name: 'BadAI',
        version: '1.0',
        intendedUse: 'x',
        regulatory: { status: 'INVESTIGATIONAL' },
        biomarkerIds: ['ir-ld'],
      };
      expect(await refused('admin', 'registerAlgorithmVersion', { ...base, scoreRange: { min: 1, max: 0 } })).toEqual({
        code: 'INVALID_SCORE_RANGE',
        field: 'scoreRange',
      });
      expect(await refused('admin', 'registerAlgorithmVersion', { ...base, scoreRange: { min: 5, max: 5 } })).toEqual({
        code: 'INVALID_SCORE_RANGE',
        field: 'scoreRange',
      });
    });

    it.each([
      ['1e308', 1e308],
      ['-5', -5],
      ['just above the maximum', 1.000001],
    ])('refuses an AI screening score of %s against the declared 0–1 with VALUE_OUT_OF_RANGE on aiReading.score', async (_label, score) => {
      expect(await refused('manager', 'recordScreening', screening({ algorithmVersionId: 'ir-mammo-1.0', score, aiPositive: true }))).toEqual({
        code: 'VALUE_OUT_OF_RANGE',
        field: 'aiReading.score',
      });
    });

    it('checks each version against its own range, and refuses a score from a version that declared none', async () => {
      expect(await refused('manager', 'recordScreening', screening({ algorithmVersionId: 'ir-scale-1.0', score: 0.5, aiPositive: false }))).toEqual({
        code: 'VALUE_OUT_OF_RANGE',
        field: 'aiReading.score',
      });
      expect(await refused('manager', 'recordScreening', screening({ algorithmVersionId: 'ir-seg-1.0', score: 0.5, aiPositive: false }))).toEqual({
        code: 'SCORE_RANGE_NOT_DECLARED',
        field: 'aiReading.algorithmVersionId',
      });
      await expect(ok('manager', 'recordScreening', screening({ algorithmVersionId: 'ir-mammo-1.0', score: 1, aiPositive: true }))).resolves.toMatchObject({
        events: ['ScreeningRecorded'],
      });
    });

    it('refuses an AI measurement outside the biomarker’s plausible range with VALUE_OUT_OF_RANGE, override reason or not', async () => {
      const subjectId = (await ok('coordinator', 'enrolSubject', enrolment('IR-0200M'))).id;
      await ok('coordinator', 'registerImagingStudy', {
        studyInstanceUid: STUDY,
        subjectId,
        modality: 'CT',
        acquisitionDateTime: '2025-01-20',
        siteId: 'site-1',
        scanner: { manufacturer: 'GE', model: 'Revolution' },
      });
      const ai = {
        subjectId,
        biomarkerId: 'ir-ld',
        biomarkerVersion: 1,
        studyInstanceUid: STUDY,
        timePoint: 'UNSCHEDULED',
        method: 'AI',
        algorithmVersionId: 'ir-seg-1.0',
      };
      for (const value of [
        { value: 1e308, unit: 'mm' },
        { value: -5, unit: 'mm' },
        { value: 51, unit: 'cm' },
      ]) {
        expect(await refused('reader', 'recordMeasurement', { ...ai, value })).toEqual({ code: 'VALUE_OUT_OF_RANGE', field: 'value.value' });
        expect(await refused('reader', 'recordMeasurement', { ...ai, value, plausibilityOverrideReason: 'Looks right to me' })).toEqual({
          code: 'VALUE_OUT_OF_RANGE',
          field: 'value.value',
        });
      }
      await expect(ok('reader', 'recordMeasurement', { ...ai, value: { value: 42, unit: 'mm' } })).resolves.toMatchObject({ events: ['MeasurementRecorded'] });
    });
  });
});
