/**
 * npm run bench:read-models — issue 4's read-side numbers, each next to its baseline from the same run:
 *  (a) rebuild of all projections over >= BENCH_EVENTS events (default 1,000,000) vs a raw keyset read of the
 *      same events (pg, same order and columns, rows counted and dropped);
 *  (b) p50/p99 latency and throughput of `subject(id){timeline}` and of a 100-row `measurements` page under
 *      BENCH_CLIENTS (32) concurrent HTTP clients vs `registryStatus`, against one API process; BENCH_SECONDS (12)
 *      measured per query, in BENCH_ROUNDS (3) rounds interleaved across the queries, after an unmeasured
 *      BENCH_PRIME_SECONDS (5) pass over each. BENCH_API_REPLICAS=N
 *      starts N (the clients spread their requests over them in turn, as a balancer would); on this 2-core machine
 *      two replicas made every query's CPU per request dearer (trivial: 0.99 against 0.56 ms) and the trivial
 *      query 28 % slower, so the default stays one process and the ratios are not flattered by a slowed baseline.
 * Data: a realistic base through the real command path (`seedRegistry`, BENCH_SEED_SUBJECTS trial subjects, as
 * `npm run seed` does), topped up to BENCH_EVENTS with schema-valid events written straight to the event store
 * (the command path runs at ~1,000 events/s here, which would take ~17 minutes for a million events).
 * Prints a table on stderr and, as the last stdout line, the JSON summary.
 * For working on one part: BENCH_DIR=<dir> keeps the database there and reuses it (no re-seeding) on the next run;
 * BENCH_ONLY=rebuild|queries runs one half, BENCH_QUERIES=timeline,trivial some of the queries; BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the API (which
 * otherwise starts with the node flags infra/docker-entrypoint.sh gives it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PostgresEventStore } from '#event-store';
import { SignJWT } from 'jose';
import { DataSource, type EntityManager } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../../../migrations/data-source.js';
import { ensureDatabase, freePort, startEmbeddedDatabase } from '#runtime';
import { createCommandContext } from '../../../services/registry-api/src/commands/command-context.js';
import { type Projection, ProjectionRebuilder, projections } from '#projections';
import { writeSyntheticRegistry } from '../../../libs/projections/src/testing/synthetic-registry.js';
import {
  formatCount,
  formatRatio,
  formatTable,
  measureThroughput,
  mergeThroughput,
  ratio,
  round,
  summaryLine,
  timeIt,
  type ThroughputResult,
} from '../bench-harness.js';
import { seedRegistry, WRITE_SIDE_MODULES } from '../../seed/seed-registry.js';
import { rawKeysetRead } from '../../../libs/event-store/src/testing/postgres-raw-reads.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const SEED_SUBJECTS = Number(process.env['BENCH_SEED_SUBJECTS'] ?? 300);
const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 32);
const MEASURE_MS = Number(process.env['BENCH_SECONDS'] ?? 12) * 1000;
const ROUNDS = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3));
const PRIME_MS = Number(process.env['BENCH_PRIME_SECONDS'] ?? 5) * 1000;
const WARMUP_MS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 2) * 1000;
const PAGE = 5000;
const KEEP_DIR = process.env['BENCH_DIR'];
const ONLY = process.env['BENCH_ONLY'];
const API_REPLICAS = Math.max(1, Number(process.env['BENCH_API_REPLICAS'] ?? 1));
const API_NODE_ARGS = (process.env['BENCH_API_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** BENCH_PROFILE=1: where a rebuild spends its time, per projection, split into SQL and the rest (JS). */
const profile = new Map<string, { total: number; sql: number }>();
const statementTimes = new Map<string, number>();
function profiled(list: Projection[]): Projection[] {
  if (!process.env['BENCH_PROFILE']) return list;
  return list.map((p) => ({
    name: p.name,
    version: p.version,
    tables: p.tables,
    filter: p.filter,
    async apply(events, manager, target) {
      const entry = profile.get(p.name) ?? { total: 0, sql: 0 };
      profile.set(p.name, entry);
      const query = manager.query.bind(manager);
      const timed = Object.create(manager) as EntityManager;
      timed.query = (async (sql: string, params?: unknown[]) => {
        const t = performance.now();
        try {
          return await query(sql, params);
        } finally {
          entry.sql += performance.now() - t;
          const key = `${p.name}: ${sql.replace(/\s+/g, ' ').trim().slice(0, 60)}`;
          statementTimes.set(key, (statementTimes.get(key) ?? 0) + performance.now() - t);
        }
      }) as EntityManager['query'];
      const t0 = performance.now();
      await p.apply(events, timed, target);
      entry.total += performance.now() - t0;
    },
  }));
}

