import type { EventStoreError } from './event-store.errors.js';
import type { ExpectedRevision } from './expected-revision.js';

export type { ExpectedRevision } from './expected-revision.js';

/**
 * The EventStore port. Its semantics follow EventStoreDB so that the PostgreSQL adapter (the default,
 * system of record on one node) and the EventStoreDB adapter (clustered deployments) are interchangeable.
 */

/**
 * A position in the global log. `commit` orders transactions by commit safety (the writing transaction id
 * in PostgreSQL, the commit position in EventStoreDB); `prepare` is the event's unique global position.
 * Positions compare lexicographically (commit, then prepare); `prepare` alone identifies an event.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: Position = Object.freeze({ commit: -1n, prepare: -1n });

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An event to append. `id` is a UUID chosen by the caller so that retried appends are idempotent. */
export interface EventData<TType extends string = string, TData extends JsonObject = JsonObject> {
  readonly id: string;
  readonly type: TType;
  readonly data: TData;
  readonly metadata?: JsonObject;
}

export interface RecordedEvent<TType extends string = string, TData extends JsonObject = JsonObject> {
  readonly id: string;
  readonly streamId: string;
  readonly type: TType;
  /** 0-based revision of the event within its stream. */
  readonly revision: bigint;
  readonly position: Position;
  readonly data: TData;
  readonly metadata: JsonObject;
  /** Server time the event was stored (UTC). */
  readonly recordedAt: Date;
  /** SHA-256 (hex) chained to the previous event of the same stream. */
  readonly hash: string;
}

export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event now in the stream (pass it as expectedRevision for the next append). */
  readonly nextExpectedRevision: bigint;
  /** Position of the last event appended (or, for an idempotent repeat, of the last event already stored). */
  readonly position: Position;
  /**
   * True when every event was already stored (an idempotent repeat, e.g. a concurrent writer of the same ids won):
   * this call wrote nothing. Exactly one of several identical appends reports false.
   */
  readonly repeated: boolean;
}

/** One stream's part of `appendToStreams`: the same arguments as one `appendToStream` call. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly EventData[];
  readonly expectedRevision: ExpectedRevision;
}

/**
 * The outcome of one stream's part of `appendToStreams`: its AppendResult, or the typed error a single append would
 * have thrown (WrongExpectedVersionError, IdempotencyConflictError, InvalidEventError). Nothing of a failed part was
 * written; the other parts are unaffected.
 */
export type StreamAppendOutcome =
  | { readonly streamId: string; readonly ok: true; readonly result: AppendResult }
  | { readonly streamId: string; readonly ok: false; readonly error: EventStoreError };

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive start revision; 'start' / 'end' by default depending on direction. */
  readonly fromRevision?: bigint | 'start' | 'end';
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Defaults to START. */
  readonly after?: Position;
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

/** Server-side filter; categories are the part of a stream name before the first dash. */
export interface EventFilter {
  readonly streamCategories?: readonly string[];
  readonly eventTypes?: readonly string[];
}

/**
 * What `searchEvents` selects, for auditors: every criterion given must hold. Results come in `readAll` order and
 * include every event committed before the search (a caller sees its own writes at once). Paging by `after`
 * through history is exact; only past the newest events, a transaction that was still open at the previous page
 * may commit behind the cursor, so consumers that must see each event exactly once follow `readAll`/`subscribe`.
 */
export interface EventSearch {
  /** Exclusive: events strictly after this position (the last event of the previous page). */
  readonly after?: Position;
  /** Inclusive upper bound, e.g. the position a read model that chose `streamIds` has reached. */
  readonly upTo?: Position;
  readonly maxCount: number;
  /** Only events of these streams; an empty list selects nothing. */
  readonly streamIds?: readonly string[];
  readonly eventTypes?: readonly string[];
  /** Top-level metadata fields that must equal these strings (e.g. `actorId`, `actorRole`). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Stored at or after (inclusive). */
  readonly recordedFrom?: Date;
  /** Stored before (exclusive). */
  readonly recordedBefore?: Date;
  /** The event's data contains this JSON (PostgreSQL `@>` semantics: objects by subset, arrays by element subset). */
  readonly dataContains?: JsonObject;
}

