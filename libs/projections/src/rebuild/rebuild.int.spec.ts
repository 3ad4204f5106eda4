import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '#event-store';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { EventTypeCountsProjection } from '../projections/event-type-counts.projection.js';
import { projections } from '../projector.module.js';
import { ProjectionRunner } from '../subscription/projection-runner.js';
import { snapshotReadModel, waitForCatchUp } from '../testing/read-model-snapshot.js';
import { writeSyntheticRegistry } from '../testing/synthetic-registry.js';
import { ProjectionRebuilder } from './projection-rebuilder.js';

const quiet = { log: () => undefined, error: () => undefined };

describe('versioned rebuilds', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;
  const all = projections();
  const names = all.map((p) => p.name);

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.appUrl)).initialize();
    store = new PostgresEventStore({ connectionString: db.eventStoreAppUrl });
    await writeSyntheticRegistry(store, { subjects: 300, seed: 5 });
  });
  afterAll(async () => {
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  it('builds beside the live tables while the live projector and queries go on, then swaps in atomically', async () => {
    let runners = all.map((p) => new ProjectionRunner(p, store, ds, quiet));
    runners.forEach((r) => r.start());
    await waitForCatchUp(ds, store, names);
    const liveBefore = Number((await ds.query(`SELECT count(*) AS n FROM read_model.measurements WHERE superseded_at IS NULL`))[0].n);

    // Queries run all along: none may fail, and none may see fewer measurements than the live model had.
    let querying = true;
    const seen: number[] = [];
    const failures: unknown[] = [];
    const reader = (async () => {
      while (querying) {
        try {
          const [r] = (await ds.query(
            `SELECT count(*)::int AS n FROM read_model.measurements m JOIN read_model.subjects s USING (subject_id) WHERE m.superseded_at IS NULL`,
          )) as { n: number }[];
          seen.push(r!.n);
        } catch (err) {
          failures.push(err);
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();

    let shadowRows = -1;
    let liveDuringRebuild = -1;
    const rebuild = new ProjectionRebuilder(store, ds).rebuild(all, {
      batchSize: 700,
      beforeSwap: async (p) => {
        if (p.name !== 'subjects') return;
        shadowRows = Number((await ds.query(`SELECT count(*) AS n FROM read_model_rebuild.measurements WHERE superseded_at IS NULL`))[0].n);
        liveDuringRebuild = Number((await ds.query(`SELECT count(*) AS n FROM read_model.measurements WHERE superseded_at IS NULL`))[0].n);
      },
    });
    // New events while rebuilding: the live projector applies them, the rebuild picks them up before its swap.
    await writeSyntheticRegistry(store, { subjects: 40, seed: 6 });
    await rebuild;
    await waitForCatchUp(ds, store, names);
    querying = false;
    await reader;

    expect(failures).toEqual([]);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(liveBefore);
    expect(shadowRows).toBeGreaterThanOrEqual(liveBefore);
    expect(liveDuringRebuild).toBeGreaterThanOrEqual(liveBefore);
    // One live checkpoint per projection, nothing left in read_model_rebuild, no rebuild in progress.
    const checkpoints = (await ds.query(`SELECT name, live FROM read_model.projection_checkpoints ORDER BY name`)) as { name: string; live: boolean }[];
    expect(checkpoints.map((c) => c.name)).toEqual([...names].sort());
    expect(checkpoints.every((c) => c.live)).toBe(true);
    expect(Number((await ds.query(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'read_model_rebuild'`))[0].n)).toBe(0);
    expect(Number((await ds.query(`SELECT count(*) AS n FROM read_model.projection_rebuilds`))[0].n)).toBe(0);

    // The live projector went on after the swap: the result equals another clean rebuild.
    await Promise.all(runners.map((r) => r.stop()));
    const afterSwap = await snapshotReadModel(ds, all);
    await new ProjectionRebuilder(store, ds).rebuild(all);
    expect(await snapshotReadModel(ds, all)).toEqual(afterSwap);

    // A new code version is rebuilt beside version 1 by the runner itself and replaces it.
    class EventTypeCountsV2 extends EventTypeCountsProjection {
      override readonly version = 2;
    }
    const before = await snapshotReadModel(ds, [new EventTypeCountsProjection()]);
    runners = [new ProjectionRunner(new EventTypeCountsV2(), store, ds, quiet)];
    runners.forEach((r) => r.start());
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const [row] = (await ds.query(`SELECT version FROM read_model.projection_checkpoints WHERE name = 'event-type-counts' AND live`)) as {
        version: number;
      }[];
      if (row?.version === 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitForCatchUp(ds, store, ['event-type-counts']);
    await Promise.all(runners.map((r) => r.stop()));
    expect((await ds.query(`SELECT version FROM read_model.projection_checkpoints WHERE name = 'event-type-counts'`)) as unknown[]).toEqual([{ version: 2 }]);
    expect(await snapshotReadModel(ds, [new EventTypeCountsProjection()])).toEqual(before);
  });

  it('resumes an interrupted rebuild where it stopped, also after the database server restarted', async () => {
    const live = await snapshotReadModel(ds, all);
    const total = await store.countEvents();
    let pages = 0;
    const first = await new ProjectionRebuilder(store, ds).rebuild(all, {
      batchSize: 500,
      onProgress: () => void pages++,
      shouldStop: () => pages > 3,
    });
    expect(first.events).toBeGreaterThan(0);
    expect(first.events).toBeLessThan(total);
    // As if the server had restarted since: every page and its checkpoint commit together, so what survived a
    // restart (or a crash) is a consistent prefix of the log, whatever the asynchronous commit lost.
    await ds.query(`UPDATE read_model.projection_rebuilds SET started_at = pg_postmaster_start_time() - interval '1 minute'`);

    const resumedFrom: (number | null)[] = [];
    const second = await new ProjectionRebuilder(store, ds).rebuild(all, {
      batchSize: 500,
      resume: true,
      onProgress: (p) => void (resumedFrom.length === 0 && resumedFrom.push(p.total)),
    });
    expect(resumedFrom[0]).toBe(total - first.events);
    expect(second.events).toBe(total - first.events);
    expect(await snapshotReadModel(ds, all)).toEqual(live);
    // Swapped in with planner statistics (ANALYZE by the rebuild, not left to autovacuum).
    const analysed = (await ds.query(
      `SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'read_model' AND relname = ANY ($1::text[]) AND last_analyze IS NOT NULL`,
      [all.flatMap((p) => p.tables)],
    )) as { relname: string }[];
    expect(analysed.map((r) => r.relname).sort()).toEqual(all.flatMap((p) => p.tables).sort());

    // Interrupted again, then a migration adds a column to a live table: the old new tables lack it, so the
    // rebuild starts over rather than fail on every page.
    pages = 0;
    await new ProjectionRebuilder(store, ds).rebuild(all, { batchSize: 500, onProgress: () => void pages++, shouldStop: () => pages > 3 });
    // The migration runs as the owner; the rebuild (the projector) has no DDL rights of its own.
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    await owner.query(`ALTER TABLE read_model.outcomes ADD COLUMN probe text`);
    resumedFrom.length = 0;
    await new ProjectionRebuilder(store, ds).rebuild(all, {
      batchSize: 500,
      resume: true,
      onProgress: (p) => void (resumedFrom.length === 0 && resumedFrom.push(p.total)),
    });
    expect(resumedFrom[0]).toBe(total);
    expect(((await ds.query(`SELECT count(*)::int AS n FROM read_model.outcomes WHERE probe IS NULL`)) as { n: number }[])[0]!.n).toBeGreaterThan(0);
    await owner.query(`ALTER TABLE read_model.outcomes DROP COLUMN probe`);
    await owner.end();
    expect(await snapshotReadModel(ds, all)).toEqual(live);
  });
});
