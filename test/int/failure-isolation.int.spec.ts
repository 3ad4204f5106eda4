import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore, type RecordedEvent } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { GetRegistryStatusHandler } from '../../services/registry-api/src/status/get-registry-status.query.js';
import { EventTypeCountsProjection, type Projection, ProjectionRebuilder, ProjectionRunner } from '#projections';
import { waitForCatchUp } from '../../libs/projections/src/testing/read-model-snapshot.js';

/** Chokes on one event type, as a projection with a bug would. */
class FragileProjection implements Projection {
  readonly name = 'fragile';
  readonly tables = [];
  constructor(
    readonly version: number,
    private readonly choke: boolean,
  ) {}

  async apply(events: readonly RecordedEvent[]): Promise<void> {
    if (this.choke && events.some((e) => e.type === 'Poison')) throw new Error('cannot digest Poison');
  }
}

describe('a projection failing on an event', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.appUrl)).initialize();
    store = new PostgresEventStore({ connectionString: db.eventStoreAppUrl });
  });
  afterAll(async () => {
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  it('stops only that projection, records the event and the error, shows in registryStatus, and resumes after a rebuild', async () => {
    const stream = `lab-${randomUUID()}`;
    const ev = (type: string) => ({ id: randomUUID(), type, data: { n: 1 } });
    const before = await store.appendToStream(stream, [ev('Fine'), ev('Fine')], { expectedRevision: 'no_stream' });
    const poison = await store.appendToStream(stream, [ev('Poison')], { expectedRevision: 'any' });
    await store.appendToStream(stream, [ev('Fine'), ev('Fine')], { expectedRevision: 'any' });

    const runners = [new FragileProjection(1, true), new EventTypeCountsProjection()].map(
      (p) => new ProjectionRunner(p, store, ds, { log: () => undefined, error: () => undefined }, { idlePollMs: 50 }),
    );
    runners.forEach((r) => r.start());
    await waitForCatchUp(ds, store, ['event-type-counts']);
    let failed: { state: string; failed_position: string | null; error: string | null; prepare_position: string | null } | undefined;
    for (let i = 0; i < 200 && failed?.state !== 'failed'; i++) {
      [failed] = (await ds.query(
        `SELECT state, failed_position::text, error, prepare_position::text FROM read_model.projection_checkpoints WHERE name = 'fragile'`,
      )) as never[];
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(failed).toMatchObject({
      state: 'failed',
      failed_position: poison.position.prepare.toString(),
      prepare_position: before.position.prepare.toString(),
    });
    expect(failed!.error).toContain('cannot digest Poison');
    // The other projection went past the poison event.
    expect(Number((await ds.query(`SELECT count FROM read_model.event_type_counts WHERE event_type = 'Fine'`))[0].count)).toBe(4);

    const status = await new GetRegistryStatusHandler(ds, store).execute();
    expect(status.projections.find((p) => p.name === 'fragile')).toMatchObject({ state: 'FAILED', failedAt: poison.position.prepare.toString(), lag: 3 });
    expect(status.projections.find((p) => p.name === 'event-type-counts')).toMatchObject({ state: 'RUNNING', lag: 0 });

    // A fixed version, rebuilt and swapped in, runs again.
    await runners[0]!.stop();
    await new ProjectionRebuilder(store, ds).rebuild([new FragileProjection(2, false)]);
    const fixed = new ProjectionRunner(new FragileProjection(2, false), store, ds, { log: () => undefined, error: () => undefined });
    fixed.start();
    await waitForCatchUp(ds, store, ['fragile', 'event-type-counts']);
    const after = await new GetRegistryStatusHandler(ds, store).execute();
    expect(after.projections.find((p) => p.name === 'fragile')).toMatchObject({ state: 'RUNNING', version: 2, lag: 0, error: null, failedAt: null });
    await Promise.all([fixed.stop(), runners[1]!.stop()]);
  });
});
