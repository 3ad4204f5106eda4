/**
 * Issue 14, programme-wide queries: one programme's `screeningKpis` must not get dearer because another programme
 * exists. Two databases in one embedded PostgreSQL server:
 *  - quiet: programme KA alone (BENCH_KPI_PARTICIPANTS, default 100,000 screened participants, 125,000 invitations);
 *  - noisy: the same programme KA (same seed, so the same rows) beside an unrelated programme KB with
 *    BENCH_KPI_NOISE (default 1,000,000) screenings, its invitations and interval cancers.
 * One API process per database (projector off: the read models are filled), each asked for KA's KPIs over HTTP with a
 * real signed token. The requests alternate between the two (quiet, noisy, noisy, quiet, …: each pair in the other
 * order than the last) so that a machine that drifts faster or slower weighs on both sides alike; the median of
 * BENCH_KPI_REPEATS (default 40) requests per side counts. Target: msWithNoise / msAlone ≤ 1.2.
 *
 * The read-model tables are filled with SQL (generate_series, test/bench/analytics/analytics-fill.ts), not through the
 * write side and the projector: event-sourcing 1.1 M screenings would take far longer than what is measured here, and
 * the rows have the shapes the projector writes. The noise is written before KA in the noisy database, then both are
 * VACUUM ANALYZEd (what autovacuum does after a bulk load) so that both sides meet their tables in a steady state.
 *
 * BENCH_DIR=<dir> keeps the databases there and reuses them on the next run (no refill); BENCH_KPI_PORT (4301) is the
 * quiet API's port, the noisy one listens on the next.
 * Prints a table on stderr and, as the last stdout line, `{"bench":"scale-kpis",…}`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import pg from 'pg';
import { runMigrations } from '../../../migrations/data-source.js';
import { ensureDatabase, ensureEmbeddedLogins, startEmbeddedDatabase } from '#runtime';
import { fillAnalytics } from '../analytics/analytics-fill.js';
import { formatTable, percentile, ratio, round, summaryLine } from '../bench-harness.js';

const PARTICIPANTS = Number(process.env['BENCH_KPI_PARTICIPANTS'] ?? 100_000);
const NOISE = Number(process.env['BENCH_KPI_NOISE'] ?? 1_000_000);
const REPEATS = Math.max(2, Number(process.env['BENCH_KPI_REPEATS'] ?? 40));
const WARMUP = Math.max(1, Number(process.env['BENCH_KPI_WARMUP'] ?? 5));
const PORT = Number(process.env['BENCH_KPI_PORT'] ?? 4301);
const KEEP_DIR = process.env['BENCH_DIR'];

const log = (line: string): void => void process.stderr.write(`${line}\n`);

const KPIS = `query($input: ScreeningKpiInput!) { screeningKpis(input: $input) { programmeName computedAtPosition
  groups { roundType roundId siteId counts { invited screened recalled screenDetected interval0to11 interval12to23 }
           kpis { kpi numerator denominator estimate lower upper flag } } } }`;

export interface KpisMeasurement {
  readonly msAlone: number;
  readonly msWithNoise: number;
  readonly ratio: number;
}

async function startApi(env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  // With the node flags the image and `npm start` give it (infra/docker-entrypoint.sh).
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const line = /^\s*api\)\s+exec node ((?:--\S+ )*)(\S+)/m.exec(readFileSync(join(root, 'infra/docker-entrypoint.sh'), 'utf8'));
  if (!line) throw new Error('no api command in infra/docker-entrypoint.sh');
  const flags = line[1]!.split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...flags, join(root, line[2]!)], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = `http://127.0.0.1:${env['PORT']}/graphql`;
  for (let i = 0; i < 600; i++) {
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

/** Fills one database unless it already holds programme KA (a reused BENCH_DIR). */
async function fill(url: string, withNoise: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query(`SELECT 1 FROM read_model.screening_programmes WHERE programme_id = 'KA-PROG'`);
    if (rowCount) return;
    const query = (sql: string, params?: unknown[]) => client.query(sql, params);
    const t0 = performance.now();
    // Distinct seeds give the two programmes disjoint position ranges (analytics-fill.ts derives them from the seed).
    if (withNoise) await fillAnalytics(query, { prefix: 'KB', subjects: 0, readings: NOISE, invitations: true, seed: 0.5 });
    await fillAnalytics(query, { prefix: 'KA', subjects: 0, readings: PARTICIPANTS, invitations: true, checkpoint: true, seed: 0.1 });
    await client.query('VACUUM ANALYZE');
    log(`filled ${withNoise ? 'noisy' : 'quiet'} database in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await client.end();
  }
}

async function timedPost(url: string, token: string): Promise<{ ms: number; body: string }> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: KPIS, variables: { input: { programmeId: 'KA-PROG', bySite: true } } }),
  });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200 || !body.startsWith('{"data":') || body.includes('"errors":')) throw new Error(`GraphQL error: ${body.slice(0, 300)}`);
  return { ms, body };
}

export async function measureKpis(): Promise<KpisMeasurement> {
  const dir = KEEP_DIR ?? mkdtempSync(join(tmpdir(), 'registry-bench-kpis-'));
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777); // under root the server runs as an unprivileged user that must reach its data directory
  const reuse = KEEP_DIR !== undefined && existsSync(join(dir, 'data', 'PG_VERSION'));
  const server = await startEmbeddedDatabase({
    dataDir: join(dir, 'data'),
    persistent: KEEP_DIR !== undefined,
    ...(process.env['EMBEDDED_PG_PORT'] ? { port: Number(process.env['EMBEDDED_PG_PORT']) } : {}),
  });
  const apis: ChildProcess[] = [];
  try {
    const quietUrl = await ensureDatabase(server.url, 'kpis_quiet');
    const noisyUrl = await ensureDatabase(server.url, 'kpis_noisy');
    for (const url of [quietUrl, noisyUrl]) await runMigrations(url);
    if (reuse) log(`reusing the databases in ${dir}`);
    await fill(quietUrl, false);
    await fill(noisyUrl, true);

    const idp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // A reused BENCH_DIR holds key rings sealed with the master key of its first run.
    const masterKeyFile = join(dir, 'privacy-master-key');
    if (!existsSync(masterKeyFile)) writeFileSync(masterKeyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    const masterKey = readFileSync(masterKeyFile, 'utf8');
    // Production refuses to start without a seal signing key (services/registry-api/src/audit/seal-signing.ts).
    const sealKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // As deployed: the API logs in as a member of registry_app (it refuses a superuser), migrations as the owner.
    const env = async (url: string, port: number, name: string): Promise<Record<string, string>> => {
      const logins = await ensureEmbeddedLogins(url, join(dir, 'logins'));
      return {
        DATABASE_URL: logins.appUrl,
        MIGRATION_DATABASE_URL: logins.ownerUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'silent',
        DATA_DIR: join(dir, name),
        PROJECTOR: 'off',
        RATE_LIMIT_PER_MINUTE: '1000000',
        NODE_ENV: 'production',
        OIDC_ISSUER: 'https://idp.bench.invalid',
        OIDC_AUDIENCE: 'registry-api',
        AUTH_PUBLIC_KEY: idp.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        PRIVACY_MASTER_KEY: masterKey,
        AUDIT_SEAL_SIGNING_KEY: sealKey,
      };
    };
    const quiet = await startApi(await env(quietUrl, PORT, 'app-quiet'));
    apis.push(quiet.proc);
    const noisy = await startApi(await env(noisyUrl, PORT + 1, 'app-noisy'));
    apis.push(noisy.proc);
    const token = await new SignJWT({ role: 'screening_manager', programmes: ['KA-PROG'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('bench-manager')
      .setIssuer('https://idp.bench.invalid')
      .setAudience('registry-api')
      .setExpirationTime('2h')
      .sign(idp.privateKey);

    // Same answer on both sides (the noise must not change KA's KPIs), and warm-ups: compiled documents, prepared
    // plans, KA's pages in the cache.
    const a = await timedPost(quiet.url, token);
    const b = await timedPost(noisy.url, token);
    if (a.body !== b.body) throw new Error('programme KA has different KPIs beside programme KB');
    for (let i = 0; i < WARMUP; i++) {
      await timedPost(quiet.url, token);
      await timedPost(noisy.url, token);
    }
    const alone: number[] = [];
    const withNoise: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const order =
        i % 2 === 0
          ? ([
              [quiet, alone],
              [noisy, withNoise],
            ] as const)
          : ([
              [noisy, withNoise],
              [quiet, alone],
            ] as const);
      for (const [api, samples] of order) samples.push((await timedPost(api.url, token)).ms);
    }
    alone.sort((x, y) => x - y);
    withNoise.sort((x, y) => x - y);
    const msAlone = round(percentile(alone, 50), 1);
    const msWithNoise = round(percentile(withNoise, 50), 1);
    log('');
    log(`screeningKpis of one programme (${PARTICIPANTS.toLocaleString('en-US')} participants, bySite) over HTTP, ${REPEATS} interleaved requests per side`);
    log(
      formatTable(
        [{ header: 'database' }, { header: 'p50 ms', align: 'right' }, { header: 'p90 ms', align: 'right' }, { header: 'min ms', align: 'right' }],
        [
          ['alone', msAlone.toFixed(1), percentile(alone, 90).toFixed(1), alone[0]!.toFixed(1)],
          [
            `with ${NOISE.toLocaleString('en-US')} unrelated screenings`,
            msWithNoise.toFixed(1),
            percentile(withNoise, 90).toFixed(1),
            withNoise[0]!.toFixed(1),
          ],
        ],
      ),
    );
    return { msAlone, msWithNoise, ratio: ratio(msWithNoise, msAlone) ?? Number.NaN };
  } finally {
    for (const api of apis) api.kill('SIGTERM');
    await server.stop();
    if (!KEEP_DIR) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  measureKpis()
    .then((m) => process.stdout.write(`${summaryLine({ bench: 'scale-kpis', participants: PARTICIPANTS, noiseScreenings: NOISE, repeats: REPEATS, ...m })}\n`))
    .catch((err: unknown) => {
      log(`bench scale-kpis failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    });
}
