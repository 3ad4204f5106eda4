import { START, type EventStore, type Position, type RecordedEvent } from '#event-store';
import type { DataSource, EntityManager } from 'typeorm';
import type { Projection } from '../projections/projection.js';

export interface RunnerLogger {
  log(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/**
 * Runs one projection: a catch-up subscription from its checkpoint; each batch of events and the new
 * checkpoint commit in one transaction. A failing event stops this projection only and is recorded.
 */
export class ProjectionRunner {
  private stopping = false;
  private done: Promise<void> | undefined;
  private closeSubscription: (() => Promise<void>) | undefined;
  private lastApplied: Position = START;

  constructor(
    private readonly projection: Projection,
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly logger: RunnerLogger,
    private readonly maxBatch = 1000,
  ) {}

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
    await this.closeSubscription?.();
    await this.done;
  }

  private async loadCheckpoint(): Promise<{ position: Position; failed: boolean }> {
    const { name, version } = this.projection;
    await this.dataSource.query(
      `INSERT INTO read_model.projection_checkpoints (name, version) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [name, version],
    );
    const rows: { commit_position: string | null; prepare_position: string | null; state: string }[] = await this.dataSource.query(
      `SELECT commit_position, prepare_position, state FROM read_model.projection_checkpoints WHERE name = $1 AND version = $2`,
      [name, version],
    );
    const row = rows[0]!;
    const position = row.prepare_position === null ? START : { commit: BigInt(row.commit_position!), prepare: BigInt(row.prepare_position) };
    return { position, failed: row.state === 'failed' };
  }

  private async run(): Promise<void> {
    const checkpoint = await this.loadCheckpoint();
    this.lastApplied = checkpoint.position;
    if (checkpoint.failed) {
      this.logger.error(`projection ${this.projection.name} is marked failed; fix and rebuild it to resume`);
      return;
    }
    const subscription = this.store.subscribeToAll({ after: checkpoint.position, filter: this.projection.filter, batchSize: this.maxBatch });
    this.closeSubscription = () => subscription.close();
    if (this.stopping) await subscription.close();
    const iterator = subscription[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<RecordedEvent>> | undefined;
    for (;;) {
      const first = await (pending ?? iterator.next());
      pending = undefined;
      if (first.done) return;
      const batch = [first.value];
      // Take what the subscription already holds in memory; stop at the first event that needs a round trip,
      // so batches follow the subscription's own pages and a quiet log is applied without delay.
      while (batch.length < this.maxBatch) {
        pending = iterator.next();
        const next = await Promise.race([pending, new Promise<'later'>((r) => setImmediate(() => r('later')))]);
        if (next === 'later') break;
        pending = undefined;
        if (next.done) break;
        batch.push(next.value);
      }
      if (!(await this.applyBatch(batch))) {
        await subscription.close();
        return;
      }
    }
  }

  private async commit(events: readonly RecordedEvent[]): Promise<void> {
    const last = events.at(-1)!.position;
    await this.dataSource.transaction(async (manager: EntityManager) => {
      await this.projection.apply(events, manager);
      await manager.query(
        `UPDATE read_model.projection_checkpoints
            SET commit_position = $3, prepare_position = $4, state = 'running', updated_at = now()
          WHERE name = $1 AND version = $2`,
        [this.projection.name, this.projection.version, last.commit.toString(), last.prepare.toString()],
      );
    });
    this.lastApplied = last;
  }

  /** Applies a batch; on failure, replays it event by event to record exactly which event failed. */
  private async applyBatch(batch: readonly RecordedEvent[]): Promise<boolean> {
    try {
      await this.commit(batch);
      return true;
    } catch {
      for (const e of batch) {
        try {
          await this.commit([e]);
        } catch (err) {
          await this.markFailed(e, err);
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
        WHERE name = $1 AND version = $2`,
      [this.projection.name, this.projection.version, e.position.prepare.toString(), `${e.type} ${e.id}: ${message}`],
    );
  }
}
