/**
 * Faults of the database server under a registry configured with DATABASE_URL (the server is not the registry's
 * to restart): a restart, a crash (kill -9 of the postmaster) and a 10 s outage, with 8 writers through HTTP.
 * The API must come back by itself each time, without a restart of its own.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureDatabase, freePort, loadConfig, startEmbeddedDatabase } from '#runtime';
import { waitForExit } from '../../libs/runtime/src/embedded-postgres/postmaster-pid.js';
import { PostmasterSupervisor } from '../../libs/runtime/src/embedded-postgres/postmaster.supervisor.js';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { RegistryProcess } from './support/registry-process.js';
import { checkDurability, report, WriteLoad } from './support/write-load.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Stated recovery time after the server is back (README, Operations). */
const RECOVERY_LIMIT_MS = 30_000;
const OUTAGE_MS = 10_000;

let dir: string;
let server: PostmasterSupervisor;
let pgPort: number;
let app: RegistryProcess;
let token: string;
let databaseUrl: string;

/** The database server as an operator's PostgreSQL: not restarted by anyone but this test (maxRestarts 0). */
async function startServer(): Promise<void> {
  // After kill -9 the old backends hold the shared memory a moment longer; PostgreSQL refuses to start until then.
  for (let attempt = 0; ; attempt++) {
    try {
      server = new PostmasterSupervisor({ dataDir: join(dir, 'pg'), port: pgPort, asPostgresUser: process.getuid?.() === 0, maxRestarts: 0 });
      await server.start();
      return;
    } catch (err) {
      if (attempt >= 40) throw err;
      await sleep(250);
    }
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'registry-faults-external-'));
  chmodSync(dir, 0o755);
  pgPort = await freePort();
  const init = await startEmbeddedDatabase({ dataDir: join(dir, 'pg'), port: pgPort });
  databaseUrl = await ensureDatabase(init.url, 'registry');
  await init.stop();
  await startServer();
  const port = await freePort();
  app = new RegistryProcess(port, { DATABASE_URL: databaseUrl, DATA_DIR: join(dir, 'app'), PROJECTOR: 'embedded' });
  await app.ready();
  token = await issueLocalToken(loadConfig({ ...process.env, DATA_DIR: join(dir, 'app') }), { sub: 'fault-suite-admin', role: 'admin' });
}, 180_000);

afterEach(() => WriteLoad.abortAll());

afterAll(async () => {
  await app?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function scenario(name: string, fault: () => Promise<void>, limitMs: number, extra: Record<string, unknown> = {}): Promise<void> {
  const load = new WriteLoad(() => app.url, token);
  await load.untilAcks(40);
  const faultAt = Date.now();
  await fault();
  const recoveryMs = await load.untilRecovered(faultAt, RECOVERY_LIMIT_MS + OUTAGE_MS * 3);
  const figures = await load.stop();
  const durability = await checkDurability(databaseUrl, load.acks);
  const projectorCatchUpMs = await app.projectorCaughtUp();
  const ready = await app.health('ready');
  report(name, { ...figures, ...durability, recoveryMs, projectorCatchUpMs, ...extra });

  expect(durability).toEqual({ lost: 0, duplicates: 0, doubleFirstReceipts: 0 });
  expect(ready).toBe(200);
  expect(await app.health('live')).toBe(200);
  expect(figures.failedAttempts).toBeGreaterThan(0); // the writers really did run into the fault
  expect(recoveryMs).toBeLessThan(limitMs);
}

describe('fault suite: the API rides out its database server’s faults', () => {
  it('PostgreSQL restart (fast shutdown, start) under 8 writers', async () => {
    await scenario(
      'postgres-restart',
      async () => {
        await server.stop();
        await startServer();
      },
      RECOVERY_LIMIT_MS,
    );
  }, 180_000);

  it('PostgreSQL crash (kill -9 of the postmaster) under 8 writers', async () => {
    await scenario(
      'postgres-crash',
      async () => {
        const pid = server.pid!;
        process.kill(pid, 'SIGKILL');
        await waitForExit(pid, 10_000);
        await startServer();
      },
      RECOVERY_LIMIT_MS,
    );
  }, 180_000);

  it('PostgreSQL outage of 10 s under 8 writers', async () => {
    await scenario(
      'postgres-outage-10s',
      async () => {
        await server.stop();
        await sleep(OUTAGE_MS);
        await startServer();
      },
      OUTAGE_MS + RECOVERY_LIMIT_MS,
      { outageMs: OUTAGE_MS },
    );
  }, 180_000);
});
