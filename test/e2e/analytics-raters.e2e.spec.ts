import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore, type JsonObject } from '#event-store';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { loadConfig } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';
import { projections as allProjections } from '#projections';

// Issue 12 §3 and §7 over HTTP: AI and human readings of the same scans coexist, and every analysis follows the rater
// it is told to read — whatever the measurement ids' order — refuses an ambiguous choice and an unknown time point;
// RECIST reads only LDIAM/LPERP diameters in mm. The events are appended to the store and projected by the running
// projector (the write side has its own e2e tests); every query goes through HTTP GraphQL.

const TRIAL = 'RT-TRIAL';
const SITE = 'RT-SITE';
const ALG = 'RT-ALG';
const READER = 'RT-READER';
const SMI = 'rt-smi';
const N = 6;

let db: TestDatabase;
let registry: RunningRegistry;
let store: PostgresEventStore;
const tokens = new Map<string, string>();

async function gql(claims: { sub: string; role: string; trials?: string[]; sites?: string[] }, query: string, variables?: Record<string, unknown>) {
  const key = JSON.stringify(claims);
  if (!tokens.has(key)) tokens.set(key, await issueLocalToken(loadConfig({}), claims as never));
  return postGraphql(registry.url, tokens.get(key)!, query, variables);
}
const biostat = { sub: 'rt-stat', role: 'biostatistician', trials: [TRIAL] };

/** Waits until every projection has applied everything appended so far. */
const PROJECTION_COUNT = allProjections().length;

async function caughtUp(): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const res = await gql({ sub: 'admin', role: 'admin' }, `{ registryStatus { projections { name lag } } }`);
    const projections: { lag: number }[] = res.data?.registryStatus.projections ?? [];
    // Every projection listed (a runner that has not taken its lock yet has no checkpoint row to show a lag on).
    if (projections.length === PROJECTION_COUNT && projections.every((p) => p.lag === 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('projections did not catch up');
}

const append = (stream: string, events: { type: string; data: Record<string, unknown> }[]) =>
  store.appendToStream(
    stream,
    events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data as JsonObject })),
    { expectedRevision: 'any' },
  );

const defineBiomarker = (biomarkerId: string, code: string, unit: string) =>
  append(`biomarker-${biomarkerId}`, [
    {
      type: 'BiomarkerDefined',
      data: {
        biomarkerId,
        code,
        version: 1,
        name: code,
        description: null,
        modality: 'CT',
        bodySite: null,
        valueType: { kind: 'quantitative', unit, plausibleRange: { min: 0, max: 100000 } },
        repeatabilityWcv: null,
        definedAt: '2026-01-01T00:00:00Z',
      },
    },
  ]);

const enrolled = (subjectId: string) => ({
  type: 'SubjectEnrolled',
  data: {
    subjectId,
    trialId: TRIAL,
    pseudonym: `P-${subjectId}`,
    siteId: SITE,
    consentVersion: 'v1',
    consentDate: '2026-01-01',
    occurredAt: '2026-01-02T00:00:00Z',
  },
});

interface Measure {
  subjectId: string;
  measurementId: string;
  biomarkerId: string;
  value: number;
  unit: string;
  timePoint: string;
  date: string;
  method: 'ai' | 'manual' | 'semi_automatic';
  algorithmVersionId?: string | null;
  readerId?: string | null;
  lesion?: { trackingUid: string; label: string; findingSite: string; role: string } | null;
}
const measured = (m: Measure) => ({
  type: 'MeasurementRecorded',
  data: {
    subjectId: m.subjectId,
    measurementId: m.measurementId,
    trialId: TRIAL,
    programmeId: null,
    biomarkerId: m.biomarkerId,
    biomarkerVersion: 1,
    result: { kind: 'quantitative', originalValue: m.value, originalUnit: m.unit, value: m.value, unit: m.unit },
    studyInstanceUid: `1.2.826.0.1.77.${m.subjectId.replace(/\D/g, '')}.${m.date.replace(/-/g, '')}`,
    seriesInstanceUid: null,
    timePoint: m.timePoint,
    lesion: m.lesion ?? null,
    method: m.method,
    algorithmVersionId: m.algorithmVersionId ?? null,
    readerId: m.readerId ?? null,
    plausibilityOverrideReason: null,
    occurredAt: `${m.date}T10:00:00Z`,
  },
});

