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
 * Projector lag per live projection: read_model.projection_checkpoints (the read-model database) against the log,
 * through the port (the events may live in another database, or on EventStoreDB). On PostgreSQL each count is an
 * index range scan after the checkpoint and exact; on EventStoreDB it pages $all, so it is capped at LAG_COUNT_CAP.
 */
export async function measureLag(dataSource: DataSource, store: EventStore, adapter: 'postgres' | 'eventstoredb'): Promise<LagSnapshot> {
  const rows = (await dataSource.query(
    `SELECT name, version, state, commit_position::text, prepare_position::text FROM read_model.projection_checkpoints WHERE live ORDER BY name`,
  )) as CheckpointRow[];
  const projections = await Promise.all(
    rows.map(async (r): Promise<ProjectionLag> => {
      const after: Position = r.prepare_position === null ? START : { commit: BigInt(r.commit_position!), prepare: BigInt(r.prepare_position) };
      const [lagEvents, [oldest]] = await Promise.all([
        store.countEvents({ after, ...(adapter === 'postgres' ? {} : { limit: LAG_COUNT_CAP }) }),
        store.readAll({ after, maxCount: 1 }),
      ]);
      return {
        name: r.name,
        version: r.version,
        state: r.state,
        checkpoint: r.prepare_position === null ? null : BigInt(r.prepare_position),
        lagEvents,
        lagSeconds: oldest ? Math.max(0, (Date.now() - oldest.recordedAt.getTime()) / 1000) : 0,
      };
    }),
  );
  // Read after the checkpoints, so no checkpoint seen here lies beyond it.
  const head = adapter === 'postgres' ? ((await store.readHead())?.prepare ?? null) : null;
  return { head, projections };
}
