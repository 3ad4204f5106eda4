import { START, comparePositions, type EventStore, type Position, type RecordedEvent } from '#event-store';
import type { DataSource, EntityManager } from 'typeorm';
import { LIVE_SCHEMA, REBUILD_SCHEMA, matchesFilter, type Projection } from '../projections/projection.js';
import { lockLiveCheckpoint, positionParams, replaceLiveCheckpoint, toPosition } from '../subscription/checkpoints.js';

export interface RebuildProgress {
  /** Events read so far in this run. */
  readonly done: number;
  /** Events to read when the run started (null when the store cannot say). */
  readonly total: number | null;
}

export interface RebuildOptions {
  /** Continue a rebuild of the same version that a crash interrupted, instead of starting over. */
  readonly resume?: boolean;
  readonly batchSize?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly shouldStop?: () => boolean;
  /** Called after the catch-up, right before the swap (tests use it to prove queries still answer). */
  readonly beforeSwap?: (projection: Projection) => Promise<void>;
}

interface Target {
  readonly projection: Projection;
  position: Position;
}

/**
 * Rebuilds projections from the first event into schema read_model_rebuild (beside the live tables, which keep
 * answering queries), reading the log once for all of them; each page and the rebuild checkpoints commit in one
 * transaction. When caught up, each projection is swapped in atomically: under its live checkpoint's row lock,
 * apply the last events, replace the live tables by the new ones (keeping the index names the migrations gave),
 * and make the new version's checkpoint the live one.
 */
