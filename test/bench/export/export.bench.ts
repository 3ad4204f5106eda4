/**
 * Issue 17's export benchmark: a synthetic trial (libs/projections writeSyntheticRegistry, direct appends) is frozen
 * into an analysis snapshot (replay from the log + kept rows), then exported from the kept rows, in ROUNDS rounds
 * interleaved with two baselines over the same measurement rows: a raw `COPY (SELECT …) TO STDOUT (FORMAT csv)` of
 * the snapshot's current measurements (the issue's baseline: what PostgreSQL alone does), and the same rows read
 * through the export reader and written as plain JSON lines (what each builder costs over serialising at all).
 * Each round freezes a snapshot of its own (round 1's kept rows are what the first COPY reads). The issue's figure is
 * `pipeline`: measurements / (freeze + csv-long + omop seconds) against the COPY rate (target ≥ 0.3); every stage
 * is reported too, so where the time goes is in the line. Peak RSS is sampled every 50 ms (target < 512 MB).
 *
 * `npm run bench:export`; sizes by env (one trial holds every subject): BENCH_EXPORT_SUBJECTS (3000), BENCH_EXPORT_MEASUREMENTS (about 20 per subject
 * by default; more adds lesion readers per visit), BENCH_EXPORT_ROUNDS (2), BENCH_EXPORT_FORMATS (comma-separated
 * slugs, default every format; `json` adds the JSON-lines baseline, on by default), EMBEDDED_PG_PORT. The last line is
 * `{"bench":"export","measurements":…,"copyRowsPerSecond":…,"pipeline":{"seconds":…,"rowsPerSecond":…,"vsCopy":…},…}`.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '#event-store';
import { ensureDatabase, startEmbeddedDatabase } from '#runtime';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import type { SnapshotExportFormat } from '../../../graphql/generated/graphql.types.js';
import { dataSourceOptions, runMigrations } from '../../../migrations/data-source.js';
import { writeSyntheticRegistry } from '../../../libs/projections/src/testing/synthetic-registry.js';
import { SNAPSHOT_HASH_ALGORITHM } from '#projections';
import { withScopeSnapshot } from '../../../services/registry-api/src/snapshots/snapshot-compute.js';
import { withSnapshotDataset } from '../../../services/registry-api/src/snapshots/snapshot-export.dataset.js';
import { EXPORT_FORMATS } from '../../../services/registry-api/src/snapshots/snapshot-export.formats.js';
import { exportSnapshot, Sink } from '../../../services/registry-api/src/snapshots/snapshot-export.writer.js';
import { keepSnapshotRows } from '../../../services/registry-api/src/snapshots/snapshot-rows.js';
import type { FrozenSnapshot } from '../../../services/registry-api/src/snapshots/snapshots.queries.js';
import { ratio, round, summaryLine } from '../bench-harness.js';

const SUBJECTS = Number(process.env.BENCH_EXPORT_SUBJECTS ?? 3000);
const ROUNDS = Number(process.env.BENCH_EXPORT_ROUNDS ?? 2);
/** Measurements per subject: about 3.9 visits × (3 biomarkers + lesion readers); readers are what is scaled. */
const MEASUREMENTS = process.env.BENCH_EXPORT_MEASUREMENTS ? Number(process.env.BENCH_EXPORT_MEASUREMENTS) : null;
const LESION_READERS = MEASUREMENTS === null ? 2 : Math.max(1, Math.round(MEASUREMENTS / SUBJECTS / 3.9) - 3);
const FORMAT_SLUGS = (process.env.BENCH_EXPORT_FORMATS ?? ['json', ...Object.values(EXPORT_FORMATS).map((f) => f.slug)].join(','))
  .split(',')
  .map((f) => f.trim())
  .filter(Boolean);

