import { EventEmitter } from 'node:events';
import pg from 'pg';
import {
  START,
  type AppendOptions,
  type AppendResult,
  type CountEventsOptions,
  type EventData,
  type EventFilter,
  type EventSearch,
  type EventStore,
  type ExpectedRevision,
  type JsonObject,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SearchedEvent,
  type StreamAppend,
  type StreamAppendOutcome,
  type SubscribeToAllOptions,
  type Subscription,
  type VerifyOptions,
  type VerifyResult,
} from '../event-store.js';
import { appendEachStream, duplicateStreamError, duplicateStreams } from '../append-to-streams.js';
import { EventStoreError, IdempotencyConflictError, InvalidEventError, WrongExpectedVersionError } from '../event-store.errors.js';
import { validateAppend, validateStreamId } from '../event-validation.js';
import { GENESIS_HASH } from '../hash-chain.js';
import { createChainVerifier } from '../verify-chains.js';
import { SharedPages } from './shared-pages.js';

const NOTIFY_CHANNEL = 'event_store_appended';
/** Events the subscriptions of one store keep for each other (shared-pages.ts), per filter. */
const SHARED_EVENTS = 10_000;
/**
 * A PostgreSQL array literal of values validateAppend has checked (stream ids, event types, UUIDs, hex digests): none
 * holds a quote, backslash, comma, brace or space, so each is simply quoted (quoted, "NULL" stays a string). node-pg
 * would escape every element of a JS array one by one, a cost per event of every append.
 */
function arrayLiteral(values: readonly string[]): string {
  return values.length === 0 ? '{}' : `{"${values.join('","')}"}`;
}

/** Event ids are UUIDs (validateAppend refuses others): anything else cannot be stored, and must not reach a uuid cast. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// The commit position gets its own output name: an alias equal to the column would make `ORDER BY transaction_id`
// sort by the text form ('10000' < '9163'), skipping events whenever transaction ids cross a power of ten.
const COLUMNS = `global_position, transaction_id::text AS commit_position, event_id, stream_id, stream_revision, event_type, data, metadata, hash, recorded_at`;

export interface PostgresEventStoreOptions {
  /** Used when no pool is given. */
  readonly connectionString?: string;
  readonly pool?: pg.Pool;
  readonly poolSize?: number;
  /** Subscribers re-read this often when no notification arrives (LISTEN/NOTIFY fallback), in ms. */
  readonly pollIntervalMs?: number;
}

interface EventRow {
  global_position: string;
  commit_position: string;
  event_id: string;
  stream_id: string;
  stream_revision: string;
  event_type: string;
  data: JsonObject;
  metadata: JsonObject;
  hash: string;
  recorded_at: Date;
}

function toEvent(r: EventRow): RecordedEvent {
  return {
    id: r.event_id,
    streamId: r.stream_id,
    type: r.event_type,
    revision: BigInt(r.stream_revision),
    position: { commit: BigInt(r.commit_position), prepare: BigInt(r.global_position) },
    data: r.data,
    metadata: r.metadata,
    recordedAt: r.recorded_at,
    hash: r.hash,
  };
}

function expectedCode(e: ExpectedRevision): bigint {
  if (e === 'any') return -1n;
  if (e === 'no_stream') return -2n;
  if (e === 'stream_exists') return -3n;
  if (typeof e !== 'bigint' || e < 0n) throw new InvalidEventError('expectedRevision', `invalid expected revision ${String(e)}`);
  return e;
}

/**
 * The default event store and system of record on one node. Global order is (transaction id, position):
 * only rows of transactions older than every still-running one are handed out, so a reader never skips an
 * event whose transaction commits late (architecture.md §4).
 */
