import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '#event-store';
import { useTestDataSource } from '../../../../test/support/test-data-source.js';
import type { VerifiedActor } from '../auth/actor.js';
import { CommandRunner } from '../commands/command-runner.js';
import type { SnapshotQueries } from '../snapshots/snapshots.queries.js';
import { surveillanceReportPage } from '../plots/surveillance-report.page.js';
import { driftResult, type DriftResult } from './surveillance-drift.dataset.js';
import { NO_ACTIONS_RECORDED, SurveillanceReportService } from './surveillance-report.service.js';
import { SCHEDULE_ACTOR_ID, SurveillanceScheduleService } from './surveillance-schedule.service.js';
import { surveillanceStreamId } from './surveillance.decider.js';
import { SurveillanceService } from './surveillance.service.js';

// Issue 19's drift scenario on real PostgreSQL (read-model rows written directly, lean): two sites read by one AI
// version, a human reference on every study; from its 31st case, site A's studies come from a new scanner on which
// the AI reads 10 % high. The stratified CUSUM must alarm at site A within the stated number of cases, and nowhere
// the scanner did not change.

const T = 'drift-trial';
const ALG = 'drift-alg-1';
const BM = 'drift-volume';
const CASES = 60;
const CHANGE = 30; // 0-based: site A's case 31 onwards is on the new scanner
const NOW = new Date('2025-09-01T00:00:00Z');

const regulator: VerifiedActor = {
  id: 'reg-1',
  role: 'regulator',
  scopes: { trials: [], programmes: [], sites: [] },
  issuer: 'test',
  unauthenticated: false,
};

/** Deterministic multiplicative noise, uniform with SD ≈ 2 % (no RNG: the test is the same on every run). */
const noise = (i: number, salt: number) => (((i * 7919 + salt * 104729) % 101) / 101 - 0.5) * 0.02 * Math.sqrt(12);

interface Study {
  site: string;
  i: number;
  uid: string;
  subject: string;
  at: Date;
  reference: number;
  ai: number;
  changed: boolean;
}

function studies(): Study[] {
  const out: Study[] = [];
  for (const [s, site] of ['SITE-A', 'SITE-B'].entries()) {
    for (let i = 0; i < CASES; i++) {
      const changed = site === 'SITE-A' && i >= CHANGE;
      const reference = 40 + (i % 7) * 3;
      out.push({
        site,
        i,
        uid: `1.2.826.0.1.77.${s}.${i}`,
        subject: `drift-${site}-${i}`,
        // Every third day from January; site B an hour later, so the cases interleave in time.
        at: new Date(Date.UTC(2025, 0, 1 + 3 * i, 9 + s)),
        reference,
        ai: reference * (changed ? 1.1 : 1) * (1 + noise(i, s + 1)),
        changed,
      });
    }
  }
  return out;
}

