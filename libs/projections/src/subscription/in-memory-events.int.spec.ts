import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InMemoryEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrationsOf } from '../../../../migrations/data-source.js';
import { createTestDatabase, readModelMigrationSet, type TestDatabase } from '../../../../test/support/test-database.js';
import { projections } from '../projector.module.js';
import { ProjectionRebuilder } from '../rebuild/projection-rebuilder.js';
import { snapshotReadModel, waitForCatchUp } from '../testing/read-model-snapshot.js';
import { writeSyntheticRegistry } from '../testing/synthetic-registry.js';
import { ProjectionRunner } from './projection-runner.js';

/*
 * The projector's catch-up runs on the port's subscribeToAll, whatever the adapter: here the events live in the
 * in-memory store (no PostgreSQL for the event side) and only the read models in PostgreSQL.
 */
describe('projections fed by the in-memory event store', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: InMemoryEventStore;
  const all = projections();
  const quiet = { log: () => undefined, error: () => undefined };

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.appUrl, { migrations: migrationsOf(readModelMigrationSet) })).initialize();
    store = new InMemoryEventStore();
  });
  afterAll(async () => {
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  it('catch up on history, follow live appends in small batches, and equal a rebuild row for row', async () => {
    await writeSyntheticRegistry(store, { subjects: 30, seed: 3 });
    const runners = all.map((p) => new ProjectionRunner(p, store, ds, quiet, { maxBatch: 37 }));
    runners.forEach((r) => r.start());
    try {
      await waitForCatchUp(
        ds,
        store,
        all.map((p) => p.name),
      );
      // Live: appended while the runners follow the subscription.
      await writeSyntheticRegistry(store, { subjects: 10, seed: 4 });
      await waitForCatchUp(
        ds,
        store,
        all.map((p) => p.name),
      );
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
    expect((await ds.query(`SELECT count(*)::int AS n FROM read_model.subjects`))[0].n).toBe(40);
    const [{ total }] = (await ds.query(`SELECT coalesce(sum(count), 0)::int AS total FROM read_model.event_type_counts`)) as { total: number }[];
    expect(total).toBe(await store.countEvents());
    const live = await snapshotReadModel(ds, all);
    await new ProjectionRebuilder(store, ds).rebuild(all, { batchSize: 101 });
    expect(await snapshotReadModel(ds, all)).toEqual(live);
  });
});
