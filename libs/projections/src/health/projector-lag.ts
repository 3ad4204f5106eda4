import { START, type EventStore, type Position } from '#event-store';
import type { DataSource } from 'typeorm';

export interface ProjectionLag {
  readonly name: string;
  readonly version: number;
  readonly state: string;
  /** Global position (prepare) of the last applied event; null before the first. */
  readonly checkpoint: bigint | null;
  /** Events in the store after the checkpoint (capped at LAG_COUNT_CAP on EventStoreDB). */
  readonly lagEvents: number;
  /** Age of the oldest event not yet applied; 0 when caught up. */
  readonly lagSeconds: number;
}

export interface LagSnapshot {
  readonly projections: readonly ProjectionLag[];
  /** Last global position in the PostgreSQL store (null on EventStoreDB or when empty). */
  readonly head: bigint | null;
}

/** On EventStoreDB the lag is counted through the port, so it is read up to this many events and capped. */
export const LAG_COUNT_CAP = 1_000;

interface CheckpointRow {
  name: string;
  version: number;
  state: string;
  commit_position: string | null;
  prepare_position: string | null;
}

/**
 * Projector lag per live projection: read_model.projection_checkpoints against the event log. On PostgreSQL,
 * one SQL statement in the projector's own (transaction id, position) order; on EventStoreDB, through the port.
 */
export async function measureLag(dataSource: DataSource, store: EventStore, adapter: 'postgres' | 'eventstoredb'): Promise<LagSnapshot> {
  if (adapter === 'postgres') {
    const rows = (await dataSource.query(
      `WITH c AS (SELECT name, version, state, commit_position, prepare_position FROM read_model.projection_checkpoints WHERE live)
       SELECT c.name, c.version, c.state, c.prepare_position::text AS checkpoint,
              (SELECT count(*) FROM event_store.events e
                WHERE c.prepare_position IS NULL OR (e.transaction_id, e.global_position) > (c.commit_position::text::xid8, c.prepare_position))::text AS lag_events,
              (SELECT extract(epoch FROM clock_timestamp() - e.recorded_at) FROM event_store.events e
                WHERE c.prepare_position IS NULL OR (e.transaction_id, e.global_position) > (c.commit_position::text::xid8, c.prepare_position)
                ORDER BY e.transaction_id, e.global_position LIMIT 1)::float8 AS lag_seconds
         FROM c ORDER BY c.name`,
    )) as { name: string; version: number; state: string; checkpoint: string | null; lag_events: string; lag_seconds: number | null }[];
    const [{ head }] = (await dataSource.query(`SELECT max(global_position)::text AS head FROM event_store.events`)) as [{ head: string | null }];
    return {
      head: head === null ? null : BigInt(head),
      projections: rows.map((r) => ({
        name: r.name,
        version: r.version,
        state: r.state,
        checkpoint: r.checkpoint === null ? null : BigInt(r.checkpoint),
        lagEvents: Number(r.lag_events),
        lagSeconds: Math.max(0, r.lag_seconds ?? 0),
      })),
    };
  }
  const rows = (await dataSource.query(
    `SELECT name, version, state, commit_position::text, prepare_position::text FROM read_model.projection_checkpoints WHERE live ORDER BY name`,
  )) as CheckpointRow[];
  const projections = await Promise.all(
    rows.map(async (r): Promise<ProjectionLag> => {
      const after: Position = r.prepare_position === null ? START : { commit: BigInt(r.commit_position!), prepare: BigInt(r.prepare_position) };
      const pending = await store.readAll({ after, maxCount: LAG_COUNT_CAP });
      return {
        name: r.name,
        version: r.version,
        state: r.state,
        checkpoint: r.prepare_position === null ? null : BigInt(r.prepare_position),
        lagEvents: pending.length,
        lagSeconds: pending[0] ? Math.max(0, (Date.now() - pending[0].recordedAt.getTime()) / 1000) : 0,
      };
    }),
  );
  return { head: null, projections };
}
