import type { RecordedEvent } from '#event-store';
import type { EntityManager } from 'typeorm';
import type { Projection } from './projection.js';

/** Counts events per type; the status page shows them and tests use it to see the projector move. */
export class EventTypeCountsProjection implements Projection {
  readonly name = 'event-type-counts';
  readonly version = 1;

  async apply(events: readonly RecordedEvent[], manager: EntityManager): Promise<void> {
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    await manager.query(
      `INSERT INTO read_model.event_type_counts (event_type, count)
       SELECT * FROM unnest($1::text[], $2::bigint[])
       ON CONFLICT (event_type) DO UPDATE SET count = event_type_counts.count + excluded.count`,
      [[...counts.keys()], [...counts.values()]],
    );
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE read_model.event_type_counts`);
  }
}
