/**
 * `npm run bench:analytics` (issue 6 item 6): a validation study (ROC + KM + Cox + C-index) over 100,000 subjects and
 * a post-market surveillance query over 1,000,000 AI readings, each timed as "fetch the dataset from the read models"
 * next to "compute the statistics", end to end through the same services the API uses (no HTTP/GraphQL layer).
 *
 * The read-model tables are filled directly with SQL (test/bench/analytics/analytics-fill.ts): event-sourcing a
 * million screenings through the write side and the projector would take much longer than what is measured here.
 *
 * DATABASE_URL (role with CREATEDB) selects a server, otherwise an embedded PostgreSQL starts in a temp dir.
 * BENCH_SUBJECTS / BENCH_READINGS / BENCH_REPEATS override the sizes. Prints a table and one JSON line last.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../../../migrations/data-source.js';
import { ensureDatabase, startEmbeddedDatabase } from '#runtime';
import type { VerifiedActor } from '../../../services/registry-api/src/auth/actor.js';
import { surveillanceReport, SurveillanceService } from '../../../services/registry-api/src/analytics/surveillance.service.js';
import { ValidationStudyService, type ValidationStudyInput } from '../../../services/registry-api/src/analytics/validation-study.service.js';
import { coxSection, performanceSection, rocSection, survivalSection } from '../../../services/registry-api/src/analytics/validation-study.statistics.js';
import { fillAnalytics } from './analytics-fill.js';

const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 100_000);
const READINGS = Number(process.env.BENCH_READINGS ?? 1_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * The speed reference for the dataset fetch: the statement before issue 12 §3, which let DISTINCT ON pick each
 * subject's reading (accepted first, then the latest, then the lowest id — so it mixed raters). Run interleaved
 * with ours on the same data; ours also checks the time point and resolves the chosen rater's readings in Node.
 */
const BASELINE_SQL = `
WITH i AS (
  SELECT DISTINCT ON (m.subject_id COLLATE "C") m.subject_id, m.measurement_id, m.value, m.unit, m.occurred_at, m.position
    FROM read_model.measurements m
   WHERE m.biomarker_id = $3 AND m.time_point = $4
     AND m.superseded_at IS NULL AND NOT m.retracted AND m.value IS NOT NULL AND m.adjudication IS DISTINCT FROM 'not_accepted'
   ORDER BY m.subject_id COLLATE "C", (m.adjudication = 'accepted') DESC NULLS LAST, m.occurred_at DESC, m.measurement_id)
SELECT i.subject_id, s.trial_id, s.programme_id, s.arm_code, s.site_id, i.measurement_id, i.value, i.unit,
       (extract(epoch FROM i.occurred_at) * 1000000)::int8 AS measured_us,
       (extract(epoch FROM min(o.occurred_at) FILTER (WHERE o.outcome_type = ANY($2::text[]) AND o.occurred_at > i.occurred_at)) * 1000000)::int8 AS event_us,
       (extract(epoch FROM greatest(max(o.occurred_at), i.occurred_at)) * 1000000)::int8 AS last_known_us,
       i.position::text AS position
  FROM i
  JOIN read_model.subjects s ON s.subject_id = i.subject_id
  LEFT JOIN read_model.outcomes o ON o.subject_id = i.subject_id AND o.superseded_at IS NULL
 WHERE s.trial_id = ANY($1::text[])
 GROUP BY s.subject_id, i.subject_id, i.measurement_id, i.value, i.unit, i.occurred_at, i.position
 ORDER BY i.subject_id COLLATE "C"`;
const INT8_OID = 20;
const baselineTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? (us: string) => Number(us) / 1000 : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

const regulator: VerifiedActor = { id: 'bench', role: 'regulator', scopes: { trials: [], programmes: [], sites: [] }, issuer: 'bench', unauthenticated: false };