/** CPU seconds so far of the API process, of each PostgreSQL process by pid, and of this process (Linux /proc). */
interface CpuSnapshot {
  readonly api: number;
  readonly postgres: Map<string, number>;
  readonly client: number;
}

function cpuSnapshot(apiPids: readonly (number | undefined)[]): CpuSnapshot {
  const tick = 100; // USER_HZ
  const of = (pid: string): { comm: string; cpu: number } | null => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const f = stat.slice(close + 2).split(' ');
      return { comm: stat.slice(stat.indexOf('(') + 1, close), cpu: (Number(f[11]) + Number(f[12])) / tick };
    } catch {
      return null;
    }
  };
  const postgres = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const p = of(pid);
    if (p?.comm === 'postgres') postgres.set(pid, p.cpu);
  }
  const usage = process.cpuUsage();
  const api = apiPids.reduce<number>((sum, pid) => sum + (pid ? (of(String(pid))?.cpu ?? 0) : 0), 0);
  return { api, postgres, client: (usage.user + usage.system) / 1e6 };
}

/** CPU used between two snapshots; a PostgreSQL process that ended in between is left out (its time is lost with it). */
function cpuUsed(a: CpuSnapshot, b: CpuSnapshot): { api: number; postgres: number; client: number } {
  let postgres = 0;
  for (const [pid, cpu] of b.postgres) postgres += cpu - (a.postgres.get(pid) ?? 0);
  return { api: b.api - a.api, postgres, client: b.client - a.client };
}

async function post(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  // The client shares the two cores with the server: it checks the answer without parsing all of it, as load
  // generators do, so that a large answer costs the server's time rather than the client's JSON parser's.
  const body = await res.text();
  if (res.status !== 200 || !body.startsWith('{"data":') || body.includes('"errors":')) throw new Error(`GraphQL error: ${body.slice(0, 300)}`);
}

async function startApi(env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  // With the node flags the image and `npm start` give it (infra/docker-entrypoint.sh), and the bench's own.
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const line = /^\s*api\)\s+exec node ((?:--\S+ )*)(\S+)/m.exec(readFileSync(join(root, 'infra/docker-entrypoint.sh'), 'utf8'));
  if (!line) throw new Error('no api command in infra/docker-entrypoint.sh');
  const flags = line[1]!.split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...flags, ...API_NODE_ARGS, join(root, line[2]!)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = `http://127.0.0.1:${env['PORT']}/graphql`;
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`API exited: ${err}`);
    try {
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' });
      return { proc, url };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`API did not start: ${err}`);
}