export class PostgresEventStore implements EventStore {
  readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly pollIntervalMs: number;
  private readonly wakeups = new EventEmitter();
  private listener: pg.Client | undefined;
  private listening: Promise<void> | undefined;
  private closed = false;
  private readonly subscriptions = new Set<Subscription>();
  /** Catch-up pages shared by this store's subscriptions, per filter: the projector's runners read the log once, not once each. */
  private readonly sharedPages = new Map<string, SharedPages>();

  constructor(options: PostgresEventStoreOptions) {
    this.ownsPool = !options.pool;
    this.pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    // An idle pooled connection can die (server restart, failover); pg emits that on the pool and an
    // unhandled 'error' would crash the process. The next query simply gets a fresh connection.
    if (this.ownsPool) this.pool.on('error', () => undefined);
    this.wakeups.setMaxListeners(0);
  }

  async appendToStream(streamId: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult> {
    const serialised = validateAppend(streamId, events);
    const expected = expectedCode(options.expectedRevision);
    try {
      // `own_tx` tells a write from an idempotent repeat without changing the append function: only a call that
      // inserted has a transaction id of its own, and the returned commit position is then that id.
      const { rows } = await this.pool.query<{ next_revision: string; commit_position: string; prepare_position: string; own_tx: string | null }>({
        name: 'event_store_append_v2',
        text: 'SELECT a.*, pg_current_xact_id_if_assigned()::text AS own_tx FROM event_store.append($1, $2, $3::uuid[], $4::text[], $5::jsonb, $6::jsonb, $7::text[]) a',
        values: [
          streamId,
          expected.toString(),
          arrayLiteral(events.map((e) => e.id)),
          arrayLiteral(events.map((e) => e.type)),
          // One JSON array each: cheaper to send and parse than a jsonb[] array literal.
          `[${serialised.map((e) => e.data).join(',')}]`,
          `[${serialised.map((e) => e.metadata).join(',')}]`,
          arrayLiteral(serialised.map((e) => e.digest)),
        ],
      });
      const row = rows[0]!;
      if (row.own_tx !== null) this.announceAppend();
      return {
        nextExpectedRevision: BigInt(row.next_revision),
        position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
        repeated: row.own_tx === null || row.own_tx !== row.commit_position,
      };
    } catch (err) {
      throw this.mapError(err, streamId, options.expectedRevision);
    }
  }

  /**
   * One call of `event_store.append_many` (one round trip, one transaction) for every valid part; invalid parts are
   * answered without reaching the database. Should the call fail as a whole on a race the function cannot see
   * coming (another transaction inserting the same event ids meanwhile), the parts are appended one by one.
   */
  async appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    const outcomes: (StreamAppendOutcome | undefined)[] = appends.map(() => undefined);
    const duplicates = duplicateStreams(appends);
    const parts: { index: number; append: StreamAppend; serialised: ReturnType<typeof validateAppend>; expected: bigint }[] = [];
    appends.forEach((a, index) => {
      if (duplicates.has(index)) {
        outcomes[index] = { streamId: a.streamId, ok: false, error: duplicateStreamError(index, a.streamId) };
        return;
      }
      try {
        parts.push({ index, append: a, serialised: validateAppend(a.streamId, a.events), expected: expectedCode(a.expectedRevision) });
      } catch (err) {
        if (!(err instanceof EventStoreError)) throw err;
        outcomes[index] = { streamId: a.streamId, ok: false, error: err };
      }
    });
    if (parts.length > 0) {
      let rows: {
        part: number;
        next_revision: string | null;
        commit_position: string | null;
        prepare_position: string | null;
        error_code: string | null;
        error_detail: string | null;
      }[];
      try {
        ({ rows } = await this.pool.query({
          name: 'event_store_append_many_v1',
          text: 'SELECT * FROM event_store.append_many($1::text[], $2::bigint[], $3::int[], $4::uuid[], $5::text[], $6::jsonb, $7::jsonb, $8::text[])',
          values: [
            arrayLiteral(parts.map((p) => p.append.streamId)),
            `{${parts.map((p) => p.expected.toString()).join(',')}}`,
            `{${parts.map((p) => p.append.events.length).join(',')}}`,
            arrayLiteral(parts.flatMap((p) => p.append.events.map((e) => e.id))),
            arrayLiteral(parts.flatMap((p) => p.append.events.map((e) => e.type))),
            `[${parts.flatMap((p) => p.serialised.map((e) => e.data)).join(',')}]`,
            `[${parts.flatMap((p) => p.serialised.map((e) => e.metadata)).join(',')}]`,
            arrayLiteral(parts.flatMap((p) => p.serialised.map((e) => e.digest))),
          ],
        }));
      } catch (err) {
        if ((err as { code?: string }).code !== '23505') throw err;
        const single = await appendEachStream(
          (s, e, o) => this.appendToStream(s, e, o),
          parts.map((p) => p.append),
        );
        single.forEach((o, i) => (outcomes[parts[i]!.index] = o));
        return outcomes as StreamAppendOutcome[];
      }
      let wrote = false;
      for (const row of rows) {
        const { index, append } = parts[row.part - 1]!;
        const { streamId, expectedRevision } = append;
        if (row.error_code === null || row.error_code === 'REPEATED') {
          wrote ||= row.error_code === null;
          outcomes[index] = {
            streamId,
            ok: true,
            result: {
              nextExpectedRevision: BigInt(row.next_revision!),
              position: { commit: BigInt(row.commit_position!), prepare: BigInt(row.prepare_position!) },
              repeated: row.error_code === 'REPEATED',
            },
          };
        } else {
          const error = this.mapError({ code: row.error_code, detail: row.error_detail ?? undefined }, streamId, expectedRevision);
          if (!(error instanceof EventStoreError)) throw new Error(`append_many answered an unknown error ${row.error_code} for ${streamId}`);
          outcomes[index] = { streamId, ok: false, error };
        }
      }
      if (wrote) this.announceAppend();
      const missing = parts.find((p) => outcomes[p.index] === undefined);
      if (missing) throw new Error(`append_many answered nothing for ${missing.append.streamId}`);
    }
    return outcomes as StreamAppendOutcome[];
  }