/** Subject i: the AI reads 40 + i, the reader 60 − i; which of the two ids sorts first alternates with i. */
const subjectId = (i: number) => `rt-s${i}`;
const aiId = (i: number) => (i % 2 === 0 ? `a-${i}` : `b-${i}`);
const humanId = (i: number) => (i % 2 === 0 ? `b-${i}` : `a-${i}`);

beforeAll(async () => {
  db = await createTestDatabase();
  registry = await startRegistry(
    loadConfig({ ...db.adminEnv, PORT: '0', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000', AUDIT_SEAL_INTERVAL_SECONDS: '0' }),
  );
  store = new PostgresEventStore({ connectionString: db.eventStoreUrl });
  await defineBiomarker(SMI, 'RT_SMI', 'cm2');
  for (let i = 1; i <= N; i++) {
    const s = subjectId(i);
    const base = { subjectId: s, biomarkerId: SMI, unit: 'cm2', timePoint: 'BASELINE', date: '2026-01-10' };
    await append(`subject-${s}`, [
      enrolled(s),
      measured({ ...base, measurementId: aiId(i), value: 40 + i, method: 'ai', algorithmVersionId: ALG }),
      measured({ ...base, measurementId: humanId(i), value: 60 - i, method: 'manual', readerId: READER }),
      {
        type: 'OutcomeRecorded',
        data: {
          subjectId: s,
          outcomeId: `o-${i}`,
          outcomeType: 'death',
          trialId: TRIAL,
          programmeId: null,
          timePoint: null,
          notes: null,
          occurredAt: '2026-06-01T00:00:00Z',
          source: 'investigator',
          recistResponse: null,
          stage: null,
        },
      },
    ]);
  }
  // A semi-automatic reading names the algorithm as the reader's tool: the reader's reading, not the algorithm's.
  await append(`subject-${subjectId(1)}`, [
    measured({
      subjectId: subjectId(1),
      measurementId: 'semi-1',
      biomarkerId: SMI,
      value: 50,
      unit: 'cm2',
      timePoint: 'W8',
      date: '2026-03-10',
      method: 'semi_automatic',
      algorithmVersionId: ALG,
      readerId: 'RT-READER-2',
    }),
  ]);
  await caughtUp();
});

afterAll(async () => {
  await store.close();
  await registry.stop();
  await db.drop();
});

const STUDY = `query($input: ValidationStudyInput!) { validationStudy(input: $input) {
  subjectCount rows { subjectId measurementId value reading { measurementId raterKind method readerId algorithmVersionId adjudication } } } }`;
const study = (indexTest: Record<string, unknown>, timePoint = 'BASELINE') => ({
  input: { biomarkerId: SMI, timePoint, indexTest, population: { trialIds: [TRIAL] }, endpoint: { kind: 'TIME_TO_EVENT', outcomeTypes: ['death'] } },
});
const rowsOf = (res: { data?: any }) => (res.data.validationStudy.rows as any[]).map((r) => [r.subjectId, r.measurementId, r.value, r.reading.raterKind]);
const each = <T>(f: (i: number) => T): T[] => Array.from({ length: N }, (_, k) => f(k + 1));

describe('validation study: the index test is the rater it names', () => {
  it('follows the algorithm version or the reader, whichever id sorts first, and says which reading it used', async () => {
    const ai = await gql(biostat, STUDY, study({ algorithmVersionId: ALG }));
    expect(ai.errors).toBeUndefined();
    expect(rowsOf(ai)).toEqual(each((i) => [subjectId(i), aiId(i), 40 + i, 'AI']));
    expect(ai.data.validationStudy.rows[0].reading).toEqual({
      measurementId: aiId(1),
      raterKind: 'AI',
      method: 'ai',
      readerId: null,
      algorithmVersionId: ALG,
      adjudication: null,
    });
    const human = await gql(biostat, STUDY, study({ readerId: READER }));
    expect(human.errors).toBeUndefined();
    expect(rowsOf(human)).toEqual(each((i) => [subjectId(i), humanId(i), 60 - i, 'READER']));
  });

  it('refuses an ambiguous selection with AMBIGUOUS_READING, and follows the adjudication once readings are accepted', async () => {
    const ambiguous = await gql(biostat, STUDY, study({ accepted: 'ACCEPTED_OR_ONLY' }));
    expect(ambiguous.data).toBeNull();
    expect(ambiguous.errors?.[0].extensions).toMatchObject({
      code: 'AMBIGUOUS_READING',
      field: 'indexTest',
      details: { measurementIds: [aiId(1), humanId(1)].sort() },
    });
    const none = await gql(biostat, STUDY, study({ accepted: 'ACCEPTED' }));
    expect(none.data.validationStudy.subjectCount).toBe(0);
    // The reader's reading is accepted for even subjects, the AI's for odd ones.
    for (let i = 1; i <= N; i++) {
      const [accepted, other] = i % 2 === 0 ? [humanId(i), aiId(i)] : [aiId(i), humanId(i)];
      await append(`subject-${subjectId(i)}`, [
        {
          type: 'MeasurementReadingAccepted',
          data: {
            subjectId: subjectId(i),
            measurementId: accepted,
            alternativeMeasurementIds: [other],
            adjudicatorId: 'adj-1',
            rationale: 'consensus',
            acceptedAt: '2026-02-01T00:00:00Z',
          },
        },
      ]);
    }
    await caughtUp();
    const expected = each((i) => (i % 2 === 0 ? [subjectId(i), humanId(i), 60 - i, 'READER'] : [subjectId(i), aiId(i), 40 + i, 'AI']));
    for (const policy of ['ACCEPTED', 'ACCEPTED_OR_ONLY']) {
      const res = await gql(biostat, STUDY, study({ accepted: policy }));
      expect(res.errors).toBeUndefined();
      expect(rowsOf(res)).toEqual(expected);
      expect(res.data.validationStudy.rows.every((r: any) => r.reading.adjudication === 'ACCEPTED')).toBe(true);
    }
    // A rater's own readings stay its own, accepted or not.
    expect(rowsOf(await gql(biostat, STUDY, study({ algorithmVersionId: ALG })))).toEqual(each((i) => [subjectId(i), aiId(i), 40 + i, 'AI']));
  });

  it('refuses a selection that names no or two raters, and an unknown time point, instead of an empty study', async () => {
    const two = await gql(biostat, STUDY, study({ algorithmVersionId: ALG, readerId: READER }));
    expect(two.errors?.[0].extensions).toMatchObject({ code: 'INVALID_READING_SELECTION', field: 'indexTest' });
    const zero = await gql(biostat, STUDY, study({}));
    expect(zero.errors?.[0].extensions).toMatchObject({ code: 'INVALID_READING_SELECTION', field: 'indexTest' });
    // The schema's old example: "baseline" for the schedule's BASELINE.
    const unknown = await gql(biostat, STUDY, study({ algorithmVersionId: ALG }, 'baseline'));
    expect(unknown.data).toBeNull();
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'UNKNOWN_TIME_POINT', field: 'timePoint' });
    expect(unknown.errors?.[0].extensions.details.knownTimePoints).toEqual(['BASELINE', 'W8']);
    // Out of scope stays FORBIDDEN: the time-point check runs after the access check and reveals nothing.
    const stranger = await gql({ sub: 'x', role: 'biostatistician', trials: ['OTHER'] }, STUDY, study({ algorithmVersionId: ALG }, 'baseline'));
    expect(stranger.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('agreement and surveillance', () => {
  const AGREEMENT = `query($input: AgreementInput!) { agreement(input: $input) { pairCount pairs { subjectId a b readingA { measurementId raterKind } readingB { measurementId raterKind } } } }`;
  const agreement = (raterA: Record<string, unknown>, raterB: Record<string, unknown>, timePoint: string | null = 'BASELINE') => ({
    input: { biomarkerId: SMI, timePoint, population: { trialIds: [TRIAL] }, raterA, raterB },
  });

  it('pairs the reader with the algorithm per study, with the readings used', async () => {
    const res = await gql(biostat, AGREEMENT, agreement({ readerId: READER }, { algorithmVersionId: ALG }));
    expect(res.errors).toBeUndefined();
    const pairs = [...res.data.agreement.pairs].sort((x: any, y: any) => x.subjectId.localeCompare(y.subjectId));
    expect(pairs.map((p: any) => [p.subjectId, p.a, p.b, p.readingA.measurementId, p.readingB.measurementId])).toEqual(
      each((i) => [subjectId(i), 60 - i, 40 + i, humanId(i), aiId(i)]),
    );
  });

  it('refuses a side that would compare a reading with itself, and an unknown time point', async () => {
    // After adjudication the accepted reading of odd subjects is the AI's own.
    const same = await gql(biostat, AGREEMENT, agreement({ accepted: 'ACCEPTED' }, { algorithmVersionId: ALG }));
    expect(same.errors?.[0].extensions).toMatchObject({ code: 'SAME_READING_ON_BOTH_SIDES', field: 'raterB' });
    const unknown = await gql(biostat, AGREEMENT, agreement({ readerId: READER }, { algorithmVersionId: ALG }, 'Baseline'));
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'UNKNOWN_TIME_POINT', field: 'timePoint' });
  });

  it('surveillance counts the version’s own AI outputs only, not a semi-automatic reading that names it', async () => {
    const res = await gql(
      { sub: 'reg', role: 'regulator' },
      `query($input: SurveillanceInput!) { algorithmSurveillance(input: $input) { total { aiMeasurements } } }`,
      { input: { algorithmVersionId: ALG } },
    );
    expect(res.data.algorithmSurveillance.total.aiMeasurements).toBe(N);
  });
});

describe('RECIST reads LDIAM/LPERP in mm only', () => {
  const RECIST = `query($id: ID!, $reading: ReadingSelectionInput!) { recist(subjectId: $id, reading: $reading) {
    lesions { id role nodal } timePoints { visit sumOfDiameters targetResponse overallResponse }
    readings { visit lesionId testCode valueMm reading { measurementId raterKind } } tr { TRTESTCD TRSTRESN TRSTAT VISIT } } }`;

  it('a 20 mm longest diameter beside a 4000 mm³ AI volume is a 20 mm target; a time point with only a volume is NE', async () => {
    await defineBiomarker('rt-ldiam', 'LDIAM', 'mm');
    await defineBiomarker('rt-vol', 'RT_LESION_VOL', 'mm3');
    const s = 'rt-recist-1';
    const lesion = { trackingUid: '1.2.826.0.1.77.9.1', label: 'Liver 1', findingSite: 'liver', role: 'target' };
    const diameter = (id: string, tp: string, date: string, mm: number) =>
      measured({
        subjectId: s,
        measurementId: id,
        biomarkerId: 'rt-ldiam',
        value: mm,
        unit: 'mm',
        timePoint: tp,
        date,
        method: 'manual',
        readerId: READER,
        lesion,
      });
    const volume = (id: string, tp: string, date: string, mm3: number) =>
      measured({
        subjectId: s,
        measurementId: id,
        biomarkerId: 'rt-vol',
        value: mm3,
        unit: 'mm3',
        timePoint: tp,
        date,
        method: 'ai',
        algorithmVersionId: ALG,
        lesion,
      });
    await append(`subject-${s}`, [
      enrolled(s),
      diameter('ld-bl', 'BASELINE', '2026-01-10', 20),
      volume('vol-bl', 'BASELINE', '2026-01-10', 4000),
      diameter('ld-w8', 'W8', '2026-03-10', 12),
      volume('vol-w8', 'W8', '2026-03-10', 900),
      volume('vol-w16', 'W16', '2026-05-10', 5000),
    ]);
    await caughtUp();
    const coordinator = { sub: 'rt-coord', role: 'coordinator', trials: [TRIAL], sites: [SITE] };
    const res = await gql(coordinator, RECIST, { id: s, reading: { accepted: 'ACCEPTED_OR_ONLY' } });
    expect(res.errors).toBeUndefined();
    const r = res.data.recist;
    expect(r.lesions).toEqual([{ id: lesion.trackingUid, role: 'TARGET', nodal: false }]);
    expect(r.timePoints.map((t: any) => [t.visit, t.sumOfDiameters, t.targetResponse, t.overallResponse])).toEqual([
      ['BASELINE', 20, null, null],
      ['W8', 12, 'PR', 'PR'],
      ['W16', null, 'NE', 'NE'],
    ]);
    expect(r.readings.map((x: any) => [x.visit, x.testCode, x.valueMm, x.reading.measurementId])).toEqual([
      ['BASELINE', 'LDIAM', 20, 'ld-bl'],
      ['W8', 'LDIAM', 12, 'ld-w8'],
    ]);
    expect(r.tr.filter((x: any) => x.TRTESTCD === 'LDIAM').map((x: any) => [x.VISIT, x.TRSTRESN, x.TRSTAT])).toEqual([
      ['BASELINE', 20, null],
      ['W8', 12, null],
      ['W16', null, 'NOT DONE'],
    ]);
    // The algorithm measured no diameter: under its selection the baseline target cannot be assessed.
    const ai = await gql(coordinator, RECIST, { id: s, reading: { algorithmVersionId: ALG } });
    expect(ai.errors?.[0].extensions.code).toBe('BASELINE_INCOMPLETE');
    const bad = await gql(coordinator, RECIST, { id: s, reading: {} });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'INVALID_READING_SELECTION', field: 'reading' });
  });
});
