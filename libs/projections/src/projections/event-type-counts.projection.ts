import type { RecordedEvent } from '#event-store';
import type { EntityManager } from 'typeorm';
import type { Projection, ProjectionTarget } from './projection.js';

/** Counts events per type; the status page shows them and tests use it to see the projector move. */
export class EventTypeCountsProjection implements Projection {
  readonly name = 'event-type-counts';
  readonly version: number = 1;
  readonly tables = ['event_type_counts'];

  async apply(events: readonly RecordedEvent[], manager: EntityManager, { schema }: ProjectionTarget): Promise<void> {
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    if (counts.size === 0) return;
    await manager.query(
      `INSERT INTO ${schema}.event_type_counts AS t (event_type, count)
       SELECT * FROM unnest($1::text[], $2::bigint[])
       ON CONFLICT (event_type) DO UPDATE SET count = t.count + excluded.count`,
      [[...counts.keys()], [...counts.values()]],
    );
  }
}
