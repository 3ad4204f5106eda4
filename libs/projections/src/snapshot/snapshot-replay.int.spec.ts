import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '#event-store';
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
