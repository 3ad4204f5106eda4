/**
 * Issue 17's export benchmark: a synthetic trial (libs/projections writeSyntheticRegistry, direct appends) is frozen
 * into an analysis snapshot (replay from the log + kept rows), then exported in every format from the kept rows, in
 * ROUNDS rounds interleaved with the baseline: the same measurement rows read through the same reader and written as
 * plain JSON lines (JSON.stringify per row), so the ratio is what each format's builder costs over serialising at all.
 * Rows/s counts the snapshot's current measurements. Peak RSS is reported (memory is meant to stay bounded: streamed).
 *
 * `npm run bench:export` (BENCH_EXPORT_SUBJECTS, BENCH_EXPORT_ROUNDS); the last line is
 * `{"bench":"export","measurements":…,"freezeSeconds":…,"baselineJsonRowsPerSecond":…,"formats":{"csv-long":{"rowsPerSecond":…,"vsJson":…},…}}`.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '#event-store';
import { ensureDatabase, startEmbeddedDatabase } from '#runtime';
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
const log = (msg: string) => process.stderr.write(`${msg}\n`);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'registry-bench-export-'));
  chmodSync(dir, 0o777);
  const server = await startEmbeddedDatabase({ dataDir: join(dir, 'data'), persistent: false });
  let peakRss = process.memoryUsage().rss;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    const url = await ensureDatabase(server.url, 'exportbench');
    await runMigrations(url);
    const store = new PostgresEventStore({ connectionString: url, poolSize: 8 });
    const ds = await new DataSource(dataSourceOptions(url, { extra: { max: 4 } })).initialize();
    const reg = await writeSyntheticRegistry(store, { subjects: SUBJECTS, seed: 17, concurrency: 8, screeningShare: 0 });
    log(`${reg.events} events for ${SUBJECTS} subjects`);
    const scope = { kind: 'trial' as const, trialId: reg.trialIds[0]! };
    const snapshotId = 'bench-snapshot';
    const t0 = performance.now();
    const snapshot: FrozenSnapshot = await withScopeSnapshot(store, ds, scope, { kind: 'now' }, async (computed) => {
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
    const freezeSeconds = (performance.now() - t0) / 1000;
    const [count] = (await ds.query(
      `SELECT count(*)::int AS n FROM read_model.analysis_snapshot_rows WHERE snapshot_id = $1 AND table_name = 'measurements' AND row->>'superseded_at' IS NULL AND NOT (row->>'retracted')::boolean`,
      [snapshotId],
    )) as { n: number }[];
    const measurements = count!.n;
    const keptRows = snapshot.manifest.rowCounts.reduce((n, t) => n + t.rows, 0);
    log(`froze ${keptRows} rows (${measurements} current measurements) in ${freezeSeconds.toFixed(2)} s`);

    const formats = Object.keys(EXPORT_FORMATS) as SnapshotExportFormat[];
    const seconds = new Map<string, number[]>();
    const bytes = new Map<string, number>();
    const add = (k: string, s: number) => seconds.set(k, [...(seconds.get(k) ?? []), s]);
    for (let r = 0; r < ROUNDS; r++) {
      for (const format of ['JSON', ...formats]) {
        const out = join(dir, `out-${format}`);
        const started = performance.now();
        if (format === 'JSON') {
          const sink = new Sink(out);
          await withSnapshotDataset(ds, snapshot, async (dataset) => {
            for await (const s of dataset.subjects) for (const m of s.measurements) await sink.write(`${JSON.stringify(m)}\n`);
          });
          await sink.close();
        } else await exportSnapshot(ds, snapshot, format as SnapshotExportFormat, out);
        add(format, (performance.now() - started) / 1000);
        bytes.set(format, statSync(out).size);
        rmSync(out);
      }
      log(`round ${r + 1}: ${[...seconds].map(([k, v]) => `${k} ${v.at(-1)!.toFixed(2)} s`).join(', ')}`);
    }
    const best = (k: string) => Math.min(...seconds.get(k)!);
    const baseline = measurements / best('JSON');
    const summary = {
      bench: 'export',
      subjects: SUBJECTS,
      events: reg.events,
      snapshotRows: keptRows,
      measurements,
      freezeSeconds: round(freezeSeconds, 2),
      freezeRowsPerSecond: Math.round(keptRows / freezeSeconds),
      baselineJsonRowsPerSecond: Math.round(baseline),
      formats: Object.fromEntries(
        formats.map((f) => [
          EXPORT_FORMATS[f].slug,
          {
            seconds: round(best(f), 3),
            rowsPerSecond: Math.round(measurements / best(f)),
            vsJson: ratio(measurements / best(f), baseline),
            bytes: bytes.get(f),
          },
        ]),
      ),
      rounds: ROUNDS,
      peakRssMb: Math.round(peakRss / 2 ** 20),
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
