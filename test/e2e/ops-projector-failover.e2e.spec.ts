import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '#event-store';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROJECTION = 'event-type-counts';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A standalone projector process (the real main.ts, TypeScript run through test/support/ts-loader.mjs). */
class ProjectorProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly port: number,
    databaseUrl: string,
    eventStoreUrl = databaseUrl,
  ) {
    this.child = spawn(process.execPath, ['--import', './test/support/ts-loader.mjs', 'services/registry-projector/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        DATABASE_URL: databaseUrl,
        ...(eventStoreUrl !== databaseUrl ? { EVENT_STORE_URL: eventStoreUrl } : {}),
        PROJECTOR_PORT: String(port),
        PROJECTOR_LOCK_POLL_MS: '100',
        LOG_LEVEL: 'info',
        DB_POOL_SIZE: '10',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  async metric(name: string, labels: string): Promise<number | undefined> {
    const text = await (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  }

  async isLeader(): Promise<boolean | undefined> {
    const v = await this.metric('registry_projector_leader', `projection="${PROJECTION}"`);
    return v === undefined ? undefined : v === 1;
  }

  async ready(): Promise<{ status: number; body: any }> {
    const res = await fetch(`http://127.0.0.1:${this.port}/health/ready`);
    return { status: res.status, body: await res.json() };
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

describe('projector failover: two processes, one active per projection (PostgreSQL advisory lock)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let sql: pg.Client;
  const procs: ProjectorProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ connectionString: db.eventStoreUrl });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await sql.end();
    await store.close();
    await db.drop();
  });

  it('keeps the read model advancing after SIGKILL of the leader, applying every event exactly once', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const a = new ProjectorProcess('A', portA, db.appUrl, db.eventStoreAppUrl);
    procs.push(a);
    try {
      await until('A to lead', async () => ((await a.isLeader()) ? true : undefined));
    } catch (err) {
      throw new Error(`${String(err)}\n${a.output.join('')}`);
    }
    const b = new ProjectorProcess('B', portB, db.appUrl, db.eventStoreAppUrl);
    procs.push(b);
    await until('B to report standby', async () => ((await b.isLeader()) === false ? true : undefined)).catch(async (err: unknown) => {
      const scrape = await fetch(`http://127.0.0.1:${b.port}/metrics`).then(
        (r) => r.text(),
        (e: unknown) => String(e),
      );
      throw new Error(`${String(err)}\n--- B /metrics: ${scrape.slice(0, 2000)}\n--- B output:\n${b.output.join('')}`);
    });
    // A standby is ready: waiting for the lock is its job, so Kubernetes must not restart it.
    const standby = await b.ready();
    expect(standby.status).toBe(200);
    expect(standby.body.details.projector.projections).toEqual(expect.arrayContaining([expect.objectContaining({ name: PROJECTION, role: 'standby' })]));

    // Append continuously from here on, single events on a few streams (concurrent writers, like the API).
    let appended = 0;
    let writing = true;
    const revisions = new Map<string, bigint>();
    const writers = [0, 1, 2].map(async (w) => {
      const stream = `failover-${w}${randomUUID().slice(0, 8)}`;
      while (writing) {
        const rev = revisions.get(stream);
        const r = await store.appendToStream(stream, [{ id: randomUUID(), type: `Tick${w}`, data: { n: appended } }], {
          expectedRevision: rev === undefined ? 'no_stream' : rev,
        });
        revisions.set(stream, r.nextExpectedRevision);
        appended++;
        await sleep(3);
      }
    });

    const checkpoint = async (): Promise<bigint> => {
      const { rows } = await sql.query<{ p: string | null }>(
        `SELECT prepare_position::text AS p FROM read_model.projection_checkpoints WHERE name = $1 AND live`,
        [PROJECTION],
      );
      return BigInt(rows[0]?.p ?? -1);
    };
    await until('A to apply some events', async () => ((await checkpoint()) > 20n ? true : undefined));
    a.kill('SIGKILL');
    expect(await a.exited).toBe(null);
    const atKill = await checkpoint();

    await until('B to take over', async () => ((await b.isLeader()) ? true : undefined), 10_000);
    await until('B to advance the read model', async () => ((await checkpoint()) > atKill + 20n ? true : undefined));
    writing = false;
    await Promise.all(writers);

    expect(await store.countEvents()).toBe(appended);
    const last = (await store.readHead())!.prepare;
    await until('B to catch up', async () => ((await checkpoint()) === last ? true : undefined));
    const { rows: counts } = await sql.query<{ total: string }>(`SELECT coalesce(sum(count), 0)::text AS total FROM read_model.event_type_counts`);
    // Exactly once: a batch applied by both A and B (or by A after losing the lock) would push the total above.
    expect(Number(counts[0]!.total)).toBe(appended);
    expect(await b.metric('registry_projector_leadership_changes_total', `change="acquired"`)).toBe(1);
    expect(await b.metric('registry_projector_lag_events', `projection="${PROJECTION}"`)).toBe(0);
    expect(await b.metric('registry_projector_checkpoint_position', `projection="${PROJECTION}"`)).toBe(Number(last));
  }, 60_000);
});
