import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DOMParser } from '@xmldom/xmldom';
import pg from 'pg';
import { coxRegression, roc, wilsonInterval } from '#biostat';
import { PostgresEventStore } from '#event-store';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { loadConfig } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { fillAnalytics, type FillIds } from '../bench/analytics/analytics-fill.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

// Issue 6 over HTTP: statistics, alarms as events, plots and access rules against a booted registry. The analysis
// tables are filled with SQL (test/bench/analytics/analytics-fill.ts, seeded): the write side has its own e2e tests.

type Claims = { sub: string; role: string; trials?: string[]; programmes?: string[]; sites?: string[] };
const tokens = new Map<string, string>();
async function token(claims: Claims): Promise<string> {
  const key = JSON.stringify(claims);
  if (!tokens.has(key)) tokens.set(key, await issueLocalToken(loadConfig({}), claims as never));
  return tokens.get(key)!;
}

let registry: RunningRegistry;
let db: TestDatabase;
let ids: FillIds;
let sql: pg.Client;

async function gql(claims: Claims, query: string, variables?: Record<string, unknown>) {
  return postGraphql(registry.url, await token(claims), query, variables);
}

async function plot(path: string, claims: Claims | null): Promise<Response> {
  const headers: Record<string, string> = claims ? { authorization: `Bearer ${await token(claims)}` } : {};
  return fetch(new URL(path, registry.url), { headers });
}

const SUBJECTS = 400;
const READINGS = 8000;