async function openServer(): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'registry-bench-analytics-'));
  chmodSync(dir, 0o777);
  const db = await startEmbeddedDatabase({ dataDir: join(dir, 'data'), persistent: false });
  return {
    adminUrl: db.url,
    stop: async () => {
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main(): Promise<void> {
  const server = await openServer();
  const name = `bench_analytics_${Date.now()}`;
  const url = await ensureDatabase(server.adminUrl, name);
  let ds: DataSource | undefined;
  try {
    await runMigrations(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const fillStart = performance.now();
    const ids = await fillAnalytics((sql, params) => client.query(sql, params as unknown[]), {
      prefix: 'B',
      subjects: SUBJECTS,
      readings: READINGS,
      checkpoint: true,
    });
    await client.end();
    log(`filled ${SUBJECTS} subjects and ${READINGS} screenings with SQL in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`);

    ds = new DataSource(dataSourceOptions(url, { extra: { max: 4 } }));
    await ds.initialize();
    const studies = new ValidationStudyService(ds, undefined as never);
    // The surveillance service's write side (alarms) is not exercised here.
    const surveillance = new SurveillanceService(ds, undefined as never, undefined as never);
    const study: ValidationStudyInput = {
      biomarkerId: ids.biomarkerId,
      timePoint: 'baseline',
      // Every subject has an AI reading; odd subjects a reader's too (analytics-fill.ts): the AI is the index test.
      indexTest: { algorithmVersionId: ids.algorithmV2 },
      population: { trialIds: [ids.trialId] },
      endpoint: { kind: 'TIME_TO_EVENT', outcomeTypes: ['death'], horizonDays: 730 },
      higherIsPositive: false,
      strata: { quantiles: 4 },
    };
    const pms = { algorithmVersionId: ids.algorithmV2, cusum: { k: 0.5, h: 5 } };

    // Wall time is the target; this process's CPU time (fetch: parsing rows; stats: all of it) and the load average
    // tell a slow run on a busy machine from a slow run of ours.
    type Phase = { fetch: number; stats: number; total: number; fetchCpu: number; statsCpu: number };
    const runs: { study: Phase; pms: Phase; baselineFetch: number }[] = [];
    const baselineClient = new pg.Client({ connectionString: url });
    await baselineClient.connect();
    const baselineFetch = async (): Promise<number> => {
      const t = performance.now();
      await baselineClient.query(`BEGIN ISOLATION LEVEL REPEATABLE READ`);
      await baselineClient.query(`SET LOCAL work_mem = '64MB'`);
      const res = await baselineClient.query({
        text: BASELINE_SQL,
        values: [[ids.trialId], ['death'], ids.biomarkerId, 'baseline'],
        rowMode: 'array',
        types: baselineTypes,
      });
      await baselineClient.query('COMMIT');
      if (res.rows.length !== SUBJECTS) throw new Error(`baseline returned ${res.rows.length} rows`);
      return performance.now() - t;
    };
    const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
    const loadBefore = loadavg()[0] as number;
    let summary: Record<string, unknown> = {};
    for (let i = 0; i < REPEATS + 1; i++) {
      const base = await baselineFetch();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const dataset = await studies.dataset(regulator, study);
      const t1 = performance.now();
      const c1 = process.cpuUsage();
      const opts = { higherIsPositive: false, strata: study.strata };
      const r = rocSection(dataset.rows, opts);
      const perf = performanceSection(dataset.rows, opts);
      const km = survivalSection(dataset.rows, opts);
      const cox = coxSection(dataset.rows, opts);
      const t2 = performance.now();
      const c2 = process.cpuUsage();

      const data = await surveillance.data(regulator, pms);
      const t3 = performance.now();
      const c3 = process.cpuUsage();
      const report = surveillanceReport(data, pms);
      // As the resolver: a site without readings for the metric has no series (INSUFFICIENT_DATA), the others do.
      const series = report.cusumInputs.flatMap(({ siteId }) => {
        try {
          return [report.cusum(siteId)];
        } catch {
          return [];
        }
      });
      const t4 = performance.now();
      const c4 = process.cpuUsage();
      if (i > 0) {
        runs.push({
          study: { fetch: t1 - t0, stats: t2 - t1, total: t2 - t0, fetchCpu: cpuMs(c1) - cpuMs(c0), statsCpu: cpuMs(c2) - cpuMs(c1) },
          pms: { fetch: t3 - t2, stats: t4 - t3, total: t4 - t2, fetchCpu: cpuMs(c3) - cpuMs(c2), statsCpu: cpuMs(c4) - cpuMs(c3) },
          baselineFetch: base,
        });
      }
      summary = {
        subjects: dataset.rows.length,
        auc: r.auc,
        aucCi: [r.lower, r.upper],
        youdenThreshold: perf.threshold,
        kmStrata: km.strata.map((s) => ({ label: s.label, n: s.km.n, median: s.km.median })),
        logRank: km.logRank?.chisq,
        hrPerSd: cox.perSd.hr,
        cIndex: cox.concordance,
        readings: report.total.readings,
        cells: report.cells.length,
        alarms: series.flatMap((s) => s.alarms.map((a) => `${a.siteId ?? 'all'} ${a.month} ${a.direction}`)),
      };
    }
    const m = (f: (r: (typeof runs)[number]) => number) => Math.round(median(runs.map(f)));
    const phase = (k: 'study' | 'pms') => ({
      fetchMs: m((r) => r[k].fetch),
      statsMs: m((r) => r[k].stats),
      totalMs: m((r) => r[k].total),
      fetchCpuMs: m((r) => r[k].fetchCpu),
      statsCpuMs: m((r) => r[k].statsCpu),
    });
    const loadAverage = [loadBefore, loadavg()[0] as number].map((l) => Number(l.toFixed(2)));
    const result = {
      bench: 'analytics',
      repeats: REPEATS,
      cpus: availableParallelism(),
      loadAverage,
      validationStudy: {
        subjects: SUBJECTS,
        ...phase('study'),
        baselineFetchMs: m((r) => r.baselineFetch),
        fetchRatio: Number(median(runs.map((r) => r.study.fetch / r.baselineFetch)).toFixed(3)),
      },
      surveillance: { readings: READINGS, ...phase('pms') },
      summary,
    };
    const row = (name: string, rows: number, p: ReturnType<typeof phase>) =>
      `${name} ${String(rows).padStart(8)} ${String(p.fetchMs).padStart(10)} ${String(p.statsMs).padStart(10)} ${String(p.totalMs).padStart(10)}   ${String(p.fetchCpuMs).padStart(8)} ${String(p.statsCpuMs).padStart(8)}`;
    log('');
    log(`query                      rows       fetch ms   stats ms   total ms   node cpu: fetch    stats   (median of ${REPEATS}, after 1 warm-up)`);
    log(row('validation study (ROC+KM+Cox)', SUBJECTS, result.validationStudy));
    log(row('PMS (site × month + CUSUM)   ', READINGS, result.surveillance));
    log(
      `dataset fetch before issue 12 §3 (DISTINCT ON, raters mixed): ${result.validationStudy.baselineFetchMs} ms; ours / baseline ${result.validationStudy.fetchRatio}`,
    );
    log(`load average (1 min) before/after the timed runs: ${loadAverage.join(' / ')} on ${result.cpus} CPUs`);
    log('');
    await baselineClient.end();
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await ds?.destroy();
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
