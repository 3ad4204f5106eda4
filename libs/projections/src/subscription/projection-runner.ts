import { START, type EventStore, type Position, type RecordedEvent } from '#event-store';
import type { DataSource, EntityManager } from 'typeorm';
import { LIVE_SCHEMA, matchesFilter, type Projection } from '../projections/projection.js';
import { ProjectionRebuilder } from '../rebuild/projection-rebuilder.js';
import { EventBatches, SubscriptionEndedError } from './event-batches.js';
import { lockLiveCheckpoint, positionParams, replaceLiveCheckpoint, samePosition, toPosition } from './checkpoints.js';

export interface RunnerLogger {
  log(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export interface RunnerOptions {
  readonly maxBatch?: number;
  /** How often a failed or superseded runner looks at its checkpoint again, in ms. */
  readonly idlePollMs?: number;
}

/** The live checkpoint moved under this runner (a rebuild was swapped in, or a second instance wrote): start over from it. */
class SupersededError extends Error {}

/**
 * Connection loss, shutdown, serialization failure or deadlock: retry, do not blame the event. A socket error
 * (`connect ECONNREFUSED` while the database restarts, ECONNRESET, ETIMEDOUT…) carries Node's system error code,
 * not a SQLSTATE: it is transient too, or a database restart would mark a healthy projection failed.
 */
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return /Connection terminated|ECONNRESET|ECONNREFUSED|Connection is not established/.test(String(err));
  if (/^E[A-Z]+$/.test(code)) return true;
  return code.startsWith('08') || code.startsWith('57') || code === '40001' || code === '40P01';
}

/**
 * Runs one projection: a catch-up read of the log from its live checkpoint, then follows appends; each batch of events and the new
 * checkpoint commit in one transaction that first locks the checkpoint row. A failing event stops this
 * projection only and is recorded; a projection whose code version differs from its live checkpoint is rebuilt
 * beside the live tables and swapped in, while queries keep reading the old version.
 */
export class ProjectionRunner {
  private stopping = false;
  private done: Promise<void> | undefined;
  private wakeIdle: (() => void) | undefined;
  private lastApplied: Position = START;
  private readonly maxBatch: number;
  private readonly idlePollMs: number;

  constructor(
    private readonly projection: Projection,
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly logger: RunnerLogger,
    options: RunnerOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 2000;
    this.idlePollMs = options.idlePollMs ?? 1000;
  }

  get position(): Position {
    return this.lastApplied;
  }

  start(): void {
    this.done ??= this.run().catch((err: unknown) => {
      this.logger.error(`projection ${this.projection.name} stopped unexpectedly`, { err: String(err) });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeIdle?.();
    await this.done;
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeIdle = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** The live checkpoint, created (with empty tables) on first start. */
  private async loadCheckpoint(): Promise<{ version: number; position: Position; failed: boolean }> {
    const { name, version, tables } = this.projection;
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('projection:' || $1, 0))`, [name]);
      let row = await lockLiveCheckpoint(m, name);
      if (!row) {
        // No live version yet: whatever the tables hold belongs to no checkpoint, so start them empty.
        for (const t of tables) await m.query(`TRUNCATE ${LIVE_SCHEMA}.${t}`);
        await replaceLiveCheckpoint(m, name, version, START);
        row = { version, commit_position: null, prepare_position: null, state: 'running' };
      }
      return { version: row.version, position: toPosition(row), failed: row.state === 'failed' };
    });
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const checkpoint = await this.loadCheckpoint();
        this.lastApplied = checkpoint.position;
        if (checkpoint.version !== this.projection.version) {
          this.logger.log(
            `projection ${this.projection.name}: live version ${checkpoint.version}, code version ${this.projection.version}: rebuilding beside it`,
          );
          await new ProjectionRebuilder(this.store, this.dataSource).rebuild([this.projection], { resume: true, shouldStop: () => this.stopping });
          continue;
        }
        if (checkpoint.failed) {
          // Stays stopped until a rebuild (or an operator) puts the checkpoint back to running.
          await this.idle(this.idlePollMs);
          continue;
        }
        await this.follow(checkpoint.position);
      } catch (err) {
        if (this.stopping) return;
        if (!(err instanceof SupersededError) && !(err instanceof SubscriptionEndedError))
          this.logger.error(`projection ${this.projection.name}: ${String(err)}; retrying`);
        await this.idle(err instanceof SupersededError ? 0 : this.idlePollMs);
      }
    }
  }

  /**
   * Applies events from `after` until stopped, failed (returns) or superseded (throws), on the port's catch-up
   * subscription; each batch commits with the checkpoint in one read-model transaction (commit below).
   */
  private async follow(after: Position): Promise<void> {
    const batches = new EventBatches(this.store, after, this.maxBatch);
    try {
      while (!this.stopping) {
        const batch = await batches.next(250);
        if (batch.length === 0) continue;
        if (!(await this.applyBatch(batch))) return;
      }
    } finally {
      await batches.close();
    }
  }

  private async commit(events: readonly RecordedEvent[]): Promise<void> {
    const last = events.at(-1)!.position;
    await this.dataSource.transaction(async (manager: EntityManager) => {
      const row = await lockLiveCheckpoint(manager, this.projection.name);
      if (!row || row.version !== this.projection.version || row.state === 'failed' || !samePosition(toPosition(row), this.lastApplied)) {
        throw new SupersededError();
      }
      const relevant = events.filter((e) => matchesFilter(this.projection.filter, e));
      if (relevant.length > 0) await this.projection.apply(relevant, manager, { schema: LIVE_SCHEMA });
      await manager.query(
        `UPDATE read_model.projection_checkpoints
            SET commit_position = $3, prepare_position = $4, state = 'running', updated_at = now()
          WHERE name = $1 AND version = $2`,
        [this.projection.name, this.projection.version, ...positionParams(last)],
      );
    });
    this.lastApplied = last;
  }

  /** Applies a batch; on failure, replays it event by event to record exactly which event failed. */
  private async applyBatch(batch: readonly RecordedEvent[]): Promise<boolean> {
    try {
      await this.commit(batch);
      return true;
    } catch (err) {
      if (err instanceof SupersededError || isTransient(err)) throw err;
      for (const e of batch) {
        try {
          await this.commit([e]);
        } catch (single) {
          if (single instanceof SupersededError || isTransient(single)) throw single;
          await this.markFailed(e, single);
          return false;
        }
      }
      return true;
    }
  }

  private async markFailed(e: RecordedEvent, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    this.logger.error(`projection ${this.projection.name} failed on event ${e.id} (${e.type} at ${e.position.prepare})`, { error: message });
    await this.dataSource.query(
      `UPDATE read_model.projection_checkpoints SET state = 'failed', failed_position = $3, error = $4, updated_at = now()
        WHERE name = $1 AND version = $2 AND live`,
      [this.projection.name, this.projection.version, e.position.prepare.toString(), `${e.type} ${e.id}: ${message}`.slice(0, 2000)],
    );
  }
}
