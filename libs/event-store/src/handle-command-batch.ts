import { uuidV5 as uuidv5 } from './uuid-v5.js';
import type { EventStore, JsonObject, Position, RecordedEvent, StreamAppend } from './event-store.js';
import {
  CommandIdempotencyConflictError,
  IdempotencyConflictError,
  StreamBusyError,
  WrongExpectedVersionError,
  type EventStoreError,
} from './event-store.errors.js';
import { asStored, commandHash, DEFAULT_RETRY_BUDGET_MS, deriveEventId, EVENT_SCHEMA_VERSION, type DeciderLike } from './handle-command.js';
import type { FoldLike, StreamStateCache } from './stream-state-cache.js';

/** Namespace of the per-stream command ids derived from a batch's commandId (UUIDv5), distinct from event ids. */
const BATCH_STREAM_NAMESPACE = 'c4a7d2e0-8f61-4b3a-9e57-1d0b6a2f9c13';
const BACKOFF_BASE_MS = 2;
const BACKOFF_CAP_MS = 100;

/**
 * The commandId a batch's part on one stream is recorded under: the same batch always maps to the same id per
 * stream, so its events get the same deterministic ids and a repeated batch is recognised on every stream.
 */
export function batchStreamCommandId(batchCommandId: string, streamId: string): string {
  return uuidv5(`${batchCommandId}:${streamId}`, BATCH_STREAM_NAMESPACE);
}

export interface BatchItem<TCommand> {
  /** Position of the item in the batch as the client sent it (reported back with its outcome). */
  readonly index: number;
  readonly command: TCommand;
  /** What the client sent for this item (hashed for idempotency); defaults to `command`. */
  readonly fingerprint?: unknown;
}

export interface BatchStream<TCommand> {
  readonly streamId: string;
  /** In batch order: decided one after another, each on the state the earlier ones left. */
  readonly items: readonly BatchItem<TCommand>[];
}

/** A stream as the batch decides on it: folded state, revision, and what this batch already appended there. */
export interface LoadedBatchStream<TState> {
  readonly streamId: string;
  readonly state: TState;
  /** Revision of the stream's last event, -1 when it does not exist. */
  readonly revision: bigint;
  /** Events of an earlier handling of this batch (its per-stream commandId), in order; empty on a first handling. */
  readonly previous: readonly RecordedEvent[];
}

export interface BatchMetadata {
  readonly batchCommandId: string;
  readonly actorId: string;
  readonly actorRole: string;
  readonly correlationId: string;
  /** Stamped once per attempt (the server clock): "when we knew it" for every event of that attempt. */
  readonly now: () => Date;
}

export interface HandleCommandBatchInput<TCommand, TEvent extends { type: string; data: unknown }, TState, TContext> {
  readonly store: EventStore;
  readonly decider: DeciderLike<TCommand, TEvent, TState, TContext>;
  readonly streams: readonly BatchStream<TCommand>[];
  readonly metadata: BatchMetadata;
  /**
   * What the client sent for the whole batch beyond its items (e.g. items refused before deciding, which belong to no
   * stream): with the items' own fingerprints it makes the batch hash, so a repeated batch commandId with any other
   * content is refused.
   */
  readonly fingerprint: unknown;
  /**
   * Once per attempt, with every stream loaded: gathers what the decisions need from other streams (each fact
   * loaded once for the whole batch) and returns the per-item context. The per-item function also authorizes the
   * item (it runs for replayed items too: the caller must still be allowed to see the first result); it throws a
   * rejection (see `isRejection`) to refuse the item.
   */
  readonly prepare: (
    loaded: readonly LoadedBatchStream<TState>[],
    now: Date,
  ) => Promise<(stream: LoadedBatchStream<TState>, state: TState, item: BatchItem<TCommand>) => TContext | Promise<TContext>>;
  /** Errors that refuse one item (stable code and field); anything else is a failure of the whole batch. */
  readonly isRejection: (err: unknown) => boolean;
  readonly retryBudgetMs?: number;
  /**
   * Folded states kept across commands (stream-state-cache.ts): each stream's state after this batch's append is kept
   * there, folded from its events as stored (a JSON round trip), so the next command on it reads nothing it appended.
   */
  readonly cache?: StreamStateCache;
  /** Loads one stream for the batch; `loadBatchStream` by default (a state cache can take its place). */
  readonly load?: (
    store: EventStore,
    streamId: string,
    decider: DeciderLike<TCommand, TEvent, TState, TContext>,
    streamCommandId: string,
  ) => Promise<LoadedBatchStream<TState>>;
}