  private mapError(err: unknown, streamId: string, expected: ExpectedRevision): unknown {
    const e = err as { code?: string; detail?: string; constraint?: string };
    if (e.code === 'ES001') {
      const actual = BigInt(e.detail ?? '-1');
      return new WrongExpectedVersionError(streamId, expected, actual < 0n ? 'no_stream' : actual);
    }
    if (e.code === 'ES002') return new IdempotencyConflictError(streamId, e.detail ?? '');
    // Only reachable if the advisory lock were bypassed; the unique constraint still refuses a lost update.
    if (e.code === '23505' && e.constraint === 'events_stream_revision_unique') {
      return new WrongExpectedVersionError(streamId, expected, 'no_stream');
    }
    // An exact-revision append skips the idempotency probe (see the append function); ids already stored in
    // another stream then meet the unique index.
    if (e.code === '23505' && e.constraint === 'events_event_id_unique') {
      return new IdempotencyConflictError(streamId, /\(event_id\)=\(([^)]+)\)/.exec(e.detail ?? '')?.[1] ?? '');
    }
    return err;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? 'end' : 'start');
    const limit = options.maxCount ?? null;
    let sql: string;
    let values: unknown[];
    if (backwards) {
      const bound = from === 'end' ? null : from === 'start' ? 0n : from;
      sql = `SELECT ${COLUMNS} FROM event_store.events WHERE stream_id = $1 AND ($2::bigint IS NULL OR stream_revision <= $2)
             ORDER BY stream_revision DESC LIMIT $3`;
      values = [streamId, bound?.toString() ?? null, limit];
    } else {
      if (from === 'end') return [];
      const bound = from === 'start' ? 0n : from;
      sql = `SELECT ${COLUMNS} FROM event_store.events WHERE stream_id = $1 AND stream_revision >= $2
             ORDER BY stream_revision LIMIT $3`;
      values = [streamId, bound.toString(), limit];
    }
    const { rows } = await this.pool.query<EventRow>({ name: backwards ? 'es_read_back' : 'es_read_fwd', text: sql, values });
    return rows.map(toEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.readAllWith(this.pool, options.after ?? START, options.maxCount ?? 1000, options.filter);
  }

  private async readAllWith(client: pg.Pool | pg.Client, after: Position, maxCount: number, filter?: EventFilter): Promise<RecordedEvent[]> {
    const { rows } = await client.query<EventRow>({
      name: 'es_read_all',
      text: `SELECT ${COLUMNS} FROM event_store.events
             WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
               AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
               AND ($4::text[] IS NULL OR category = ANY ($4))
               AND ($5::text[] IS NULL OR event_type = ANY ($5))
             ORDER BY events.transaction_id, events.global_position
             LIMIT $3`,
      values: [
        after.commit < 0n ? '0' : after.commit.toString(),
        after.prepare.toString(),
        maxCount,
        filter?.streamCategories ?? null,
        filter?.eventTypes ?? null,
      ],
    });
    return rows.map(toEvent);
  }

  /** One probe of the unique index on event_id (events_event_id_unique) per id. */
  async readEventsById(ids: readonly string[]): Promise<RecordedEvent[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<EventRow>({
      name: 'es_read_by_id',
      text: `SELECT ${COLUMNS} FROM event_store.events WHERE event_id = ANY ($1::uuid[]) ORDER BY transaction_id, global_position`,
      values: [[...new Set(ids)].filter((id) => UUID.test(id))],
    });
    return rows.map(toEvent);
  }

  /**
   * Every event committed before the statement began, with no gap-safe holdback: readAll's filter waits for the
   * oldest open transaction anywhere in the cluster, so a search would miss a write its caller has just committed
   * whenever any other database's transaction is open. Settled events (below xmin) sort before all others, so only
   * the tail page can hold events that are not yet gap-safe.
   */
  async searchEvents(search: EventSearch): Promise<SearchedEvent[]> {
    if (search.maxCount <= 0 || search.streamIds?.length === 0) return [];
    const where: string[] = [];
    const values: unknown[] = [];
    const p = (v: unknown): string => `$${values.push(v)}`;
    if (search.after)
      where.push(
        `(e.transaction_id, e.global_position) > (${p(search.after.commit < 0n ? '0' : search.after.commit.toString())}::text::xid8, ${p(search.after.prepare.toString())}::bigint)`,
      );
    if (search.upTo)
      where.push(
        `(e.transaction_id, e.global_position) <= (${p(search.upTo.commit < 0n ? '0' : search.upTo.commit.toString())}::text::xid8, ${p(search.upTo.prepare.toString())}::bigint)`,
      );
    if (search.streamIds) where.push(`e.stream_id = ANY (${p([...new Set(search.streamIds)])}::text[])`);
    if (search.eventTypes) where.push(`e.event_type = ANY (${p([...search.eventTypes])}::text[])`);
    // Containment of a flat object of strings is exact equality of those top-level fields.
    if (search.metadata && Object.keys(search.metadata).length > 0) where.push(`e.metadata @> ${p(JSON.stringify(search.metadata))}::jsonb`);
    if (search.recordedFrom) where.push(`e.recorded_at >= ${p(search.recordedFrom)}`);
    if (search.recordedBefore) where.push(`e.recorded_at < ${p(search.recordedBefore)}`);
    if (search.dataContains) where.push(`e.data @> ${p(JSON.stringify(search.dataContains))}::jsonb`);
    const { rows } = await this.pool.query<EventRow & { previous_hash: string | null }>(
      `SELECT e.global_position, e.transaction_id::text AS commit_position, e.event_id, e.stream_id, e.stream_revision, e.event_type,
              e.data, e.metadata, e.hash, e.recorded_at, prev.hash AS previous_hash
         FROM event_store.events e
         LEFT JOIN event_store.events prev ON prev.stream_id = e.stream_id AND prev.stream_revision = e.stream_revision - 1
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY e.transaction_id, e.global_position
        LIMIT ${p(search.maxCount)}`,
      values,
    );
    return rows.map((r) => ({ ...toEvent(r), previousHash: r.previous_hash ?? GENESIS_HASH }));
  }

  private notifyScheduled = false;
  private notifyInFlight = false;

  /**
   * Wakes subscribers after an append has committed: in-process ones directly, other processes with one
   * NOTIFY per burst of appends, sent outside any append transaction (inside one, NOTIFY's commit lock would
   * serialise concurrent commits). Notifications are hints only; subscribers also poll.
   */
  private announceAppend(): void {
    this.wakeups.emit('append');
    if (this.notifyScheduled || this.closed) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      // One NOTIFY at a time on the listener session; appends during it are covered by the next one.
      if (this.notifyInFlight) {
        setTimeout(() => {
          this.notifyScheduled = false;
          this.announceAppend();
        }, 1);
        return;
      }
      this.notifyScheduled = false;
      if (this.closed) return;
      this.notifyInFlight = true;
      this.ensureListener()
        .then(() => this.listener?.query(`SELECT pg_notify('${NOTIFY_CHANNEL}', '')`))
        .catch(() => undefined)
        .finally(() => (this.notifyInFlight = false));
    });
  }

  private async ensureListener(): Promise<void> {
    this.listening ??= (async () => {
      // A dedicated connection outside the pool: LISTEN must stay on one session for the store's lifetime.
      const client = new pg.Client((this.pool as unknown as { options: pg.ClientConfig }).options);
      client.on('notification', () => this.wakeups.emit('append'));
      client.on('error', () => {
        // Polling keeps subscribers going; the next subscription re-establishes LISTEN.
        this.listener = undefined;
        this.listening = undefined;
      });
      await client.connect();
      // This session only sends and receives wake-up hints: no need to wait for their commit to reach disk.
      await client.query(`SET synchronous_commit = off`);
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      this.listener = client;
    })().catch((err: unknown) => {
      this.listening = undefined;
      throw err;
    });
    return this.listening;
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    let position = options.after ?? START;
    const batchSize = options.batchSize ?? 1000;
    let closed = false;
    let wake: (() => void) | undefined;
    // An append announced while a batch was being read must not wait for the next poll: remember it.
    let appendedSinceRead = false;
    const onAppend = (): void => {
      appendedSinceRead = true;
      wake?.();
    };
    this.wakeups.on('append', onAppend);
    const waitForAppend = (): Promise<void> =>
      new Promise<void>((resolve) => {
        if (appendedSinceRead) return resolve();
        const timer = setTimeout(resolve, this.pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    const ensureListener = (): Promise<void> => this.ensureListener();
    const filterKey = JSON.stringify([options.filter?.streamCategories ?? null, options.filter?.eventTypes ?? null]);
    let shared = this.sharedPages.get(filterKey);
    if (!shared) {
      shared = new SharedPages((after, maxCount) => this.readAll({ after, maxCount, filter: options.filter }), SHARED_EVENTS);
      this.sharedPages.set(filterKey, shared);
    }
    const pages = shared;
    const reader = {};
    pages.open(reader, position);
    const readBatch = (after: Position) => pages.read(reader, after, batchSize);
    const subscription: Subscription = {
      close: async () => {
        closed = true;
        this.wakeups.off('append', onAppend);
        this.subscriptions.delete(subscription);
        pages.close(reader);
        wake?.();
      },
      [Symbol.asyncIterator]: async function* (this: void) {
        await ensureListener().catch(() => undefined);
        while (!closed) {
          appendedSinceRead = false;
          const { events: batch, fresh } = await readBatch(position);
          for (const e of batch) {
            if (closed) return;
            position = e.position;
            yield e;
          }
          // Only a read of the database itself shows the end of the log: a shared page may be older than this read.
          if (fresh && batch.length < batchSize && !closed) await waitForAppend();
        }
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    if (options.streamId !== undefined) validateStreamId(options.streamId);
    const verifier = createChainVerifier();
    let afterStream = '';
    let afterRevision = -1n;
    for (;;) {
      const { rows } = await this.pool.query<EventRow>({
        text: `SELECT ${COLUMNS} FROM event_store.events
               WHERE ($1::text IS NULL OR stream_id = $1) AND (stream_id, stream_revision) > ($2, $3::bigint)
               ORDER BY stream_id, stream_revision LIMIT 5000`,
        values: [options.streamId ?? null, afterStream, afterRevision.toString()],
      });
      for (const row of rows) if (verifier.check(toEvent(row))) return verifier.result();
      if (rows.length < 5000) return verifier.result();
      const last = rows.at(-1)!;
      afterStream = last.stream_id;
      afterRevision = BigInt(last.stream_revision);
    }
  }

  async readHead(): Promise<Position | null> {
    // The primary key's index, read from its end.
    const { rows } = await this.pool.query<{ global_position: string; commit_position: string }>({
      name: 'es_read_head',
      text: `SELECT global_position, transaction_id::text AS commit_position FROM event_store.events ORDER BY global_position DESC LIMIT 1`,
    });
    const r = rows[0];
    return r ? { commit: BigInt(r.commit_position), prepare: BigInt(r.global_position) } : null;
  }

  async countEvents(options: CountEventsOptions = {}): Promise<number> {
    const after = options.after;
    const limit = options.limit ?? null;
    if (limit !== null && limit <= 0) return 0;
    const filter = [options.filter?.streamCategories ?? null, options.filter?.eventTypes ?? null];
    const filtered = `($2::text[] IS NULL OR category = ANY ($2)) AND ($3::text[] IS NULL OR event_type = ANY ($3))`;
    // Two statements rather than one OR, so a count after a position is a range scan of the commit-order index.
    const { rows } =
      !after || after.prepare < 0n
        ? await this.pool.query<{ n: string }>({
            name: 'es_count_all',
            text: `SELECT count(*)::text AS n FROM (SELECT 1 FROM event_store.events WHERE ${filtered} LIMIT $1) x`,
            values: [limit, ...filter],
          })
        : await this.pool.query<{ n: string }>({
            name: 'es_count_after',
            text: `SELECT count(*)::text AS n FROM (SELECT 1 FROM event_store.events
                    WHERE (transaction_id, global_position) > ($4::text::xid8, $5::bigint) AND ${filtered} LIMIT $1) x`,
            values: [limit, ...filter, after.commit < 0n ? '0' : after.commit.toString(), after.prepare.toString()],
          });
    return Number(rows[0]!.n);
  }

  async positionOf(prepare: bigint): Promise<Position | null> {
    const { rows } = await this.pool.query<{ commit_position: string }>({
      name: 'es_position_of',
      text: `SELECT transaction_id::text AS commit_position FROM event_store.events WHERE global_position = $1`,
      values: [prepare.toString()],
    });
    return rows[0] ? { commit: BigInt(rows[0].commit_position), prepare } : null;
  }

  /** The last global position written and the number of events (for status pages). */
  async stats(): Promise<{ events: bigint; lastPosition: bigint | null }> {
    const { rows } = await this.pool.query<{ n: string; last: string | null }>(`SELECT count(*) AS n, max(global_position) AS last FROM event_store.events`);
    return { events: BigInt(rows[0]!.n), lastPosition: rows[0]!.last === null ? null : BigInt(rows[0]!.last) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.listening?.catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    if (this.ownsPool) await this.pool.end();
  }
}
