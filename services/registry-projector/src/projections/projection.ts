import type { EventFilter, RecordedEvent } from '#event-store';
import type { EntityManager } from 'typeorm';

/**
 * A read model fed by the event log. `apply` runs inside the transaction that also moves the projection's
 * checkpoint, so it sees each event exactly once; it must be deterministic so a rebuild equals the live model.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the projection's logic or tables change: the new version is rebuilt beside the old one. */
  readonly version: number;
  /** Server-side filter; events outside it still move the checkpoint implicitly. */
  readonly filter?: EventFilter;
  apply(events: readonly RecordedEvent[], manager: EntityManager): Promise<void>;
  /** Empties the projection's tables (before a rebuild from the first event). */
  reset?(manager: EntityManager): Promise<void>;
}

export const PROJECTIONS = Symbol('PROJECTIONS');