export class ProjectionRebuilder {
  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  async rebuild(projections: readonly Projection[], options: RebuildOptions = {}): Promise<{ events: number }> {
    const batchSize = options.batchSize ?? 5000;
    const targets: Target[] = [];
    for (const p of projections) targets.push({ projection: p, position: await this.prepare(p, options.resume ?? false) });
    const from = targets.map((t) => t.position).reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b), targets[0]?.position ?? START);
    const total = await this.countAfter(from);
    let done = 0;
    options.onProgress?.({ done, total });

    let after = from;
    let next: Promise<RecordedEvent[]> | undefined = this.readPage(after, batchSize);
    while (next && !options.shouldStop?.()) {
      const page: RecordedEvent[] = await next;
      if (page.length === 0) break;
      after = page.at(-1)!.position;
      // Read the next page while this one is applied: reading and writing overlap.
      next = page.length < batchSize ? undefined : this.readPage(after, batchSize);
      await this.dataSource.transaction(async (m) => {
        // A rebuild page lost in a crash is simply read again: no need to wait for its WAL flush.
        await m.query(`SET LOCAL synchronous_commit = off`);
        await this.applyToShadow(m, targets, page);
      });
      done += page.length;
      options.onProgress?.({ done, total });
    }
    if (next) await next.catch(() => undefined);
    if (options.shouldStop?.()) return { events: done };
    for (const t of targets) await t.projection.afterBulkLoad?.(this.dataSource.manager, REBUILD_SCHEMA);
    // Secondary indexes are built once over the loaded tables, far cheaper than maintaining them row by row.
    // Statistics before the swap too (the same function): until autovacuum came round, the planner would guess.
    for (const t of targets) {
      for (const table of t.projection.tables) await this.dataSource.query(`SELECT read_model.rebuild_index_table($1)`, [table]);
    }
    for (const t of targets) {
      await options.beforeSwap?.(t.projection);
      done += await this.swap(t, batchSize);
    }
    options.onProgress?.({ done, total: total === null ? null : Math.max(total, done) });
    return { events: done };
  }

  /** Creates (or, resuming, keeps) the new version's empty tables and its rebuild checkpoint. */
  private async prepare(p: Projection, resume: boolean): Promise<Position> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('projection:' || $1, 0))`, [p.name]);
      const rows = (await m.query(`SELECT version, commit_position::text, prepare_position::text FROM read_model.projection_rebuilds WHERE name = $1`, [
        p.name,
      ])) as {
        version: number;
        commit_position: string | null;
        prepare_position: string | null;
      }[];
      // Each new table has the columns of its live table; one that differs (a migration changed the live table since
      // the rebuild began) would not take the projection's rows.
      const [shapes] = (await m.query(
        `SELECT count(DISTINCT table_name) FILTER (WHERE table_schema = $1)::int AS tables,
                count(*) FILTER (WHERE table_schema = $1)::int AS columns,
                count(*) FILTER (WHERE table_schema = $2)::int AS live_columns,
                count(*) FILTER (WHERE table_schema = $1 AND NOT EXISTS (
                  SELECT 1 FROM information_schema.columns l WHERE l.table_schema = $2 AND l.table_name = c.table_name
                     AND l.column_name = c.column_name AND l.data_type = c.data_type))::int AS unmatched
           FROM information_schema.columns c WHERE table_schema IN ($1, $2) AND table_name = ANY ($3::text[])`,
        [REBUILD_SCHEMA, LIVE_SCHEMA, p.tables],
      )) as { tables: number; columns: number; live_columns: number; unmatched: number }[];
      const sameTables = shapes!.tables === p.tables.length && shapes!.columns === shapes!.live_columns && shapes!.unmatched === 0;
      // Each page commits with its rebuild checkpoint, and the tables are logged: what a server crash leaves (an
      // asynchronous commit may lose the last pages, never part of one) is a consistent prefix to go on from.
      if (resume && rows[0]?.version === p.version && sameTables) return toPosition(rows[0]);
      // Columns, defaults and the primary key (the projections look rows up by it); other indexes come after the load.
      // Logged from the start: loading an UNLOGGED table and then SET LOGGED (a rewrite of the table and its
      // indexes) took 8.8–9.1 s against 8.3–8.5 s for the same 300,000 events. The DDL is the owner's function
      // (migrations/1764470000000-least-privilege.ts): the projector's role has no DDL rights of its own.
      for (const t of p.tables) await m.query(`SELECT read_model.rebuild_prepare_table($1)`, [t]);
      await m.query(`DELETE FROM read_model.projection_rebuilds WHERE name = $1`, [p.name]);
      await m.query(`INSERT INTO read_model.projection_rebuilds (name, version) VALUES ($1, $2)`, [p.name, p.version]);
      return START;
    });
  }

  /** Applies a page to the projections that have not seen it; their rebuild checkpoints move in one statement. */
  private async applyToShadow(m: EntityManager, targets: readonly Target[], page: readonly RecordedEvent[]): Promise<void> {
    const last = page.at(-1)!.position;
    const moving = targets.filter((t) => comparePositions(last, t.position) > 0);
    if (moving.length === 0) return;
    for (const t of moving) {
      const fresh = page.filter((e) => comparePositions(e.position, t.position) > 0 && matchesFilter(t.projection.filter, e));
      if (fresh.length > 0) await t.projection.apply(fresh, m, { schema: REBUILD_SCHEMA, bulk: true });
    }
    await m.query(`UPDATE read_model.projection_rebuilds SET commit_position = $2, prepare_position = $3, updated_at = now() WHERE name = ANY ($1::text[])`, [
      moving.map((t) => t.projection.name),
      ...positionParams(last),
    ]);
    for (const t of moving) t.position = last;
  }

  /** Applies the last events and swaps the new version in, in one transaction; returns the events applied here. */
  private async swap(t: Target, batchSize: number): Promise<number> {
    const { projection } = t;
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('projection:' || $1, 0))`, [projection.name]);
      // The live runner locks this row first in each of its transactions: holding it, nothing else writes the live tables.
      await lockLiveCheckpoint(m, projection.name);
      let applied = 0;
      for (;;) {
        const page = await this.readPage(t.position, batchSize);
        if (page.length === 0) break;
        await this.applyToShadow(m, [t], page);
        applied += page.length;
        if (page.length < batchSize) break;
      }
      // All at once, in the projection's table order (the order queries lock them in), so a query joining two of
      // them waits for the swap instead of deadlocking with it.
      if (projection.tables.length > 0) {
        await m.query(`LOCK TABLE ${projection.tables.map((t) => `${LIVE_SCHEMA}.${t}`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
      }
      // Drops the live table and moves the new one in under the migrations' index names (an owner function).
      for (const table of projection.tables) await m.query(`SELECT read_model.rebuild_swap_table($1)`, [table]);
      await replaceLiveCheckpoint(m, projection.name, projection.version, t.position);
      await m.query(`DELETE FROM read_model.projection_rebuilds WHERE name = $1`, [projection.name]);
      return applied;
    });
  }

  /** A page of the log in `readAll` order (gap-safe: nothing that commits later can land before its end). */
  private readPage(after: Position, maxCount: number): Promise<RecordedEvent[]> {
    return this.store.readAll({ after, maxCount });
  }

  /** Only for progress: null when the store cannot say. */
  private async countAfter(from: Position): Promise<number | null> {
    try {
      return await this.store.countEvents({ after: from });
    } catch {
      return null;
    }
  }
}
