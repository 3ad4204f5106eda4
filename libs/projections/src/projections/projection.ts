import type { EventFilter, RecordedEvent } from '#event-store';
import type { EntityManager } from 'typeorm';

/** Where a projection writes: `read_model` for the live version, `read_model_rebuild` while a new one is built. */
export interface ProjectionTarget {
  readonly schema: string;
  /**
   * Set by a rebuild, whose tables start empty and whose every page commits with its checkpoint: rows that are new
   * by construction (a version after the current one) may be loaded with COPY instead of INSERT … ON CONFLICT.
   */
  readonly bulk?: boolean;
}

export const LIVE_SCHEMA = 'read_model';
export const REBUILD_SCHEMA = 'read_model_rebuild';

/**
 * A read model fed by the event log. `apply` runs inside the transaction that also moves the projection's
 * checkpoint, so it sees each event exactly once; it must be deterministic (no clock, no random, no reads of
 * other projections' tables) so that a rebuild equals the live model row for row.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the projection's logic or tables change: the new version is rebuilt beside the old one. */
  readonly version: number;
  /** The events it reads; others only move its checkpoint. Applied in the projector, so the checkpoint passes every event. */
  readonly filter?: EventFilter;
  /** The tables it owns in schema read_model: a rebuild creates them in read_model_rebuild and swaps them in. */
  readonly tables: readonly string[];
  apply(events: readonly RecordedEvent[], manager: EntityManager, target: ProjectionTarget): Promise<void>;
  /**
   * After a rebuild has loaded every page and before it builds the secondary indexes: set-based work that bulk
   * pages left out because, without those indexes, it would scan a table once per page.
   */
  afterBulkLoad?(manager: EntityManager, schema: string): Promise<void>;
}

export const PROJECTIONS = Symbol('PROJECTIONS');

export function matchesFilter(filter: EventFilter | undefined, e: RecordedEvent): boolean {
  if (!filter) return true;
  if (filter.streamCategories) {
    const dash = e.streamId.indexOf('-');
    const category = dash < 0 ? e.streamId : e.streamId.slice(0, dash);
    if (!filter.streamCategories.includes(category)) return false;
  }
  return !filter.eventTypes || filter.eventTypes.includes(e.type);
}