async function main(): Promise<void> {
  const dir = KEEP_DIR ?? mkdtempSync(join(tmpdir(), 'registry-bench-read-'));
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777); // under root the server runs as an unprivileged user that must reach its data directory
  const reuse = KEEP_DIR !== undefined && existsSync(join(dir, 'data', 'PG_VERSION'));
  const server = await startEmbeddedDatabase({ dataDir: join(dir, 'data'), persistent: KEEP_DIR !== undefined });
  const apis: ChildProcess[] = [];
  try {
    const url = await ensureDatabase(server.url, 'readbench');
    await runMigrations(url);
    const store = new PostgresEventStore({ connectionString: url, poolSize: 16 });
    const ds = await new DataSource(dataSourceOptions(url, { extra: { max: 8 } })).initialize();

    let seededEvents: number;
    let events: number;
    if (reuse) {
      events = await store.countEvents();
      seededEvents = NaN; // not told apart from the top-up once stored
      log(`reusing ${formatCount(events)} events in ${dir}`);
    } else {
      log(`seeding ${SEED_SUBJECTS} trial subjects (+ ${SEED_SUBJECTS * 2} participants) through the command path…`);
      const ctx = await createCommandContext({ databaseUrl: url, modules: WRITE_SIDE_MODULES, poolSize: 20 });
      const seeded = await timeIt(() => seedRegistry(ctx.bus, { subjects: SEED_SUBJECTS, participants: SEED_SUBJECTS * 2, seed: 1, concurrency: 16 }));
      await ctx.close();
      log(`  ${seeded.value.events} events in ${seeded.seconds.toFixed(1)} s`);
      seededEvents = seeded.value.events;
      events = seeded.value.events;
      const topUp = await timeIt(async () => {
        let seed = 100;
        while (events < EVENTS) {
          const subjects = Math.max(200, Math.ceil((EVENTS - events) / 26));
          const written = await writeSyntheticRegistry(store, { subjects: Math.min(subjects, 8000), seed: seed++, concurrency: 16 });
          events += written.events;
          log(`  ${formatCount(events)} events`);
        }
      });
      log(`topped up to ${formatCount(events)} events (direct appends) in ${topUp.seconds.toFixed(1)} s`);
      await ds.query('VACUUM ANALYZE');
    }

    // (a) the same events, read raw, then rebuilt into every projection (twice each; the better run counts).
    const rawRuns: number[] = [];
    const oursRuns: number[] = [];
    for (let run = 0; run < (ONLY === 'queries' ? (reuse ? 0 : 1) : 2); run++) {
      const raw = await timeIt(() => rawKeysetRead(store, PAGE));
      rawRuns.push(raw.value / raw.seconds);
      log(`raw keyset read: ${formatCount(raw.value)} events in ${raw.seconds.toFixed(1)} s`);
      const rebuild = await timeIt(() => new ProjectionRebuilder(store, ds).rebuild(profiled(projections()), { batchSize: PAGE }));
      oursRuns.push(rebuild.value.events / rebuild.seconds);
      log(`rebuild of all projections: ${formatCount(rebuild.value.events)} events in ${rebuild.seconds.toFixed(1)} s`);
    }
    for (const [name, t] of profile) log(`  ${name}: ${(t.total / 1000).toFixed(1)} s in apply, of which ${(t.sql / 1000).toFixed(1)} s in SQL`);
    for (const [k, ms] of [...statementTimes].sort((a, b) => b[1] - a[1]).slice(0, 12)) log(`    ${(ms / 1000).toFixed(2)} s  ${k}`);
    const rawRate = rawRuns.length ? Math.max(...rawRuns) : NaN;
    const oursRate = oursRuns.length ? Math.max(...oursRuns) : NaN;
    // Queries meet the read models in their steady state: hint bits set (the first read of each freshly loaded row
    // would otherwise write its page) and the rebuild's writes flushed, not competing with the clients.
    await ds.query('VACUUM ANALYZE');
    await ds.query('CHECKPOINT');
    const results = new Map<string, ThroughputResult>();

    // (b) queries against the API replicas (projector off: the read models are built).
    // As deployed: NODE_ENV=production (graphql-js drops its development-time checks) with tokens from an identity
    // provider, stood in for by a key pair made here.
    const idp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const env = {
      DATABASE_URL: url,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATA_DIR: join(dir, 'app'),
      PROJECTOR: 'off',
      RATE_LIMIT_PER_MINUTE: '1000000',
      NODE_ENV: 'production',
      OIDC_ISSUER: 'https://idp.bench.invalid',
      OIDC_AUDIENCE: 'registry-api',
      AUTH_PUBLIC_KEY: idp.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      PRIVACY_MASTER_KEY: randomBytes(32).toString('hex'),
      AUDIT_SEAL_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const urls: string[] = [];
    for (let i = 0; i < (ONLY === 'rebuild' ? 0 : API_REPLICAS); i++) {
      const started = await startApi({ ...env, PORT: String(await freePort()) });
      apis.push(started.proc);
      urls.push(started.url);
    }
    let turn = 0;
    const nextUrl = (): string => urls[turn++ % urls.length]!;
    const token = await new SignJWT({ role: 'biostatistician', trials: ['*'], programmes: ['*'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('bench-biostatistician')
      .setIssuer(env.OIDC_ISSUER)
      .setAudience(env.OIDC_AUDIENCE)
      .setExpirationTime('2h')
      .sign(idp.privateKey);
    const subjectIds = (
      (await ds.query(`SELECT subject_id FROM read_model.subjects WHERE kind = 'trial' ORDER BY random() LIMIT 5000`)) as { subject_id: string }[]
    ).map((r) => r.subject_id);
    // Every page a full 100 rows: a trial and biomarker, and a cursor with at least 100 current rows after it.
    const filters = (await ds.query(
      `SELECT trial_id, biomarker_id, array_agg(position::text) AS cursors
         FROM (SELECT trial_id, biomarker_id, position, row_number() OVER w AS rn, count(*) OVER (PARTITION BY trial_id, biomarker_id) AS n
                 FROM read_model.measurements WHERE trial_id IS NOT NULL AND superseded_at IS NULL AND NOT retracted
               WINDOW w AS (PARTITION BY trial_id, biomarker_id ORDER BY position)) x
        WHERE rn % 10 = 0 AND rn <= n - 100 GROUP BY trial_id, biomarker_id`,
    )) as { trial_id: string; biomarker_id: string; cursors: string[] }[];
    if (filters.length === 0) throw new Error('no trial and biomarker with more than 100 measurements to page through');
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
    const cursor = (p: string): string => Buffer.from(`p:${p}`).toString('base64url');

    const TIMELINE = `query($id: ID!) { subject(id: $id) { id armCode siteId status timeline { kind occurredAt recordedAt
      measurement { id value unit originalValue originalUnit correctionCount retracted method algorithmVersionId readerId lesion { trackingUid } }
      outcome { type recistResponse occurredAt } imagingStudy { studyInstanceUid modality } milestone { type } screening { id } } } }`;
    // The analysis columns a page asks for; the API's cost limit (hardening, 5,000) refuses every column of the table at once.
    const PAGE_Q = `query($f: MeasurementFilter, $after: String) { measurements(filter: $f, first: 100, after: $after) { pageInfo { hasNextPage endCursor }
      nodes { id subjectId trialId armCode siteId timePoint biomarkerId biomarkerVersion value unit method algorithmVersionId readerId
              studyInstanceUid occurredAt recordedAt } } }`;
    const TRIVIAL = `{ registryStatus { eventCount } }`;
    const contenders: { name: string; step: () => Promise<number> }[] = [
      { name: 'timeline', step: () => post(nextUrl(), token, TIMELINE, { id: pick(subjectIds) }).then(() => 1) },
      {
        name: 'measurements-page',
        step: () => {
          const f = pick(filters);
          return post(nextUrl(), token, PAGE_Q, { f: { trialId: f.trial_id, biomarkerId: f.biomarker_id }, after: cursor(pick(f.cursors)) }).then(() => 1);
        },
      },
      { name: 'trivial', step: () => post(nextUrl(), token, TRIVIAL, {}).then(() => 1) },
    ];
    const chosen = process.env['BENCH_QUERIES']?.split(',');
    const running = ONLY === 'rebuild' ? [] : contenders.filter((x) => !chosen || chosen.includes(x.name));
    // Interleaved rounds (A B C A B C …): this shared machine speeds up and slows down over minutes, and a query
    // measured in one stretch would be compared with a baseline measured in another.
    const rounds = new Map<string, ThroughputResult[]>(running.map((c) => [c.name, []]));
    const cpu = new Map<string, { api: number; postgres: number; client: number; requests: number }>();
    const windowMs = MEASURE_MS / ROUNDS;
    log(
      `${running.map((c) => c.name).join(', ')}: ${CLIENTS} clients, ${PRIME_MS / 1000} s unmeasured each, then ${ROUNDS} interleaved rounds of ${WARMUP_MS / 1000} s warm-up + ${windowMs / 1000} s measured…`,
    );
    // A first unmeasured pass over every query: the API just started (V8 compiles, graphql-jit compiles each
    // document, each connection prepares its statements) and the read models' pages come into the cache.
    for (const c of running) await measureThroughput({ concurrency: CLIENTS, warmupMs: 0, durationMs: PRIME_MS, step: c.step });
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of running) {
        const before = cpuSnapshot(apis.map((a) => a.pid));
        const r = await measureThroughput({ concurrency: CLIENTS, warmupMs: WARMUP_MS, durationMs: windowMs, step: c.step });
        rounds.get(c.name)!.push(r);
        const used = cpuUsed(before, cpuSnapshot(apis.map((a) => a.pid)));
        const sum = cpu.get(c.name) ?? { api: 0, postgres: 0, client: 0, requests: 0 };
        cpu.set(c.name, {
          api: sum.api + used.api,
          postgres: sum.postgres + used.postgres,
          client: sum.client + used.client,
          requests: sum.requests + r.itemsPerSecond * ((windowMs + WARMUP_MS) / 1000),
        });
      }
    }
    for (const c of running) {
      results.set(c.name, mergeThroughput(rounds.get(c.name)!));
      const used = cpu.get(c.name)!;
      const per = (seconds: number): string => `${((seconds * 1000) / used.requests).toFixed(2)} ms`;
      log(
        `  ${c.name}: rounds ${rounds
          .get(c.name)!
          .map((r) => formatCount(r.itemsPerSecond))
          .join(' / ')} req/s; CPU per request (warm-ups included): API ${per(used.api)}, PostgreSQL ${per(used.postgres)}, client ${per(used.client)}`,
      );
    }
    const trivial = results.get('trivial');
    const measured = contenders.filter((c) => results.has(c.name));

    const rows: string[][] = [
      ['rebuild (all projections)', `${formatCount(oursRate)} events/s`, '', '', formatRatio(ratio(oursRate, rawRate)), '≥ 25,000 events/s and ≥ 0.3 × raw'],
      ['raw keyset read', `${formatCount(rawRate)} events/s`, '', '', '1.00', ''],
      ...measured.map((c) => {
        const r = results.get(c.name)!;
        return [
          c.name,
          `${formatCount(r.itemsPerSecond)} req/s`,
          r.latencyMs.p50.toFixed(1),
          r.latencyMs.p99.toFixed(1),
          formatRatio(ratio(r.itemsPerSecond, trivial?.itemsPerSecond)),
          c.name === 'trivial' ? '' : '≥ 0.5 × trivial, p99 ≤ 50 ms',
        ];
      }),
    ];
    log('');
    log(
      `read models over ${formatCount(events)} events (${Number.isNaN(seededEvents) ? 'a reused database' : `${seededEvents} through the command path`}), ${CLIENTS} clients, ${API_REPLICAS} API process(es)`,
    );
    log(
      formatTable(
        [
          { header: 'what' },
          { header: 'rate', align: 'right' },
          { header: 'p50 ms', align: 'right' },
          { header: 'p99 ms', align: 'right' },
          { header: 'vs baseline', align: 'right' },
          { header: 'target' },
        ],
        rows,
      ),
    );
    const summary = {
      bench: 'read-models',
      events,
      rebuild: { ours: Math.round(oursRate), raw: Math.round(rawRate), oursVsRaw: round(oursRate / rawRate, 3) },
      queries: measured.map((c) => {
        const r = results.get(c.name)!;
        return {
          name: c.name,
          rps: round(r.itemsPerSecond, 1),
          p50: round(r.latencyMs.p50, 2),
          p99: round(r.latencyMs.p99, 2),
          vsTrivial: trivial ? round(r.itemsPerSecond / trivial.itemsPerSecond, 3) : null,
        };
      }),
      apiReplicas: API_REPLICAS,
    };
    await store.close();
    await ds.destroy();
    process.stdout.write(`${summaryLine(summary)}\n`);
  } finally {
    for (const a of apis) a.kill('SIGTERM');
    await server.stop();
    if (!KEEP_DIR) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  log(`bench:read-models failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