/** The raw baseline: the snapshot's current measurements as CSV straight out of PostgreSQL. */
const COPY_SQL = (snapshotId: string) =>
  `COPY (SELECT k.row->>'subject_id' AS subject_id, k.row->>'measurement_id' AS measurement_id, k.row->>'biomarker_id' AS biomarker_id,
    k.row->>'time_point' AS time_point, k.row->>'value' AS value, k.row->>'unit' AS unit, k.row->>'method' AS method, k.row->>'reader_id' AS reader_id,
    k.row->>'algorithm_version_id' AS algorithm_version_id, k.row->>'study_instance_uid' AS study_instance_uid, k.row->>'occurred_at' AS occurred_at
    FROM read_model.analysis_snapshot_rows k WHERE k.snapshot_id = '${snapshotId.replace(/'/g, "''")}' AND k.table_name = 'measurements'
      AND k.row->>'superseded_at' IS NULL AND NOT (k.row->>'retracted')::boolean) TO STDOUT WITH (FORMAT csv, HEADER true)`;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'registry-bench-export-'));
  chmodSync(dir, 0o777);
  const server = await startEmbeddedDatabase({
    dataDir: join(dir, 'data'),
    persistent: false,
    ...(process.env.EMBEDDED_PG_PORT ? { port: Number(process.env.EMBEDDED_PG_PORT) } : {}),
  });
  let peakRss = process.memoryUsage().rss;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    const url = await ensureDatabase(server.url, 'exportbench');
    await runMigrations(url);
    const store = new PostgresEventStore({ connectionString: url, poolSize: 8 });
    const ds = await new DataSource(dataSourceOptions(url, { extra: { max: 4 } })).initialize();
    const reg = await writeSyntheticRegistry(store, {
      subjects: SUBJECTS,
      seed: 17,
      concurrency: 8,
      screeningShare: 0,
      lesionReaders: LESION_READERS,
      trials: 1,
    });
    log(`${reg.events} events for ${SUBJECTS} subjects`);
    const scope = { kind: 'trial' as const, trialId: reg.trialIds[0]! };
    const freeze = async (snapshotId: string): Promise<FrozenSnapshot> =>
      withScopeSnapshot(store, ds, scope, { kind: 'now' }, async (computed) => {
        await keepSnapshotRows(computed, snapshotId);
        return {
          id: snapshotId,
          scope,
          manifest: {
            position: computed.position.prepare.toString(),
            commitPosition: computed.position.commit.toString(),
            readModels: computed.readModels,
            rowCounts: computed.tables.map((t) => ({ table: t.table, rows: t.rows, hash: t.hash })),
            contentHash: computed.contentHash,
            hashAlgorithm: SNAPSHOT_HASH_ALGORITHM,
          },
          purpose: 'bench',
          reason: 'bench',
          asOf: null,
          frozenAt: '2026-12-03T18:00:00.000Z',
          frozenBy: 'bench',
          eventPosition: computed.position.prepare.toString(),
        };
      });
    const copyClient = new pg.Client({ connectionString: url });
    await copyClient.connect();
    const copy = async (snapshotId: string, out: string) => {
      const sink = new Sink(out);
      for await (const chunk of copyClient.query(copyTo(COPY_SQL(snapshotId)))) await sink.write(chunk as Buffer);
      return sink.close();
    };
    const seconds = new Map<string, number[]>();
    const add = (k: string, s: number) => seconds.set(k, [...(seconds.get(k) ?? []), s]);
    const timed = async <T>(k: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const r = await work();
      add(k, (performance.now() - started) / 1000);
      return r;
    };
    let snapshot = await timed('freeze', () => freeze('bench-snapshot-1'));
    const [count] = (await ds.query(
      `SELECT count(*)::int AS n FROM read_model.analysis_snapshot_rows WHERE snapshot_id = $1 AND table_name = 'measurements' AND row->>'superseded_at' IS NULL AND NOT (row->>'retracted')::boolean`,
      [snapshot.id],
    )) as { n: number }[];
    const measurements = count!.n;
    const keptRows = snapshot.manifest.rowCounts.reduce((n, t) => n + t.rows, 0);
    log(`froze ${keptRows} rows (${measurements} current measurements) in ${seconds.get('freeze')![0]!.toFixed(2)} s`);
    const formats = (Object.keys(EXPORT_FORMATS) as SnapshotExportFormat[]).filter((f) => FORMAT_SLUGS.includes(EXPORT_FORMATS[f].slug));
    const bytes = new Map<string, number>();
    for (let r = 0; r < ROUNDS; r++) {
      if (r > 0) snapshot = await timed('freeze', () => freeze(`bench-snapshot-${r + 1}`));
      for (const format of ['COPY', ...(FORMAT_SLUGS.includes('json') ? ['JSON'] : []), ...formats]) {
        const out = join(dir, `out-${format}`);
        await timed(format, async () => {
          if (format === 'COPY') await copy(snapshot.id, out);
          else if (format === 'JSON') {
            const sink = new Sink(out);
            await withSnapshotDataset(ds, snapshot, async (dataset) => {
              for await (const s of dataset.subjects) for (const m of s.measurements) await sink.write(`${JSON.stringify(m)}\n`);
            });
            await sink.close();
          } else await exportSnapshot(ds, snapshot, format as SnapshotExportFormat, out);
        });
        bytes.set(format, statSync(out).size);
        rmSync(out);
      }
      log(`round ${r + 1}: ${[...seconds].map(([k, v]) => `${k} ${v.at(-1)!.toFixed(2)} s`).join(', ')}`);
    }
    await copyClient.end();
    const best = (k: string) => Math.min(...seconds.get(k)!);
    const has = (k: string) => seconds.has(k);
    const copyRate = measurements / best('COPY');
    const jsonRate = has('JSON') ? measurements / best('JSON') : null;
    // The issue's figure: snapshot + CSV + OMOP of the same rows, each stage's best round.
    const pipelineSeconds = has('CSV_LONG') && has('OMOP') ? best('freeze') + best('CSV_LONG') + best('OMOP') : null;
    const summary = {
      bench: 'export',
      subjects: SUBJECTS,
      lesionReaders: LESION_READERS,
      events: reg.events,
      snapshotRows: keptRows,
      measurements,
      copySeconds: round(best('COPY'), 3),
      copyRowsPerSecond: Math.round(copyRate),
      freezeSeconds: round(best('freeze'), 2),
      freezeEventsPerSecond: Math.round(reg.events / best('freeze')),
      freezeRowsPerSecond: Math.round(keptRows / best('freeze')),
      freezeVsCopy: ratio(measurements / best('freeze'), copyRate),
      pipeline:
        pipelineSeconds === null
          ? null
          : {
              stages: 'freeze + csv-long + omop',
              seconds: round(pipelineSeconds, 2),
              rowsPerSecond: Math.round(measurements / pipelineSeconds),
              vsCopy: ratio(measurements / pipelineSeconds, copyRate),
              target: 0.3,
            },
      baselineJsonRowsPerSecond: jsonRate === null ? null : Math.round(jsonRate),
      formats: Object.fromEntries(
        formats.map((f) => [
          EXPORT_FORMATS[f].slug,
          {
            seconds: round(best(f), 3),
            rowsPerSecond: Math.round(measurements / best(f)),
            vsCopy: ratio(measurements / best(f), copyRate),
            ...(jsonRate === null ? {} : { vsJson: ratio(measurements / best(f), jsonRate) }),
            bytes: bytes.get(f),
          },
        ]),
      ),
      rounds: ROUNDS,
      peakRssMb: Math.round(peakRss / 2 ** 20),
      rssTargetMb: 512,
    };
    await store.close();
    await ds.destroy();
    process.stdout.write(`${summaryLine(summary)}\n`);
  } finally {
    clearInterval(sample);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
