import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { comparePositions, PostgresEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { writeSyntheticRegistry, type SyntheticRegistry } from '../testing/synthetic-registry.js';
import { computeSnapshot } from './snapshot-replay.js';

describe('computeSnapshot (replay into scratch tables)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;
  let reg: SyntheticRegistry;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.appUrl)).initialize();
    store = new PostgresEventStore({ connectionString: db.eventStoreAppUrl });
    reg = await writeSyntheticRegistry(store, { subjects: 40, seed: 7 });
  });
  afterAll(async () => {
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  it('gives the same rows and hash for the same cut, a different hash for an earlier cut, and leaves no table behind', async () => {
    const scope = { kind: 'trial' as const, trialId: reg.trialIds[0]! };
    const now = await computeSnapshot(store, ds, scope, { kind: 'now' });
    expect(now.scopeFound).toBe(true);
    expect(now.tables.find((t) => t.table === 'measurements')!.rows).toBeGreaterThan(0);
    const again = await computeSnapshot(store, ds, scope, { kind: 'position', position: now.position! }, { pageSize: 37 });
    expect(again.contentHash).toBe(now.contentHash);
    expect(again.tables).toEqual(now.tables);

    const all = await store.readAll({});
    const earlier = all[Math.floor(all.length / 2)]!.position;
    const half = await computeSnapshot(store, ds, scope, { kind: 'position', position: earlier });
    expect(half.position).toEqual(earlier);
    expect(half.contentHash).not.toBe(now.contentHash);
    // Nothing of the replay is left in the session or the live read model.
    const [t] = (await ds.query(`SELECT count(*)::int AS n FROM read_model.measurements`)) as { n: number }[];
    expect(t!.n).toBe(0);
  });
});

describe('computeSnapshot holds back nobody', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;
  let reg: SyntheticRegistry;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.appUrl)).initialize();
    store = new PostgresEventStore({ connectionString: db.eventStoreAppUrl });
    reg = await writeSyntheticRegistry(store, { subjects: 10, seed: 11 });
  });
  afterAll(async () => {
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  // readAll hands out only events of transactions older than the oldest running transaction id in the cluster: a
  // replay that kept one xid-bearing transaction open for its whole run would hide every append made meanwhile.
  it('lets an append made while a snapshot is being computed become visible to readAll promptly', async () => {
    const scope = { kind: 'trial' as const, trialId: reg.trialIds[0]! };
    const cut = (await store.readAll({})).at(-1)!.position;
    const seen: boolean[] = [];
    let pages = 0;
    const result = await computeSnapshot(
      store,
      ds,
      scope,
      { kind: 'position', position: cut },
      {
        pageSize: 50,
        onPage: async () => {
          pages++;
          if (pages !== 2) return;
          const id = randomUUID();
          const appended = await store.appendToStream(`probe-${id}`, [{ id, type: 'Probe', data: {} }], { expectedRevision: 'no_stream' });
          const deadline = Date.now() + 2000;
          let visible = false;
          while (!visible && Date.now() < deadline) {
            const page = await store.readAll({ after: cut });
            visible = page.some((e) => e.id === id && comparePositions(e.position, appended.position) === 0);
            if (!visible) await new Promise((r) => setTimeout(r, 50));
          }
          seen.push(visible);
        },
      },
    );
    expect(pages).toBeGreaterThan(2);
    expect(seen).toEqual([true]);
    // The cut stays the cut: the probe, after it, is not in the snapshot.
    expect(result.position).toEqual(cut);
  });
});
