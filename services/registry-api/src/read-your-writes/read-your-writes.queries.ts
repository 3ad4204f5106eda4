import { Inject, Injectable } from '@nestjs/common';
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
} as const;

/**
 * Read-your-writes: a mutation returns the global position P of its last event; a query given P waits until
 * every projection it reads has a live checkpoint at or after P's place in the log — P's (transaction id,
 * position), the order the projector applies events in — polling its checkpoints, up to the configured bound.
 */
@Injectable()
export class ReadYourWrites {
  private readonly pollMs: number;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(READ_YOUR_WRITES_OPTIONS) private readonly options: ReadYourWritesOptions,
  ) {
    this.pollMs = options.pollMs ?? 15;
  }

  async waitFor(position: bigint | null | undefined, projections: readonly string[]): Promise<void> {
    if (position === null || position === undefined) return;
    const deadline = Date.now() + this.options.timeoutMs;
    for (;;) {
      const [row] = (await this.dataSource.query(
        `SELECT e.global_position IS NOT NULL AS known,
                count(c.name) FILTER (WHERE (c.commit_position, c.prepare_position) >= (e.transaction_id::text::bigint, e.global_position))::int AS passed
           FROM (SELECT 1) one
           LEFT JOIN event_store.events e ON e.global_position = $1
           LEFT JOIN read_model.projection_checkpoints c ON c.live AND c.name = ANY ($2::text[])
          GROUP BY e.global_position, e.transaction_id`,
        [position.toString(), projections],
      )) as { known: boolean; passed: number }[];
      if (row!.known && row!.passed === projections.length) return;
      if (Date.now() >= deadline) {
        throw new ApiError(
          'PROJECTION_LAG_TIMEOUT',
          row!.known
            ? `the read models (${projections.join(', ')}) have not reached position ${position} within ${this.options.timeoutMs} ms; retry`
            : `no event at position ${position} within ${this.options.timeoutMs} ms`,
          'consistentWith',
        );
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }
}