beforeAll(async () => {
  db = await createTestDatabase();
  registry = await startRegistry(loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent' }));
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  // Each projection truncates its tables when it first starts (no checkpoint yet): write the fixture after that.
  for (let i = 0; i < 400; i++) {
    const status = await gql({ sub: 'admin', role: 'admin' }, `{ registryStatus { projections { name } } }`);
    const names: string[] = (status.data?.registryStatus.projections ?? []).map((p: any) => p.name);
    const { rows } = await sql.query(`SELECT count(DISTINCT name)::int AS n FROM read_model.projection_checkpoints WHERE name = ANY($1)`, [names]);
    if (names.includes('subjects') && rows[0].n === names.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  ids = await fillAnalytics((text, params) => sql.query(text, params as unknown[]), {
    prefix: 'E2E',
    subjects: SUBJECTS,
    readings: READINGS,
    invitations: true,
  });
});

afterAll(async () => {
  await sql.end();
  await registry.stop();
  await db.drop();
});

const STUDY = `query($input: ValidationStudyInput!) { validationStudy(input: $input) {
  computedAtPosition subjectCount includedCount fetchMs plotUrl kaplanMeierPlotUrl
  rows { subjectId value time event label included reading { measurementId raterKind algorithmVersionId readerId } }
  roc { auc lower upper nPositive nNegative curve { threshold sensitivity specificity } }
  performance { threshold thresholdSource truePositive falseNegative sensitivity { x n estimate lower upper } specificity { estimate } }
  kaplanMeier { strata { label n events median } logRank { chisq df p } }
  cox { n events sd perUnit { hr lower upper } perSd { hr lower upper p } concordance }
} }`;

describe('validation study', () => {
  const biostat = (): Claims => ({ sub: 'stat-1', role: 'biostatistician', trials: [ids.trialId] });
  const input = () => ({
    biomarkerId: ids.biomarkerId,
    timePoint: 'baseline',
    // Every subject has an AI (v2) reading, odd subjects also a reader's (analytics-fill.ts): the AI's is the index test.
    indexTest: { algorithmVersionId: ids.algorithmV2 },
    population: { trialIds: [ids.trialId] },
    endpoint: { kind: 'TIME_TO_EVENT', outcomeTypes: ['death'], horizonDays: 365 },
    higherIsPositive: false,
    strata: { quantiles: 2 },
  });

  it('returns one row per subject and statistics that equal #biostat on those rows', async () => {
    const res = await gql(biostat(), STUDY, { input: input() });
    expect(res.errors).toBeUndefined();
    expect(res.text).not.toMatch(/NaN|Infinity/);
    const s = res.data.validationStudy;
    expect(s.subjectCount).toBe(SUBJECTS);
    expect(s.rows).toHaveLength(SUBJECTS);
    expect(
      s.rows.every((r: any) => r.reading.raterKind === 'AI' && r.reading.algorithmVersionId === ids.algorithmV2 && r.reading.measurementId.startsWith('E2E-M')),
    ).toBe(true);
    const fit = coxRegression({
      time: s.rows.map((r: any) => r.time),
      event: s.rows.map((r: any) => r.event),
      covariates: { v: s.rows.map((r: any) => r.value) },
    });
    expect(s.cox.perUnit.hr).toBeCloseTo(fit.terms[0]!.hr, 10);
    expect(s.cox.events).toBe(s.rows.filter((r: any) => r.event === 1).length);
    // The generator's hazard falls with the biomarker (true HR per SD e^−0.5 ≈ 0.61).
    expect(s.cox.perSd.hr).toBeLessThan(1);
    expect(s.cox.perSd.upper).toBeLessThan(1);
    expect(s.cox.concordance).toBeGreaterThan(0.5);
    const labelled = s.rows.filter((r: any) => r.label !== null);
    const r = roc({ score: labelled.map((x: any) => x.value), label: labelled.map((x: any) => x.label) }, { higherIsPositive: false });
    expect(s.roc.auc).toBeCloseTo(r.auc, 12);
    expect(s.roc.curve[0].threshold).toBeNull();
    expect(s.performance.thresholdSource).toBe('YOUDEN');
    const sens = s.performance.sensitivity;
    expect([sens.lower, sens.upper]).toEqual([wilsonInterval(sens.x, sens.n).lower, wilsonInterval(sens.x, sens.n).upper]);
    expect(s.kaplanMeier.strata.map((x: any) => x.n).reduce((a: number, b: number) => a + b, 0)).toBe(SUBJECTS);
    expect(s.kaplanMeier.logRank.df).toBe(1);
    expect(s.plotUrl).toMatch(/^\/plots\/roc\?q=/);
  });

  it('a statistic that cannot be computed is null with its biostat code and field; the rest still resolves', async () => {
    const res = await gql(biostat(), STUDY, { input: { ...input(), endpoint: { kind: 'TIME_TO_EVENT', outcomeTypes: ['recurrence'], horizonDays: 365 } } });
    expect(res.text).not.toMatch(/NaN/);
    const s = res.data.validationStudy;
    expect(s.subjectCount).toBe(SUBJECTS);
    expect(s.cox).toBeNull();
    expect(s.roc).toBeNull();
    const fields = res.errors!.map((e) => e.extensions.field);
    expect(fields).toEqual(expect.arrayContaining(['cox', 'roc']));
    for (const e of res.errors!) expect(e.extensions.code).toMatch(/^(INSUFFICIENT_DATA|NO_VARIATION|NOT_CONVERGED|INVALID_ARGUMENT)$/);
  });

  it('refuses a trial outside the grants, and screening managers, with FORBIDDEN', async () => {
    const other = await gql({ sub: 'stat-2', role: 'biostatistician', trials: ['OTHER'] }, STUDY, { input: input() });
    expect(other.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(other.data).toBeNull();
    const manager = await gql({ sub: 'm', role: 'screening_manager', programmes: ['*'] }, STUDY, { input: input() });
    expect(manager.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('serves the ROC and KM plots as SVG to the same actor only', async () => {
    const res = await gql(biostat(), `query($input: ValidationStudyInput!) { validationStudy(input: $input) { plotUrl kaplanMeierPlotUrl } }`, {
      input: input(),
    });
    for (const url of [res.data.validationStudy.plotUrl, res.data.validationStudy.kaplanMeierPlotUrl]) {
      const ok = await plot(url, biostat());
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      const doc = new DOMParser().parseFromString(await ok.text(), 'image/svg+xml');
      expect(doc.documentElement?.nodeName).toBe('svg');
      expect((await plot(url, null)).status).toBe(401);
      expect((await plot(url, { sub: 'stat-2', role: 'biostatistician', trials: ['OTHER'] })).status).toBe(403);
    }
    expect((await plot('/plots/roc?q=not-json', biostat())).status).toBe(400);
  });
});

const SURVEILLANCE = `query($input: SurveillanceInput!) { algorithmSurveillance(input: $input) {
  algorithmVersionId plotUrl
  total { readings aiPositive cancers aiPositiveRate { x n estimate lower upper } sensitivity { estimate } specificity { estimate } readerAgreementRate { estimate } correctionRate { x n } }
  cells { siteId month readings }
  monthly { month readings }
  cusum { siteId expectedRate months alarms { alarmId siteId month direction } plotUrl }
  comparison { predecessorVersionId predecessor { readings } aiPositiveRate { estimate lower upper } }
} }`;

describe('post-market surveillance', () => {
  const manager = (): Claims => ({ sub: 'manager-1', role: 'screening_manager', programmes: [ids.programmeId] });
  const input = () => ({ algorithmVersionId: ids.algorithmV2, cusum: { k: 0.5, h: 4 }, compareWithPredecessor: true });

  it('counts readings per site and month as the read model holds them, with Wilson CIs and the predecessor comparison', async () => {
    const res = await gql(manager(), SURVEILLANCE, { input: input() });
    expect(res.errors).toBeUndefined();
    expect(res.text).not.toMatch(/NaN/);
    const s = res.data.algorithmSurveillance;
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE ai_positive)::int AS pos FROM read_model.screenings WHERE ai_algorithm_version_id = $1`,
      [ids.algorithmV2],
    );
    expect(s.total.readings).toBe(rows[0].n);
    expect(s.total.aiPositiveRate).toMatchObject({ x: rows[0].pos, n: rows[0].n, lower: wilsonInterval(rows[0].pos, rows[0].n).lower });
    expect(s.cells.reduce((a: number, c: any) => a + c.readings, 0)).toBe(rows[0].n);
    expect(s.monthly).toHaveLength(24);
    // AI measurements of trial subjects: a screening manager does not see them, a regulator does.
    expect(s.total.correctionRate).toBeNull();
    const reg = (await gql({ sub: 'reg', role: 'regulator' }, SURVEILLANCE, { input: input() })).data.algorithmSurveillance;
    // Only the version's own AI outputs: every subject's one, none of the readers' readings of the same scans.
    expect(reg.total.correctionRate).toMatchObject({ n: SUBJECTS, x: Math.floor(SUBJECTS / 14) });
    expect(s.comparison.predecessorVersionId).toBe(ids.algorithmV1);
    expect(s.comparison.predecessor.readings).toBeGreaterThan(0);
  });

  it('CUSUM finds the drift the generator put at SITE-3 from month 18', async () => {
    const s = (await gql(manager(), SURVEILLANCE, { input: input() })).data.algorithmSurveillance;
    const site3 = s.cusum.find((c: any) => c && c.siteId === 'SITE-3');
    const up = site3.alarms.filter((a: any) => a.direction === 'INCREASE');
    expect(up.length).toBeGreaterThan(0);
    expect(up[0].month >= '2025-07').toBe(true);
    const svg = await plot(site3.plotUrl, manager());
    expect(svg.status).toBe(200);
    expect(await svg.text()).toContain('class="alarm"');
  });

  it('raises alarms as audited events once, lists them, and refuses readers of other programmes', async () => {
    const RAISE = `mutation($c: ID!, $input: SurveillanceInput!) { raiseSurveillanceAlarms(commandId: $c, input: $input) { streamId raisedCount replayed alarms { alarmId } } }`;
    const first = await gql(manager(), RAISE, { c: randomUUID(), input: input() });
    expect(first.errors).toBeUndefined();
    const raised = first.data.raiseSurveillanceAlarms;
    expect(raised.streamId).toBe(`surveillance-${ids.algorithmV2}`);
    expect(raised.raisedCount).toBe(raised.alarms.length);
    expect(raised.raisedCount).toBeGreaterThan(0);
    const again = await gql(manager(), RAISE, { c: randomUUID(), input: input() });
    expect(again.data.raiseSurveillanceAlarms.raisedCount).toBe(0);
    const listed = await gql(manager(), `query($id: ID!) { surveillanceAlarms(algorithmVersionId: $id) { alarmId raisedBy raisedAt globalPosition k h } }`, {
      id: ids.algorithmV2,
    });
    expect(listed.data.surveillanceAlarms.map((a: any) => a.alarmId)).toEqual(raised.alarms.map((a: any) => a.alarmId));
    expect(listed.data.surveillanceAlarms[0]).toMatchObject({ raisedBy: 'manager-1', k: 0.5, h: 4 });
    const events = await new PostgresEventStore({ connectionString: db.eventStoreUrl }).readStream(`surveillance-${ids.algorithmV2}`);
    expect(events.map((e) => e.type)).toEqual(raised.alarms.map(() => 'SurveillanceAlarmRaised'));
    expect(events[0]!.metadata).toMatchObject({ actorId: 'manager-1', actorRole: 'screening_manager' });
    const stranger = await gql({ sub: 'm2', role: 'screening_manager', programmes: ['OTHER'] }, SURVEILLANCE, {
      input: { ...input(), programmeIds: [ids.programmeId] },
    });
    expect(stranger.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const biostat = await gql({ sub: 's', role: 'biostatistician', programmes: [ids.programmeId] }, RAISE, { c: randomUUID(), input: input() });
    expect(biostat.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('drift of the quantitative output against the human reference per stratum, over GraphQL and as the report page', async () => {
    const DRIFT = `query($input: SurveillanceInput!) { algorithmSurveillance(input: $input) { snapshotId asOf computedAtPosition
      drift { biomarkerId reference pairCount settings { scale k h lambda L expectedBias expectedSd inControlSource cusumArlInControl cusumArlAtShift }
        overall { dimension value pairCount agreement { n bias lower upper biasCi { lower upper } } monthly { month n } chart { differences cusumUpper ewma } }
        strata { dimension value pairCount alarms { alarmId } } alarms { alarmId } } } }`;
    const regulator: Claims = { sub: 'reg', role: 'regulator' };
    const input = { algorithmVersionId: ids.algorithmV2, drift: { biomarkerId: ids.biomarkerId, scale: 'ABSOLUTE', strata: ['SITE', 'SCANNER_MODEL', 'SEX'] } };
    const res = await gql(regulator, DRIFT, { input });
    const d = res.data.algorithmSurveillance.drift;
    // Every odd subject's baseline scan has a reader's reading beside the AI's: those are the pairs.
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n, avg(a.value - h.value) AS bias FROM read_model.measurements a JOIN read_model.measurements h USING (study_instance_uid)
        WHERE a.method = 'ai' AND a.algorithm_version_id = $1 AND h.method = 'manual' AND a.biomarker_id = $2 AND h.biomarker_id = $2`,
      [ids.algorithmV2, ids.biomarkerId],
    );
    expect(d.pairCount).toBe(rows[0].n);
    expect(d.overall.agreement.bias).toBeCloseTo(Number(rows[0].bias), 9);
    expect(d.settings).toMatchObject({ scale: 'ABSOLUTE', k: 0.5, h: 4, lambda: 0.2, L: 3, inControlSource: 'BASELINE_CASES' });
    expect(d.overall.chart.differences).toHaveLength(rows[0].n);
    expect(d.strata.filter((s: any) => s?.dimension === 'SITE').map((s: any) => s.value)).toEqual(['SITE-0', 'SITE-1', 'SITE-2', 'SITE-3', 'SITE-4']);
    // No imaging study rows in this fixture: one "unknown" scanner stratum. No sealed personal data: the sex stratum
    // is withheld (COHORT_TOO_SMALL), the rest of the result still resolves.
    expect(d.strata.find((s: any) => s?.dimension === 'SCANNER_MODEL')).toMatchObject({ value: 'unknown', pairCount: rows[0].n });
    const withheld = (res.errors ?? []).filter((e: any) => e.extensions.code === 'COHORT_TOO_SMALL');
    expect(withheld.length).toBe(1);
    expect(withheld[0].extensions.field).toBe('drift.strata');
    expect(res.text).not.toMatch(/NaN/);
    const bad = await gql(regulator, DRIFT, { input: { ...input, drift: { ...input.drift, lambda: 2 } } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'drift.lambda' });

    const REPORT = `query($id: ID!) { surveillanceReport(algorithmVersionId: $id, from: "2024-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z") {
      use { screeningReadings aiMeasurements sites } total { readings } perSite { siteId readings } drift { biomarkerId pairCount } alarms { alarmId } actions htmlUrl } }`;
    const report = await gql(regulator, REPORT, { id: ids.algorithmV2 });
    expect(report.errors).toBeUndefined();
    const r = report.data.surveillanceReport;
    expect(r.use.screeningReadings).toBe(r.total.readings);
    expect(r.perSite.reduce((n: number, c: any) => n + c.readings, 0)).toBe(r.total.readings);
    expect(r.drift).toEqual([{ biomarkerId: ids.biomarkerId, pairCount: rows[0].n }]);
    expect(r.actions).toMatch(/^None recorded/);
    const page = await plot(r.htmlUrl, regulator);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<svg');
    expect(html).toContain('Post-market surveillance report');
    // Drift alarms raised by the mutation are listed (audited), once.
    const RAISE = `mutation($c: ID!, $input: SurveillanceInput!) { raiseSurveillanceAlarms(commandId: $c, input: $input) { raisedCount driftAlarms { alarmId } } }`;
    const raise = { algorithmVersionId: ids.algorithmV2, drift: { biomarkerId: ids.biomarkerId, scale: 'ABSOLUTE', strata: ['SITE'] } };
    const raised = (await gql({ sub: 'manager-1', role: 'admin' }, RAISE, { c: randomUUID(), input: raise })).data.raiseSurveillanceAlarms;
    const listed = await gql(regulator, `query($id: ID!) { surveillanceDriftAlarms(algorithmVersionId: $id) { alarm { alarmId } raisedBy } }`, {
      id: ids.algorithmV2,
    });
    expect(listed.data.surveillanceDriftAlarms.map((a: any) => a.alarm.alarmId)).toEqual(raised.driftAlarms.map((a: any) => a.alarmId));
    expect((await plot(r.htmlUrl, null)).status).toBe(401);
    expect((await plot(r.htmlUrl, { sub: 'c', role: 'coordinator', trials: ['x'], sites: ['y'] })).status).toBe(403);
    expect((await plot(`/plots/surveillance-report?algorithmVersionId=${ids.algorithmV2}&from=2025-01-01`, regulator)).status).toBe(400);
  });
});

describe('screening KPIs', () => {
  const manager = (): Claims => ({ sub: 'manager-1', role: 'screening_manager', programmes: [ids.programmeId] });
  const KPIS = `query($input: ScreeningKpiInput!) { screeningKpis(input: $input) { programmeName plotUrl
    groups { roundType roundId roundNumber siteId counts { invited screened recalled screenDetected interval0to11 interval12to23 }
             kpis { kpi numerator denominator estimate lower upper scale acceptable desirable flag note } } } }`;

  it('per round, round type and site, each KPI with its Wilson CI and a flag against the programme targets', async () => {
    const res = await gql(manager(), KPIS, { input: { programmeId: ids.programmeId, bySite: true } });
    expect(res.errors).toBeUndefined();
    expect(res.text).not.toMatch(/NaN/);
    const groups = res.data.screeningKpis.groups;
    const all = groups.find((g: any) => g.roundType === 'ALL' && g.siteId === null);
    const { rows } = await sql.query(
      `SELECT count(*)::int AS screened, count(*) FILTER (WHERE recalled_at IS NOT NULL)::int AS recalled, count(*) FILTER (WHERE assessment_outcome = 'cancer')::int AS detected
         FROM read_model.screenings WHERE programme_id = $1`,
      [ids.programmeId],
    );
    expect(all.counts).toMatchObject({ invited: READINGS * 1.25, screened: rows[0].screened, recalled: rows[0].recalled, screenDetected: rows[0].detected });
    const kpi = (g: any, name: string) => g.kpis.find((k: any) => k.kpi === name);
    expect(kpi(all, 'PARTICIPATION_RATE')).toMatchObject({ estimate: 0.8, flag: 'DESIRABLE', acceptable: 0.7, desirable: 0.75 });
    const cdr = kpi(all, 'CANCER_DETECTION_RATE');
    expect(cdr.scale).toBe(1000);
    expect(cdr.estimate).toBeCloseTo((1000 * rows[0].detected) / rows[0].screened, 10);
    expect(cdr.upper).toBeCloseTo(1000 * wilsonInterval(rows[0].detected, rows[0].screened).upper, 10);
    const ic = await sql.query(`SELECT count(*)::int AS n FROM read_model.subject_milestones WHERE kind = 'interval_cancer'`);
    expect(all.counts.interval0to11 + all.counts.interval12to23).toBeLessThanOrEqual(ic.rows[0].n);
    expect(kpi(all, 'PROGRAMME_SENSITIVITY').denominator).toBe(all.counts.screenDetected + all.counts.interval0to11 + all.counts.interval12to23);
    // First-round recall is judged against the first-round target, later rounds against the stricter one.
    const first = groups.find((g: any) => g.roundType === 'FIRST' && g.roundId === null && g.siteId === null);
    const later = groups.find((g: any) => g.roundType === 'SUBSEQUENT' && g.roundId === null && g.siteId === null);
    expect(kpi(first, 'RECALL_RATE')).toMatchObject({ acceptable: 0.07, desirable: 0.05 });
    expect(kpi(later, 'RECALL_RATE')).toMatchObject({ acceptable: 0.05, desirable: 0.03 });
    // Sites have no invitations: participation is reported as missing, not guessed.
    const site = groups.find((g: any) => g.siteId === 'SITE-1' && g.roundType === 'ALL');
    expect(kpi(site, 'PARTICIPATION_RATE')).toMatchObject({ estimate: null, flag: 'NO_DATA' });
    const trend = await plot(`${res.data.screeningKpis.plotUrl}&kpi=RECALL_RATE`, manager());
    expect(trend.status).toBe(200);
    expect((await plot(res.data.screeningKpis.plotUrl, { sub: 'm2', role: 'screening_manager', programmes: ['OTHER'] })).status).toBe(403);
    const denied = await gql({ sub: 'm2', role: 'screening_manager', programmes: ['OTHER'] }, KPIS, { input: { programmeId: ids.programmeId } });
    expect(denied.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('RECIST over GraphQL', () => {
  const RECIST = `query($id: ID!) { recist(subjectId: $id, studyId: "STUDY-1", reading: { readerId: "r1" }) { bestOverallResponse lesions { id role nodal }
    timePoints { visit sumOfDiameters nadir changeFromBaselinePct targetResponse nonTargetResponse newLesion overallResponse }
    tr { TRTESTCD TRSTRESN VISIT } rs { RSTESTCD RSORRES VISIT } } }`;

  it('assesses a subject from its own stream, for the coordinator of its trial and site only', async () => {
    const subjectId = randomUUID();
    const store = new PostgresEventStore({ connectionString: db.eventStoreUrl });
    const m = (tp: string, date: string, uid: string, role: string, value: number, site = 'liver') => ({
      id: randomUUID(),
      type: 'MeasurementRecorded',
      data: {
        subjectId,
        measurementId: randomUUID(),
        trialId: 'RT-1',
        programmeId: null,
        biomarkerId: 'ldiam',
        biomarkerVersion: 1,
        result: { kind: 'quantitative', originalValue: value, originalUnit: 'mm', value, unit: 'mm' },
        studyInstanceUid: `1.2.3.${date.replace(/-/g, '')}`,
        seriesInstanceUid: null,
        timePoint: tp,
        lesion: { trackingUid: uid, label: uid, findingSite: site, role },
        method: 'manual',
        algorithmVersionId: null,
        readerId: 'r1',
        plausibilityOverrideReason: null,
        occurredAt: `${date}T10:00:00Z`,
      },
    });
    // RECIST reads a lesion measurement by its biomarker's code (LDIAM: longest diameter).
    await store.appendToStream(
      'biomarker-ldiam',
      [
        {
          id: randomUUID(),
          type: 'BiomarkerDefined',
          data: {
            biomarkerId: 'ldiam',
            code: 'LDIAM',
            version: 1,
            name: 'Longest diameter',
            description: null,
            modality: 'CT',
            bodySite: null,
            valueType: { kind: 'quantitative', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
            repeatabilityWcv: null,
            definedAt: '2026-01-01T00:00:00Z',
          },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    await store.appendToStream(
      `subject-${subjectId}`,
      [
        {
          id: randomUUID(),
          type: 'SubjectEnrolled',
          data: {
            subjectId,
            trialId: 'RT-1',
            pseudonym: 'P-1',
            siteId: 'RS-1',
            consentVersion: 'v1',
            consentDate: '2026-01-01',
            occurredAt: '2026-01-02T00:00:00Z',
          },
        },
        m('baseline', '2026-01-10', 'L1', 'target', 50),
        m('baseline', '2026-01-10', 'L2', 'target', 30, 'lung'),
        m('week8', '2026-03-10', 'L1', 'target', 30),
        m('week8', '2026-03-10', 'L2', 'target', 20, 'lung'),
        // 54 mm: still −32.5 % from baseline (PR) and only +4 mm / +8 % over the 50 mm nadir; the new lesion makes it PD.
        m('week16', '2026-05-10', 'L1', 'target', 32),
        m('week16', '2026-05-10', 'L2', 'target', 22, 'lung'),
        m('week16', '2026-05-10', 'NEW1', 'new', 12, 'bone'),
      ],
      { expectedRevision: 'no_stream' },
    );
    await store.close();
    const coordinator = { sub: 'coord', role: 'coordinator', trials: ['RT-1'], sites: ['RS-1'] };
    const res = await gql(coordinator, RECIST, { id: subjectId });
    expect(res.errors).toBeUndefined();
    const r = res.data.recist;
    expect(r.timePoints.map((t: any) => [t.visit, t.sumOfDiameters, t.targetResponse, t.overallResponse])).toEqual([
      ['baseline', 80, null, null],
      ['week8', 50, 'PR', 'PR'],
      ['week16', 54, 'PR', 'PD'],
    ]);
    expect(r.timePoints[2]).toMatchObject({ nadir: 50, newLesion: true });
    expect(r.bestOverallResponse).toBe('PR');
    expect(r.tr.filter((x: any) => x.TRTESTCD === 'SUMDIAM').map((x: any) => x.TRSTRESN)).toEqual([80, 50, 54]);
    expect(r.rs.find((x: any) => x.RSTESTCD === 'OVRLRESP' && x.VISIT === 'week16').RSORRES).toBe('PD');
    const otherSite = await gql({ sub: 'c2', role: 'coordinator', trials: ['RT-1'], sites: ['ELSEWHERE'] }, RECIST, { id: subjectId });
    expect(otherSite.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const missing = await gql(coordinator, RECIST, { id: randomUUID() });
    expect(missing.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await gql({ sub: 'reg', role: 'regulator' }, RECIST, { id: randomUUID() })).data.recist).toBeNull();
  });
});