describe('drift surveillance by stratum', () => {
  const database = useTestDataSource();
  let store: PostgresEventStore;
  let service: SurveillanceService;
  const snapshotStub = {
    // The snapshot's kept rows are real rows in read_model.analysis_snapshot_rows (written below); only the lookup of
    // its freeze event (and re-materialisation from the log, which these directly written rows have no events for) is stood in for.
    get: async (_actor: unknown, id: string) => ({ id, scope: { kind: 'trial', trialId: T }, manifest: { position: '4242' } }),
    ensureRows: async () => undefined,
  } as unknown as SnapshotQueries;
  const data = studies();

  beforeAll(async () => {
    store = new PostgresEventStore({ connectionString: database.db.eventStoreUrl, poolSize: 4, pollIntervalMs: 50 });
    service = new SurveillanceService(database.ds, new CommandRunner(store, () => NOW), store, snapshotStub);
    const q = (sql: string, params: unknown[]) => database.ds.query(sql, params);
    await q(
      `INSERT INTO read_model.algorithm_versions (algorithm_version_id, manufacturer, name, version, intended_use, regulatory, biomarker_ids, predecessor_id, lineage, status, registered_at, position, last_revision, updated_at)
       VALUES ($1, 'Acme', 'VolumeAI', '1.0', 'lesion volumetry', '{"status":"ce_marked"}', ARRAY[$2], NULL, ARRAY[$1], 'active', '2024-12-01', 1, 0, now())`,
      [ALG, BM],
    );
    const rows = JSON.stringify(
      data.map((d, n) => ({
        n,
        uid: d.uid,
        subject: d.subject,
        site: d.site,
        at: d.at.toISOString(),
        reference: d.reference,
        ai: d.ai,
        manufacturer: d.changed ? 'Vendor' : 'Acme',
        model: d.changed ? 'CT2' : 'CT1',
        kernel: d.changed ? 'B70f' : 'B30f',
        slice: d.changed ? 0.625 : 2,
      })),
    );
    const src = `jsonb_to_recordset($1::jsonb) AS r(n int, uid text, subject text, site text, at timestamptz, reference float8, ai float8, manufacturer text, model text, kernel text, slice float8)`;
    await q(
      `INSERT INTO read_model.subjects (subject_id, kind, trial_id, programme_id, pseudonym, site_id, arm_code, status, enrolled_at, position, last_revision, updated_at)
       SELECT subject, 'trial', $2, NULL, 'PSN-' || n, site, 'A', 'enrolled', at, 100 + n, 0, now() FROM ${src}`,
      [rows, T],
    );
    await q(
      `INSERT INTO read_model.imaging_studies (study_instance_uid, subject_id, modality, occurred_at, site_id, scanner_manufacturer, scanner_model, slice_thickness_mm, kvp, contrast,
              position, recorded_at, reconstruction_kernel, contrast_phase)
       SELECT uid, subject, 'CT', at, site, manufacturer, model, slice, 120, 'iv', 1000 + n, at, kernel, 'portal-venous' FROM ${src}`,
      [rows],
    );
    await q(
      `INSERT INTO read_model.measurements (measurement_id, version, position, subject_id, trial_id, programme_id, biomarker_id, biomarker_version, value_kind, value, unit,
              original_value, original_unit, study_instance_uid, time_point, method, algorithm_version_id, reader_id, occurred_at, recorded_at, version_recorded_at,
              superseded_at, correction_count, retracted, arm_code, subject_site_id)
       SELECT 'm-' || side || '-' || n, 0, 2000 + 2 * n + CASE WHEN side = 'ai' THEN 0 ELSE 1 END, subject, $2, NULL, $3, 1, 'quantitative',
              CASE WHEN side = 'ai' THEN ai ELSE reference END, 'mL', CASE WHEN side = 'ai' THEN ai ELSE reference END, 'mL', uid, 'baseline',
              CASE WHEN side = 'ai' THEN 'ai' ELSE 'manual' END, CASE WHEN side = 'ai' THEN $4 END, CASE WHEN side = 'ref' THEN 'reader-1' END,
              at, at, at, NULL, 0, false, 'A', site
         FROM ${src} CROSS JOIN (VALUES ('ai'), ('ref')) AS s(side)`,
      [rows, T, BM, ALG],
    );
  });

  afterAll(async () => {
    await store?.close();
  });

  const drift = async (
    extra: Record<string, unknown> = {},
  ): Promise<{ result: DriftResult; snapshotId: string | null; position: string | null; asOf: string | null }> => {
    const d = await service.data(regulator, { algorithmVersionId: ALG, drift: { biomarkerId: BM, shiftSd: 2 }, ...extra });
    return {
      result: driftResult(d.drift!.plan, d.drift!.pairs, d.drift!.personalOpened),
      snapshotId: d.snapshotId,
      position: d.computedAtPosition,
      asOf: d.asOf,
    };
  };
  const stratum = (r: DriftResult, dimension: string, value: string) => {
    const s = r.strata.find((x) => !(x instanceof Error) && x.dimension === dimension && x.value === value);
    if (!s || s instanceof Error) throw new Error(`no stratum ${dimension} = ${value}`);
    return s;
  };

  it('alarms at the site whose scanner changed, within the stated number of cases, and not elsewhere', async () => {
    const { result } = await drift();
    expect(result.pairCount).toBe(2 * CASES);
    const s = result.settings;
    // Stated with the result: the thresholds, the in-control state (20 baseline pairs, all before the change) and
    // the expected detection delay of a 2 SD shift (Siegmund): the 10 % shift is ≈ 4–5 in-control SDs.
    expect(s).toMatchObject({ scale: 'PERCENT', k: 0.5, h: 4, lambda: 0.2, L: 3, inControlSource: 'BASELINE_CASES', baselineCasesUsed: 20 });
    expect(Math.abs(s.expectedBias!)).toBeLessThan(1);
    expect(9.5 / s.expectedSd!).toBeGreaterThan(2);
    const within = Math.ceil(2 * s.cusumArlAtShift);
    expect(within).toBeLessThanOrEqual(7);

    const siteA = stratum(result, 'SITE', 'SITE-A')
      .alarms()
      .filter((a) => a.chart === 'CUSUM' && a.direction === 'INCREASE');
    expect(siteA.length).toBeGreaterThan(0);
    const first = siteA[0]!;
    expect(first.caseNumber).toBeGreaterThan(CHANGE);
    expect(first.caseNumber - CHANGE).toBeLessThanOrEqual(within);
    expect(first.measurementId).toBe(`m-ai-${first.caseNumber - 1}`);

    // Not elsewhere: site B, and the old scanner / kernel (site A before the change and site B), have no alarm at all.
    expect(stratum(result, 'SITE', 'SITE-B').alarms()).toEqual([]);
    expect(stratum(result, 'SCANNER_MODEL', 'Acme CT1').alarms()).toEqual([]);
    expect(stratum(result, 'RECONSTRUCTION_KERNEL', 'B30f').alarms()).toEqual([]);
    expect(stratum(result, 'SLICE_THICKNESS_BAND', '>1–2.5 mm').alarms()).toEqual([]);
    // The new scanner's stratum alarms from its first cases (held against the common in-control state, not its own).
    const newScanner = stratum(result, 'SCANNER_MODEL', 'Vendor CT2')
      .alarms()
      .filter((a) => a.chart === 'CUSUM');
    expect(newScanner[0]!.caseNumber).toBeLessThanOrEqual(within);
    // Bias per stratum: ≈ +9.5 % (10 % of the reference on the pair-mean scale) on the new scanner, ≈ 0 on the old.
    expect(stratum(result, 'SCANNER_MODEL', 'Vendor CT2').agreement().bias).toBeGreaterThan(8);
    expect(Math.abs(stratum(result, 'SCANNER_MODEL', 'Acme CT1').agreement().bias)).toBeLessThan(1);
    const months = stratum(result, 'SITE', 'SITE-A').monthly();
    expect(months.length).toBe(6);
    expect(months.reduce((n, m) => n + m.n, 0)).toBe(CASES);
    // Contrast phase is one stratum here (every study portal-venous): it holds every pair.
    expect(stratum(result, 'CONTRAST_PHASE', 'portal-venous').pairCount).toBe(2 * CASES);
  });

  it('raises the alarms on schedule as events, once: a second run appends nothing, under the same event ids', async () => {
    const scheduler = new SurveillanceScheduleService(database.ds, service);
    const first = await scheduler.runOnce();
    expect(first).toMatchObject({ ran: true, versions: 1, failures: [] });
    expect(first.eventsAppended).toBeGreaterThan(0);
    expect(first.eventsAppended).toBe(first.alarmsFound);
    const events = await store.readStream(surveillanceStreamId(ALG));
    expect(events.every((e) => e.type === 'SurveillanceDriftAlarmRaised' && (e.metadata as Record<string, unknown>)['actorId'] === SCHEDULE_ACTOR_ID)).toBe(
      true,
    );
    const raised = await service.driftAlarms(ALG);
    expect(raised.some((a) => a.alarm.dimension === 'SITE' && a.alarm.stratum === 'SITE-A' && a.alarm.chart === 'CUSUM')).toBe(true);
    expect(raised.some((a) => a.alarm.stratum === 'SITE-B')).toBe(false);

    const again = await scheduler.runOnce();
    expect(again).toMatchObject({ ran: true, alarmsFound: first.alarmsFound, eventsAppended: 0 });
    const after = await store.readStream(surveillanceStreamId(ALG));
    expect(after.map((e) => e.id)).toEqual(events.map((e) => e.id));

    // While another instance runs (holds the lock), a tick does nothing.
    const other = database.ds.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    try {
      await other.query(`SELECT pg_advisory_xact_lock(hashtextextended('registry:surveillance-schedule', 0))`);
      expect(await scheduler.runOnce()).toMatchObject({ ran: false, eventsAppended: 0 });
    } finally {
      await other.rollbackTransaction();
      await other.release();
    }
  });

  it('reports use, performance per stratum, the alarms of the period and that no action is recorded', async () => {
    const report = await new SurveillanceReportService(database.ds, service).report(regulator, ALG, '2025-01-01T00:00:00Z', '2025-07-01T00:00:00Z', NOW);
    expect(report.use).toMatchObject({ screeningReadings: 0, aiMeasurements: 2 * CASES, sites: 2 });
    expect(report.use.monthly.map((m) => m.month)).toEqual(['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06']);
    const d = report.drift[0] as DriftResult;
    expect(d.pairCount).toBe(2 * CASES);
    const a = stratum(d, 'SITE', 'SITE-A').agreement();
    expect(a.biasCi.lower).toBeLessThan(a.bias);
    expect(a.biasCi.upper).toBeGreaterThan(a.bias);
    expect(report.driftAlarms.length).toBe((await service.driftAlarms(ALG)).length);
    expect(report.actions).toBe(NO_ACTIONS_RECORDED);
    expect(report.htmlUrl).toBe('/plots/surveillance-report?algorithmVersionId=drift-alg-1&from=2025-01-01T00%3A00%3A00.000Z&to=2025-07-01T00%3A00%3A00.000Z');
    // A period before the change holds no alarm of site A.
    const early = await new SurveillanceReportService(database.ds, service).report(regulator, ALG, '2025-01-01T00:00:00Z', '2025-03-01T00:00:00Z', NOW);
    expect(early.driftAlarms.filter((x) => x.alarm.stratum === 'SITE-A')).toEqual([]);
    const html = surveillanceReportPage(report);
    expect(html).toContain('SITE = SITE-A');
    expect(html).toContain('<svg');
    expect(html).toContain(NO_ACTIONS_RECORDED.slice(0, 40));
  });

  it('computes on a snapshot and as of a time, and states which', async () => {
    // A snapshot cut before the scanner change: its kept rows are the tables as they were then.
    await database.ds.query(
      `INSERT INTO read_model.analysis_snapshot_rows (snapshot_id, table_name, ordinal, row_key, row)
       SELECT 'snap-drift', t.table_name, row_number() OVER (PARTITION BY t.table_name ORDER BY t.row_key)::int, t.row_key, t.row
         FROM (SELECT 'measurements' AS table_name, measurement_id || ':' || version AS row_key, to_jsonb(m) AS row FROM read_model.measurements m WHERE m.occurred_at < '2025-04-01'
               UNION ALL SELECT 'subjects', subject_id, to_jsonb(s) FROM read_model.subjects s
               UNION ALL SELECT 'imaging_studies', study_instance_uid, to_jsonb(i) FROM read_model.imaging_studies i) t`,
    );
    const snap = await drift({ snapshotId: 'snap-drift' });
    expect(snap).toMatchObject({ snapshotId: 'snap-drift', position: '4242', asOf: null });
    expect(snap.result.pairCount).toBe(data.filter((d) => d.at < new Date('2025-04-01')).length);
    expect(
      stratum(snap.result, 'SITE', 'SITE-A')
        .alarms()
        .filter((a) => a.chart === 'CUSUM'),
    ).toEqual([]);

    // A correction recorded later (version 1 of one AI reading): as of before it, the first value is read.
    const before = await drift();
    await database.ds.query(
      `WITH old AS (UPDATE read_model.measurements SET superseded_at = '2025-08-15' WHERE measurement_id = 'm-ai-0' AND version = 0 RETURNING *)
       INSERT INTO read_model.measurements (measurement_id, version, position, subject_id, trial_id, programme_id, biomarker_id, biomarker_version, value_kind, value, unit,
              original_value, original_unit, study_instance_uid, time_point, method, algorithm_version_id, reader_id, occurred_at, recorded_at, version_recorded_at,
              superseded_at, correction_count, retracted, arm_code, subject_site_id)
       SELECT measurement_id, 1, 9000, subject_id, trial_id, programme_id, biomarker_id, biomarker_version, value_kind, value * 2, unit, value * 2, original_unit,
              study_instance_uid, time_point, method, algorithm_version_id, reader_id, occurred_at, recorded_at, '2025-08-15', NULL, 1, false, arm_code, subject_site_id FROM old`,
    );
    const live = await drift();
    const asOf = await drift({ asOf: '2025-08-01T00:00:00Z' });
    expect(asOf.asOf).toBe('2025-08-01T00:00:00.000Z');
    expect(asOf.result.overall.agreement()).toEqual(before.result.overall.agreement());
    expect(live.result.overall.agreement().bias).toBeGreaterThan(before.result.overall.agreement().bias);
    await expect(drift({ asOf: '2025-08-01T00:00:00Z', snapshotId: 'snap-drift' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'asOf' });
  });
});
