import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type Position } from '#event-store';
import { DataSource } from 'typeorm';
import { ApiError } from '../graphql/error-mapping.js';

export const READ_YOUR_WRITES_OPTIONS = Symbol('READ_YOUR_WRITES_OPTIONS');

export interface ReadYourWritesOptions {
  /** READ_YOUR_WRITES_TIMEOUT_MS: how long a query waits for the projector before PROJECTION_LAG_TIMEOUT. */
  readonly timeoutMs: number;
  readonly pollMs?: number;
}

/** The read models each query reads: it waits for all of them. */
export const READS = {
  trials: ['trials', 'subjects'],
  subjects: ['subjects'],
  measurements: ['subjects'],
  catalogue: ['catalogue'],
  screening: ['screening'],
  quality: ['data-quality'],
} as const;

/**
 * Read-your-writes: a mutation returns the global position P of its last event; a query given P waits until
 * every projection it reads has a live checkpoint at or after P's place in the log — P's (transaction id,
 * position), the order the projector applies events in — polling its checkpoints, up to the configured bound.
 * P's full position comes from the store through the port; the checkpoints from the read models (which may be
 * another database).
 */
@Injectable()
export class ReadYourWrites {
  private readonly pollMs: number;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_YOUR_WRITES_OPTIONS) private readonly options: ReadYourWritesOptions,
  ) {
    this.pollMs = options.pollMs ?? 15;
  }

  async waitFor(position: bigint | null | undefined, projections: readonly string[]): Promise<void> {
    if (position === null || position === undefined) return;
    const deadline = Date.now() + this.options.timeoutMs;
    let target: Position | null = null;
    for (;;) {
      target ??= await this.store.positionOf(position);
      const passed = target ? await this.passed(target, projections) : 0;
      if (target && passed === projections.length) return;
      if (Date.now() >= deadline) {
        throw new ApiError(
          'PROJECTION_LAG_TIMEOUT',
          target
            ? `the read models (${projections.join(', ')}) have not reached position ${position} within ${this.options.timeoutMs} ms; retry`
            : `no event at position ${position} within ${this.options.timeoutMs} ms`,
          'consistentWith',
        );
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  private async passed(target: Position, projections: readonly string[]): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS passed FROM read_model.projection_checkpoints c
        WHERE c.live AND c.name = ANY ($1::text[]) AND (c.commit_position, c.prepare_position) >= ($2::bigint, $3::bigint)`,
      [projections, target.commit.toString(), target.prepare.toString()],
    )) as { passed: number }[];
    return row!.passed;
  }
}
