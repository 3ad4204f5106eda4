import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { projections } from '../projector.module.js';
import { ProjectionRebuilder } from '../rebuild/projection-rebuilder.js';
import { snapshotReadModel, waitForCatchUp } from '../testing/read-model-snapshot.js';
import { writeSyntheticRegistry } from '../testing/synthetic-registry.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const loader = fileURLToPath(new URL('../../../../test/support/ts-loader.mjs', import.meta.url));
const child = fileURLToPath(new URL('../testing/projector-child.ts', import.meta.url));

function startProjector(url: string, eventStoreUrl: string): { proc: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  let err = '';
  const proc = spawn(process.execPath, ['--import', loader, child], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, EVENT_STORE_URL: eventStoreUrl, PROJECTOR_BATCH: '300', NODE_OPTIONS: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, exited, stderr: () => err };
}

describe('projector crash safety', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;
  let total = 0;
  const all = projections();
  const names = all.map((p) => p.name);

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.appUrl)).initialize();
    store = new PostgresEventStore({ connectionString: db.eventStoreAppUrl });
    total = (await writeSyntheticRegistry(store, { subjects: 1000, seed: 3, concurrency: 12 })).events;
  }, 120_000);
  afterAll(async () => {
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  const checkpoint = async (name: string): Promise<bigint> => {
    const rows = (await ds.query(`SELECT prepare_position FROM read_model.projection_checkpoints WHERE name = $1 AND live`, [name])) as {
      prepare_position: string | null;
    }[];
    return rows[0]?.prepare_position ? BigInt(rows[0].prepare_position) : -1n;
  };

  it('SIGKILLed repeatedly mid catch-up, then restarted, leaves the read model equal to a clean rebuild, row for row', async () => {
    expect(total).toBeGreaterThan(20_000);
    const end = (await store.readHead())!.prepare;
    const killedAt: bigint[] = [];
    for (let kill = 0; kill < 4; kill++) {
      const before = await checkpoint('subjects');
      const p = startProjector(db.appUrl, db.eventStoreAppUrl);
      // Wait until this process has committed batches, then kill it at an arbitrary moment of its next ones.
      const deadline = Date.now() + 20_000;
      while ((await checkpoint('subjects')) <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 150)));
      p.proc.kill('SIGKILL');
      expect(await p.exited).toBeNull();
      const at = await checkpoint('subjects');
      expect(at).toBeGreaterThan(before);
      killedAt.push(at);
    }
    // It was killed in the middle of catching up, every time.
    for (const at of killedAt) expect(at).toBeLessThan(end);

    const final = startProjector(db.appUrl, db.eventStoreAppUrl);
    await waitForCatchUp(ds, store, names, 60_000);
    final.proc.kill('SIGTERM');
    expect(await final.exited).toBe(0);
    expect(final.stderr()).toBe('');

    const afterCrashes = await snapshotReadModel(ds, all);
    expect(afterCrashes['measurements']!.length).toBeGreaterThan(10_000);
    await new ProjectionRebuilder(store, ds).rebuild(all);
    const clean = await snapshotReadModel(ds, all);
    for (const table of Object.keys(clean)) expect({ table, rows: afterCrashes[table] }).toEqual({ table, rows: clean[table] });
  }, 120_000);
});