export type BatchItemOutcome =
  /** Appended now, or (replayed) by an earlier handling of this batch. `position` is that of the stream's part. */
  | {
      readonly kind: 'accepted';
      readonly index: number;
      readonly streamId: string;
      readonly replayed: boolean;
      readonly revision: bigint;
      readonly position: Position | undefined;
      readonly events: readonly RecordedEventLike[];
    }
  /** The item itself was refused: nothing of its stream was appended. */
  | { readonly kind: 'rejected'; readonly index: number; readonly streamId: string; readonly error: unknown }
  /** The item was fine, but another item of the same stream was refused, so none of them was appended. */
  | { readonly kind: 'stream_rejected'; readonly index: number; readonly streamId: string; readonly rejectedIndexes: readonly number[] };

/** The type and data of an event an item appended (or had appended, on a replay). */
export interface RecordedEventLike {
  readonly type: string;
  readonly data: unknown;
}

/**
 * Reads and folds one stream, and picks out what this batch (its per-stream commandId) appended there before.
 * The one place the batch loads a stream's state: a stream-state cache can replace it (`input.load`).
 */
export async function loadBatchStream<TEvent extends { type: string; data: unknown }, TState>(
  store: EventStore,
  streamId: string,
  decider: Pick<DeciderLike<unknown, TEvent, TState, never>, 'initialState' | 'evolve'>,
  streamCommandId: string,
): Promise<LoadedBatchStream<TState>> {
  const history = await store.readStream(streamId);
  let state = decider.initialState;
  for (const e of history) state = decider.evolve(state, { type: e.type, data: e.data } as TEvent);
  return {
    streamId,
    state,
    revision: history.length === 0 ? -1n : history.at(-1)!.revision,
    previous: history.filter((e) => e.metadata['commandId'] === streamCommandId),
  };
}

/**
 * `loadBatchStream` over a stream-state cache (stream-state-cache.ts): the state is folded from the cached revision on,
 * and what this batch appended before is found by the id of its first event on the stream (an index lookup), then
 * read from that revision on, instead of reading and filtering the whole history. A stale cached state costs a retry
 * at the exact-revision append, never a wrong decision.
 */
export function cachedBatchStreamLoader(cache: StreamStateCache) {
  return async <TEvent extends { type: string; data: unknown }, TState>(
    store: EventStore,
    streamId: string,
    decider: FoldLike<TEvent, TState>,
    streamCommandId: string,
  ): Promise<LoadedBatchStream<TState>> => {
    const [loaded, firstOfBatch] = await Promise.all([
      cache.load(store, streamId, decider),
      store.readEventsById([deriveEventId(streamCommandId, streamId, 0)], { withinStreams: [streamId] }),
    ]);
    const first = firstOfBatch[0];
    const previous = first
      ? (await store.readStream(streamId, { fromRevision: first.revision })).filter((e) => e.metadata['commandId'] === streamCommandId)
      : [];
    return { streamId, state: loaded.state, revision: loaded.revision, previous };
  };
}

/**
 * Many commands for several streams in one go, through the same deciders as `handleCommand`: per stream, load →
 * decide each item in order on the state the earlier items left → append all of that stream's events at the exact
 * revision it was read at; the appends of all streams go to the store in one `appendToStreams` call.
 *
 * Atomic per stream: either every item of a stream is appended or none (a refused item refuses its stream's
 * other items, `stream_rejected`); streams do not wait for each other. A stream that lost a race to a concurrent
 * writer is loaded and decided again (full-jitter backoff) until the time budget is spent, then its items are
 * refused with StreamBusyError. A repeated batch (same commandId, same content) answers the first outcomes without
 * deciding again; other content under the same commandId throws CommandIdempotencyConflictError for the whole batch.
 */
