/**
 * Faults of the embedded default (`npm start` with DATABASE_URL unset): kill -9 of the API, kill -9 of the embedded
 * PostgreSQL, and an embedded PostgreSQL that cannot come back. 8 writers keep writing through HTTP throughout.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, loadConfig } from '#runtime';
import { waitForExit } from '../../libs/runtime/src/embedded-postgres/postmaster-pid.js';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { RegistryProcess } from './support/registry-process.js';
import { checkDurability, report, WriteLoad } from './support/write-load.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Stated recovery times (README, Operations): the database restarts within seconds, the API boots within a minute. */
const DATABASE_RECOVERY_LIMIT_MS = 30_000;
const API_RESTART_LIMIT_MS = 90_000;

let dataDir: string;
let env: Record<string, string>;
let port: number;
let pgPort: number;
let app: RegistryProcess;
let token: string;
const databaseUrl = () => `postgres://postgres:postgres@127.0.0.1:${pgPort}/registry`;
const postmasterPid = () => Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

async function startApp(): Promise<RegistryProcess> {
  const next = new RegistryProcess(port, env);
  app = next;
  await next.ready();
  return next;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'registry-faults-embedded-'));
  chmodSync(dataDir, 0o755); // under root the embedded PostgreSQL runs as `postgres` and must enter it
  [port, pgPort] = [await freePort(), await freePort()];
  env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) };
  await startApp();
  token = await issueLocalToken(loadConfig({ ...process.env, DATA_DIR: dataDir }), { sub: 'fault-suite-admin', role: 'admin' });
}, 180_000);

afterEach(() => WriteLoad.abortAll());

afterAll(async () => {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('fault suite: the embedded default heals itself', () => {
  it('embedded PostgreSQL kill -9 under 8 writers: restarted by its supervisor, the API reconnects, nothing lost', async () => {
    const load = new WriteLoad(() => app.url, token);
    await load.untilAcks(40);
    const pid = postmasterPid();
    process.kill(pid, 'SIGKILL');
    const faultAt = Date.now();
    await waitForExit(pid, 10_000);
    const recoveryMs = await load.untilRecovered(faultAt, DATABASE_RECOVERY_LIMIT_MS * 2);
    const figures = await load.stop();
    const durability = await checkDurability(databaseUrl(), load.acks);
    const projectorCatchUpMs = await app.projectorCaughtUp();
    const live = await fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.json() as Promise<any>);
    report('embedded-database-kill-9', {
      ...figures,
      ...durability,
      recoveryMs,
      projectorCatchUpMs,
      supervisorRestarts: live.details.embedded_database.restarts,
    });

    expect(durability).toEqual({ lost: 0, duplicates: 0, doubleFirstReceipts: 0 });
    expect(recoveryMs).toBeLessThan(DATABASE_RECOVERY_LIMIT_MS);
    expect(live.details.embedded_database).toMatchObject({ status: 'up', state: 'running', restarts: 1 });
    expect(postmasterPid()).not.toBe(pid);
  }, 180_000);

  it('API kill -9 under 8 writers: the restart on the same DATA_DIR and ports just works, nothing lost', async () => {
    const load = new WriteLoad(() => app.url, token);
    await load.untilAcks(40);
    const killed = app;
    killed.kill('SIGKILL');
    expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const faultAt = Date.now();
    // A supervisor (Kubernetes, systemd, Docker) restarts the process at once, while its database may still run.
    await startApp();
    const recoveryMs = await load.untilRecovered(faultAt, API_RESTART_LIMIT_MS * 2);
    const figures = await load.stop();
    const durability = await checkDurability(databaseUrl(), load.acks);
    const projectorCatchUpMs = await app.projectorCaughtUp();
    report('api-kill-9', { ...figures, ...durability, recoveryMs, projectorCatchUpMs });

    expect(durability).toEqual({ lost: 0, duplicates: 0, doubleFirstReceipts: 0 });
    expect(recoveryMs).toBeLessThan(API_RESTART_LIMIT_MS);
    expect(figures.retriedCommands).toBeGreaterThan(0); // the writers really did run into the dead API
  }, 300_000);

  it('embedded PostgreSQL that cannot be restarted: /health/live fails, and a restart of the process recovers, nothing lost', async () => {
    const load = new WriteLoad(() => app.url, token);
    await load.untilAcks(40);
    const pgVersion = join(dataDir, 'postgres', 'PG_VERSION');
    // PostgreSQL refuses a data directory without PG_VERSION: every supervised restart fails.
    renameSync(pgVersion, `${pgVersion}.hidden`);
    const pid = postmasterPid();
    process.kill(pid, 'SIGKILL');
    const faultAt = Date.now();
    let livenessFailedMs: number | undefined;
    for (let waited = 0; waited < 60_000 && livenessFailedMs === undefined; waited += 200) {
      if ((await app.health('live')) === 503) livenessFailedMs = Date.now() - faultAt;
      else await sleep(200);
    }
    expect(livenessFailedMs).toBeDefined();
    // What the process supervisor does when liveness fails: kill and start again (the broken disk repaired).
    app.kill('SIGKILL');
    await app.exited;
    renameSync(`${pgVersion}.hidden`, pgVersion);
    await startApp();
    const recoveryMs = await load.untilRecovered(faultAt, API_RESTART_LIMIT_MS * 2);
    const figures = await load.stop();
    const durability = await checkDurability(databaseUrl(), load.acks);
    const projectorCatchUpMs = await app.projectorCaughtUp();
    report('embedded-database-unrecoverable', { ...figures, ...durability, livenessFailedMs, recoveryMs, projectorCatchUpMs });

    expect(durability).toEqual({ lost: 0, duplicates: 0, doubleFirstReceipts: 0 });
    expect(existsSync(pgVersion)).toBe(true);
    expect(await app.health('live')).toBe(200);
  }, 300_000);
});
