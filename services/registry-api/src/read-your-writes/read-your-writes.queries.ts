import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type Position } from '#event-store';
import { Counter, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { ApiError } from '../graphql/error-mapping.js';

export const READ_YOUR_WRITES_OPTIONS = Symbol('READ_YOUR_WRITES_OPTIONS');

export interface ReadYourWritesOptions {
  /** READ_YOUR_WRITES_TIMEOUT_MS: how long a query waits for the projector before PROJECTION_LAG_TIMEOUT. */
  readonly timeoutMs: number;
  readonly pollMs?: number;
  /**
   * READ_DATABASE_URL: the read models on a streaming replica (HAProxy's read port). Unset: every read goes to
   * DATABASE_URL's database.
   */
  readonly readDatabaseUrl?: string;
  /** READ_REPLICA_WAIT_MS: how long a query given consistentWith waits for the replica before reading the primary. */
  readonly replicaWaitMs?: number;
  /** Pool size of the replica's DataSource (DB_POOL_SIZE). */
  readonly poolSize?: number;
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
 * Read-your-writes, and where a read-model query reads. A mutation returns the global position P of its last
 * event; a query given P waits until every projection it reads has a live checkpoint at or after P's place in
 * the log — P's (transaction id, position), the order the projector applies events in — polling its
 * checkpoints, up to the configured bound. P's full position comes from the store through the port; the
 * checkpoints from the read models (which may be another database).
 *
 * With a replica (READ_DATABASE_URL), the checkpoints are read on the replica itself: the projector commits a
 * batch's rows and its checkpoint in one transaction, so a replica that shows the checkpoint has replayed the
 * rows too, whatever its replay lag. The replica gets READ_REPLICA_WAIT_MS; if it has not applied P by then (or
 * cannot be reached), the query waits for and reads the primary instead, within the same overall bound — a
 * lagging replica costs that one query a detour, never a stale answer. `waitFor` returns the DataSource the
 * query must read from.
 */
@Injectable()
export class ReadYourWrites implements OnModuleInit, OnApplicationShutdown {
  private readonly pollMs: number;
  private readonly replica: DataSource | undefined;
  private readonly fallbacks: Counter<'reason'> | undefined;
  private readonly log = new Logger('ReadYourWrites');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_YOUR_WRITES_OPTIONS) private readonly options: ReadYourWritesOptions,
    @Optional() @Inject(Registry) registry?: Registry,
  ) {
    this.pollMs = options.pollMs ?? 15;
    // Its own pool, no migrations (a replica is read-only; the primary's boot applies them).
    this.replica = options.readDatabaseUrl
      ? new DataSource(dataSourceOptions(options.readDatabaseUrl, { migrations: [], extra: { max: options.poolSize ?? 10 } }))
      : undefined;
    this.fallbacks =
      this.replica && registry
        ? new Counter({
            name: 'registry_read_replica_fallbacks_total',
            help: 'Read-model queries with consistentWith answered from the primary: the replica had not applied the position in time, or failed',
            labelNames: ['reason'],
            registers: [registry],
          })
        : undefined;
  }

  async onModuleInit(): Promise<void> {
    await this.replica?.initialize();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.replica?.isInitialized) await this.replica.destroy();
  }

  /** Where read-model queries go when they need no particular position: the replica if there is one. */
  get readSide(): DataSource {
    return this.replica ?? this.dataSource;
  }

  async waitFor(position: bigint | null | undefined, projections: readonly string[]): Promise<DataSource> {
    if (position === null || position === undefined) return this.readSide;
    const deadline = Date.now() + this.options.timeoutMs;
    const target = await this.targetOf(position, deadline);
    if (this.replica) {
      const replicaDeadline = Math.min(deadline, Date.now() + (this.options.replicaWaitMs ?? 1_000));
      try {
        if (await this.until(this.replica, target, projections, replicaDeadline)) return this.replica;
        this.fallbacks?.inc({ reason: 'lag' });
      } catch (err) {
        // A replica going away (failover, restart) is no reason to fail a query the primary can answer.
        this.fallbacks?.inc({ reason: 'error' });
        this.log.warn(`read replica failed; reading the primary instead: ${(err as Error).message}`);
      }
    }
    if (await this.until(this.dataSource, target, projections, deadline)) return this.dataSource;
    throw new ApiError(
      'PROJECTION_LAG_TIMEOUT',
      `the read models (${projections.join(', ')}) have not reached position ${position} within ${this.options.timeoutMs} ms; retry`,
      'consistentWith',
    );
  }

  private async targetOf(position: bigint, deadline: number): Promise<Position> {
    for (;;) {
      const target = await this.store.positionOf(position);
      if (target) return target;
      if (Date.now() >= deadline)
        throw new ApiError('PROJECTION_LAG_TIMEOUT', `no event at position ${position} within ${this.options.timeoutMs} ms`, 'consistentWith');
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  /** Polls `db`'s checkpoints until every projection has passed `target` (true) or the deadline passes (false). */
  private async until(db: DataSource, target: Position, projections: readonly string[], deadline: number): Promise<boolean> {
    for (;;) {
      if ((await this.passed(db, target, projections)) === projections.length) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  private async passed(db: DataSource, target: Position, projections: readonly string[]): Promise<number> {
    const [row] = (await db.query(
      `SELECT count(*)::int AS passed FROM read_model.projection_checkpoints c
        WHERE c.live AND c.name = ANY ($1::text[]) AND (c.commit_position, c.prepare_position) >= ($2::bigint, $3::bigint)`,
      [projections, target.commit.toString(), target.prepare.toString()],
    )) as { passed: number }[];
    return row!.passed;
  }
}
