/**
 * `npm run bench:grouped-append` (issue 14, "while you are in the append path"): does grouping concurrent
 * single-event appends into one multi-stream statement (EventStore.appendToStreams → the adapter's append_many function) raise
 * throughput? 8 concurrent appenders, each appending one event at a time to its own streams at the exact revision:
 *
 * - single:  one appendToStream per event (today's write path);
 * - grouped: appends that arrive while a call is in flight wait and go together in the next appendToStreams call
 *   (group commit: one round trip and one commit for all of them);
 * - raw:     one plain single-row INSERT per event (the physical baseline of bench:event-store).
 *
 * Interleaved over BENCH_ROUNDS rounds in one run on one server. The last line is one JSON object.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresEventStore, type AppendResult, type StreamAppend } from '#event-store';
import { runMigrations } from '../../../migrations/data-source.js';
import { startEmbeddedDatabase } from '#runtime';
import { formatCount, measureThroughput, mergeThroughput, ratio, round, summaryLine, type ThroughputResult } from '../bench-harness.js';
import { WriterStreams } from './bench-events.js';
import { RAW_TABLE_DDL, rawInsert } from './raw-baseline.js';

const WRITERS = 8;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 500);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 3_000);
/** Grouped calls in flight at once (1: pure group commit; more keeps several connections busy). */
const IN_FLIGHT = Number(process.env.BENCH_GROUP_IN_FLIGHT ?? 2);

/**
 * Group commit over appendToStreams: at most `inFlight` calls at once; appends arriving while they run wait and are
 * sent together as the next call. Each caller gets its own part's result (or its error).
 */
class AppendGrouper {
  private queue: { append: StreamAppend; resolve: (r: AppendResult) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly inFlight: number,
  ) {}

  append(append: StreamAppend): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ append, resolve, reject });
      if (this.running < this.inFlight) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.running++;
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        const outcomes = await this.store.appendToStreams(group.map((g) => g.append));
        outcomes.forEach((o, i) => (o.ok ? group[i]!.resolve(o.result) : group[i]!.reject(o.error)));
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
    this.running--;
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'registry-bench-grouped-'));
  chmodSync(dir, 0o777);
  const db = await startEmbeddedDatabase({ dataDir: join(dir, 'data'), persistent: false });
  const pools: pg.Pool[] = [];
  try {
    await runMigrations(db.url);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    for (const ddl of RAW_TABLE_DDL) await admin.query(ddl);
    await admin.end();
    const pool = (): pg.Pool => {
      const p = new pg.Pool({ connectionString: db.url, max: WRITERS + 2 });
      p.on('error', () => undefined);
      pools.push(p);
      return p;
    };
    const rawPool = pool();
    const store = new PostgresEventStore({ pool: pool() });
    const grouper = new AppendGrouper(store, IN_FLIGHT);
    let groups = 0;
    let grouped = 0;
    const countingGrouper = {
      append: (a: StreamAppend) => {
        grouped++;
        return grouper.append(a);
      },
    };
    const origAppendToStreams = store.appendToStreams.bind(store);
    store.appendToStreams = (appends) => {
      groups++;
      return origAppendToStreams(appends);
    };

    type Contender = 'single' | 'grouped' | 'raw';
    const step: Record<Contender, (s: WriterStreams) => Promise<number>> = {
      single: async (s) => {
        const t = s.take(1);
        const r = await store.appendToStream(t.streamId, t.batch, { expectedRevision: t.lastRevision < 0n ? 'no_stream' : t.lastRevision });
        s.appended(t.index, r.nextExpectedRevision);
        return 1;
      },
      grouped: async (s) => {
        const t = s.take(1);
        const r = await countingGrouper.append({ streamId: t.streamId, events: t.batch, expectedRevision: t.lastRevision < 0n ? 'no_stream' : t.lastRevision });
        s.appended(t.index, r.nextExpectedRevision);
        return 1;
      },
      raw: async (s) => {
        const t = s.take(1);
        s.appended(t.index, await rawInsert(rawPool, t.streamId, t.lastRevision, t.batch));
        return 1;
      },
    };
    const results: Record<Contender, ThroughputResult[]> = { single: [], grouped: [], raw: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of ['single', 'grouped', 'raw'] as const) {
        const writers = Array.from({ length: WRITERS }, (_, w) => new WriterStreams(`${c}${r}`, w, 16));
        const result = await measureThroughput({ concurrency: WRITERS, warmupMs: WARMUP_MS, durationMs: WINDOW_MS, step: (w) => step[c](writers[w]!) });
        results[c].push(result);
        process.stderr.write(`round ${r + 1} ${c.padEnd(7)} ${formatCount(result.itemsPerSecond).padStart(7)} events/s\n`);
      }
    }
    const [single, groupedAll, raw] = (['single', 'grouped', 'raw'] as const).map((c) => mergeThroughput(results[c]));
    console.log(
      `8 writers, 1 event per append: single ${formatCount(single!.itemsPerSecond)}/s (${ratio(single!.itemsPerSecond, raw!.itemsPerSecond)} × raw), grouped ${formatCount(groupedAll!.itemsPerSecond)}/s (${ratio(groupedAll!.itemsPerSecond, raw!.itemsPerSecond)} × raw, ${round(grouped / Math.max(1, groups), 1)} appends per call), raw ${formatCount(raw!.itemsPerSecond)}/s`,
    );
    console.log(
      summaryLine({
        bench: 'grouped-append',
        writers: WRITERS,
        groupedCallsInFlight: IN_FLIGHT,
        rounds: ROUNDS,
        singlePerSecond: round(single!.itemsPerSecond, 1),
        groupedPerSecond: round(groupedAll!.itemsPerSecond, 1),
        rawPerSecond: round(raw!.itemsPerSecond, 1),
        groupedOverSingle: ratio(groupedAll!.itemsPerSecond, single!.itemsPerSecond),
        singleOverRaw: ratio(single!.itemsPerSecond, raw!.itemsPerSecond),
        groupedOverRaw: ratio(groupedAll!.itemsPerSecond, raw!.itemsPerSecond),
        appendsPerGroupedCall: round(grouped / Math.max(1, groups), 2),
        singleP50Ms: round(single!.latencyMs.p50, 2),
        groupedP50Ms: round(groupedAll!.latencyMs.p50, 2),
      }),
    );
    await store.close();
  } finally {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