export async function handleCommandBatch<TCommand, TEvent extends { type: string; data: unknown }, TState, TContext>(
  input: HandleCommandBatchInput<TCommand, TEvent, TState, TContext>,
): Promise<BatchItemOutcome[]> {
  const { store, decider, metadata } = input;
  const load = input.load ?? loadBatchStream;
  // Each item's content is hashed once; a stream's commandHash and the batch's hash are hashes of those.
  const itemHashes = new Map<number, string>();
  for (const s of input.streams) for (const item of s.items) itemHashes.set(item.index, commandHash(item.fingerprint ?? item.command, undefined));
  const batchHash = commandHash({ batch: input.fingerprint, items: [...itemHashes].sort(([a], [b]) => a - b) }, undefined);
  const deadline = Date.now() + (input.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS);
  const outcomes: BatchItemOutcome[] = [];
  const rereadAfterIdConflict = new Set<string>();
  let pending = [...input.streams];
  for (let attempt = 1; pending.length > 0; attempt++) {
    const loaded = await Promise.all(pending.map((s) => load(store, s.streamId, decider, batchStreamCommandId(metadata.batchCommandId, s.streamId))));
    for (const l of loaded) {
      const other = l.previous.find((e) => e.metadata['batchHash'] !== batchHash);
      if (other) throw new CommandIdempotencyConflictError(l.streamId, other.id, metadata.batchCommandId);
    }
    const now = metadata.now();
    const contextFor = await input.prepare(loaded, now);

    const appends: {
      stream: BatchStream<TCommand>;
      loaded: LoadedBatchStream<TState>;
      append: StreamAppend;
      decided: { item: BatchItem<TCommand>; events: readonly TEvent[] }[];
      state: TState;
    }[] = [];
    for (const [i, stream] of pending.entries()) {
      const l = loaded[i]!;
      if (l.previous.length > 0) {
        outcomes.push(...(await replayed(stream, l, contextFor, input.isRejection)));
        continue;
      }
      let state = l.state;
      const decided: { item: BatchItem<TCommand>; events: readonly TEvent[] }[] = [];
      const refused: { item: BatchItem<TCommand>; error: unknown }[] = [];
      for (const item of stream.items) {
        try {
          // Awaited only when pending: a microtask per item is a measurable share of a large batch.
          const context = contextFor(l, state, item);
          const events = decider.decide(item.command, state, context instanceof Promise ? await context : context);
          // A state that will be kept is folded as a later load would fold it: from the events as stored.
          for (const e of events) state = decider.evolve(state, input.cache ? ({ type: e.type, data: asStored(e.data) } as TEvent) : e);
          decided.push({ item, events });
        } catch (err) {
          if (!input.isRejection(err)) throw err;
          refused.push({ item, error: err });
        }
      }
      if (refused.length > 0) {
        outcomes.push(...refusedStream(stream.streamId, decided, refused));
        continue;
      }
      const streamCommandId = batchStreamCommandId(metadata.batchCommandId, stream.streamId);
      const hash = commandHash(
        stream.items.map((item) => [item.index, itemHashes.get(item.index)!]),
        undefined,
      );
      const events = decided.flatMap(({ item, events: itemEvents }) => itemEvents.map((e) => ({ item, e })));
      const metadataOf = batchEventMetadata(metadata, now, streamCommandId, hash, batchHash);
      if (events.length === 0) {
        for (const { item } of decided)
          outcomes.push({
            kind: 'accepted',
            index: item.index,
            streamId: stream.streamId,
            replayed: false,
            revision: l.revision,
            position: undefined,
            events: [],
          });
        continue;
      }
      appends.push({
        stream,
        loaded: l,
        decided,
        state,
        append: {
          streamId: stream.streamId,
          expectedRevision: l.revision < 0n ? 'no_stream' : l.revision,
          events: events.map(({ item, e }, n) => ({
            id: deriveEventId(streamCommandId, stream.streamId, n),
            type: e.type,
            data: e.data as JsonObject,
            metadata: metadataOf(item.index, e.data),
          })),
        },
      });
    }
    if (appends.length === 0) break;

    const results = await store.appendToStreams(appends.map((a) => a.append));
    const retry: BatchStream<TCommand>[] = [];
    for (const [i, a] of appends.entries()) {
      const r = results[i]!;
      if (r.ok && !r.result.repeated) {
        input.cache?.remember(a.stream.streamId, decider, {
          state: a.state,
          revision: r.result.nextExpectedRevision,
          position: r.result.position,
          lastEventId: a.append.events.at(-1)!.id,
        });
        let revision = a.loaded.revision;
        for (const { item, events } of a.decided) {
          revision += BigInt(events.length);
          outcomes.push({ kind: 'accepted', index: item.index, streamId: a.stream.streamId, replayed: false, revision, position: r.result.position, events });
        }
        continue;
      }
      // A concurrent send of this batch wrote the same events (answered as a replay on the next read), or a
      // concurrent writer moved the stream: load and decide again.
      if (r.ok || r.error instanceof WrongExpectedVersionError) {
        // What is kept for a stream someone else moved is not to be trusted for the next attempt (as in handleCommand).
        if (!r.ok) input.cache?.forget(a.stream.streamId);
        retry.push(a.stream);
        continue;
      }
      // The same event ids stored with other data by a concurrent send of this batch: the next read decides.
      if (r.error instanceof IdempotencyConflictError && !rereadAfterIdConflict.has(a.stream.streamId)) {
        rereadAfterIdConflict.add(a.stream.streamId);
        retry.push(a.stream);
        continue;
      }
      outcomes.push(
        ...a.stream.items.map((item) => ({ kind: 'rejected' as const, index: item.index, streamId: a.stream.streamId, error: r.error as EventStoreError })),
      );
    }
    if (retry.length === 0) break;
    const delay = Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
    if (Date.now() + delay > deadline) {
      for (const s of retry) {
        const busy = new StreamBusyError(s.streamId, attempt);
        outcomes.push(...s.items.map((item) => ({ kind: 'rejected' as const, index: item.index, streamId: s.streamId, error: busy })));
      }
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    pending = retry;
  }
  return outcomes.sort((a, b) => a.index - b.index);
}

/** The first outcomes of a repeated batch on one stream, item by item (events carry their item's index). */
async function replayed<TCommand, TState, TContext>(
  stream: BatchStream<TCommand>,
  l: LoadedBatchStream<TState>,
  contextFor: (stream: LoadedBatchStream<TState>, state: TState, item: BatchItem<TCommand>) => TContext | Promise<TContext>,
  isRejection: (err: unknown) => boolean,
): Promise<BatchItemOutcome[]> {
  const position = l.previous.at(-1)!.position;
  const out: BatchItemOutcome[] = [];
  for (const item of stream.items) {
    try {
      await contextFor(l, l.state, item);
    } catch (err) {
      if (!isRejection(err)) throw err;
      out.push({ kind: 'rejected', index: item.index, streamId: stream.streamId, error: err });
      continue;
    }
    const events = l.previous.filter((e) => e.metadata['batchItem'] === item.index);
    const revision = events.at(-1)?.revision ?? l.previous[0]!.revision - 1n;
    out.push({ kind: 'accepted', index: item.index, streamId: stream.streamId, replayed: true, revision, position, events });
  }
  return out;
}

function refusedStream<TCommand>(
  streamId: string,
  decided: readonly { item: BatchItem<TCommand> }[],
  refused: readonly { item: BatchItem<TCommand>; error: unknown }[],
): BatchItemOutcome[] {
  const rejectedIndexes = refused.map((r) => r.item.index);
  return [
    ...refused.map(({ item, error }) => ({ kind: 'rejected' as const, index: item.index, streamId, error })),
    ...decided.map(({ item }) => ({ kind: 'stream_rejected' as const, index: item.index, streamId, rejectedIndexes })),
  ];
}

/**
 * handle-command.ts's event metadata, plus where the event came from in the batch (its commandId, hash and item), for
 * the events of one stream's part: what they share (actor, ids, hashes, the attempt's time as text) is worked out
 * once per part, not once per event. The keys are written in sorted order, so the store's canonical JSON finds them in
 * order and does not sort them per event; the content is `{ ...eventMetadata(…), batchCommandId, batchHash, batchItem }`
 * exactly (a unit test compares the two).
 */
export function batchEventMetadata(
  m: BatchMetadata,
  now: Date,
  commandId: string,
  hash: string,
  batchHash: string,
): (item: number, data: unknown) => JsonObject {
  const { actorId, actorRole, correlationId, batchCommandId } = m;
  const causationId = m.batchCommandId;
  const recordedAt = now.toISOString();
  return (batchItem, data): JsonObject => {
    const occurredAt = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['occurredAt'] : undefined;
    // Two literal shapes (with and without occurredAt) rather than one built up key by key.
    if (typeof occurredAt === 'string')
      return {
        actorId,
        actorRole,
        batchCommandId,
        batchHash,
        batchItem,
        causationId,
        commandHash: hash,
        commandId,
        correlationId,
        occurredAt,
        recordedAt,
        schemaVersion: EVENT_SCHEMA_VERSION,
      };
    return {
      actorId,
      actorRole,
      batchCommandId,
      batchHash,
      batchItem,
      causationId,
      commandHash: hash,
      commandId,
      correlationId,
      recordedAt,
      schemaVersion: EVENT_SCHEMA_VERSION,
    };
  };
}