/** A searched event with the hash of its stream's previous event, so that it verifies on its own (GENESIS_HASH at revision 0). */
export interface SearchedEvent extends RecordedEvent {
  readonly previousHash: string;
}

export interface ReadEventsByIdOptions {
  /**
   * The streams the caller expects the ids in. Adapters with an index of event ids (PostgreSQL, in-memory) ignore it
   * and search every stream; EventStoreDB, which keeps no such index, then reads only these streams instead of
   * scanning $all (so there an id stored in another stream is not found: the adapter's documented limit).
   */
  readonly withinStreams?: readonly string[];
}

export interface SubscribeToAllOptions {
  /** Exclusive: deliver events strictly after this position. Defaults to START (replay everything). */
  readonly after?: Position;
  readonly filter?: EventFilter;
  /** Upper bound of events fetched per round trip during catch-up. */
  readonly batchSize?: number;
}

/**
 * A catch-up subscription: replays history, then follows live appends. Iterate it with `for await`;
 * `close()` ends the iteration. Events arrive in exactly `readAll` order, each exactly once.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface CountEventsOptions {
  /** Exclusive: count events strictly after this position (in `readAll` order). Defaults to START (every event). */
  readonly after?: Position;
  /** Stop counting here: the answer is min(count, limit). Unbounded when omitted. */
  readonly limit?: number;
  /** Count only these categories / event types. */
  readonly filter?: EventFilter;
}

export interface VerifyOptions {
  /** Verify one stream; all streams when omitted. */
  readonly streamId?: string;
}

export interface VerifyFailure {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: Position;
  readonly eventId: string;
  readonly reason: 'hash_mismatch' | 'revision_gap';
  readonly expectedHash: string;
  readonly storedHash: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly eventsChecked: number;
  readonly streamsChecked: number;
  readonly firstFailure?: VerifyFailure;
}

export interface EventStore {
  appendToStream(streamId: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Several streams' appends in as few round trips as the adapter allows (PostgreSQL: one). Each part is atomic and
   * checked like `appendToStream` on its own; one part's failure does not abort the others (outcomes come back in the
   * order of `appends`). Each stream at most once per call (InvalidEventError otherwise). Unexpected failures (the
   * database is down) reject the whole call; then any part may or may not have been written, as with one append.
   */
  appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]>;
  /** Events of one stream; an empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of all streams in global order, strictly after `after`; only events safe to hand out (no gaps later). */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Events matching a search (streams, types, metadata, time), in `readAll` order, each with its previous hash. */
  searchEvents(search: EventSearch): Promise<SearchedEvent[]>;
  subscribeToAll(options?: SubscribeToAllOptions): Subscription;
  /** Walks hash chains and reports the first event whose stored content no longer matches its hash. */
  verify(options?: VerifyOptions): Promise<VerifyResult>;
  close(): Promise<void>;
  /**
   * The stored events whose id is one of `ids`, from whichever stream holds them, in global order; ids not stored are
   * left out. Event ids are derived from command ids (handle-command.ts), so this is how a repeated command is
   * recognised without reading its stream's history: one indexed lookup on PostgreSQL.
   */
  readEventsById(ids: readonly string[], options?: ReadEventsByIdOptions): Promise<RecordedEvent[]>;
  /**
   * The position of the newest event stored (the largest `prepare`), or null for an empty log. Features use it for
   * status pages and lag instead of reading the log's tables (architecture.md §4: only this library names them).
   */
  readHead(): Promise<Position | null>;
  /** How many events are stored strictly after `after` (committed ones, gap-safe or not), up to `limit`. */
  countEvents(options?: CountEventsOptions): Promise<number>;
  /** The full position of the event at this global (`prepare`) position — what a mutation returns — or null when none is stored there. */
  positionOf(prepare: bigint): Promise<Position | null>;
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** `commit.prepare` — the text form of a position used in checkpoints, logs and the API. */
export function formatPosition(p: Position): string {
  return `${p.commit}.${p.prepare}`;
}

export function parsePosition(text: string): Position {
  const m = /^(-?\d+)\.(-?\d+)$/.exec(text);
  if (!m) throw new TypeError(`not a position: ${text}`);
  return { commit: BigInt(m[1]!), prepare: BigInt(m[2]!) };
}

export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
}
