/**
 * EventStore adapter on EventStoreDB / KurrentDB (`@eventstore/db-client`, gRPC, servers 20.6+), for the
 * clustered deployments of issue 7. Semantics follow the port and the in-memory reference adapter; the
 * translations live in `eventstoredb.mapping.ts` (unit-tested without a server).
 *
 * NOT verified against a live server in this repository: no EventStoreDB server can be installed on the
 * development machines. `npm run test:eventstoredb` runs the shared contract suite against one when
 * EVENTSTORE_CONNECTION_STRING points at it (see infra/README.md).
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Position as ClientPosition,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import {
  START,
  comparePositions,
  type AppendOptions,
  type AppendResult,
  type CountEventsOptions,
  type EventData,
  type EventSearch,
  type EventStore,
  type Position,
  type ReadAllOptions,
  type ReadEventsByIdOptions,
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
import { WrongExpectedVersionError } from '../event-store.errors.js';
import { appendEachStream } from '../append-to-streams.js';
import { validateAppend } from '../event-validation.js';
import { GENESIS_HASH } from '../hash-chain.js';
import { countByReading, searchByReading } from '../search-events.js';
import { verifyChains } from '../verify-chains.js';
import {
  assertNoReservedMetadata,
  backoffDelay,
  buildServerFilter,
  chainEvents,
  detectRepeat,
  expectedRevisionHolds,
  fromClientPosition,
  isAfter,
  isClientStreamNotFound,
  isClientWrongExpectedVersion,
  isTransientError,
  matchesFilter,
  nextRevision,
  observedExpectedRevision,
  repeatStartRevision,
  streamNaming,
  toActualRevision,
  toClientReadPosition,
  toClientReadRevision,
  toRecordedEvent,
  toServerStreamName,
  toWrongExpectedVersionError,
  type ActualRevision,
  type StreamNaming,
} from './eventstoredb.mapping.js';

export interface EventStoreDbEventStoreOptions {
  /** A client the caller owns (and disposes), or a connection string for a client this store owns. */
  readonly client?: EventStoreDBClient;
  readonly connectionString?: string;
  /** Prepended to every server-side stream name; isolates test runs on a shared cluster. '' by default. */
  readonly streamPrefix?: string;
  /** Attempts of the read-last-then-append cycle before a concurrent writer wins (see appendToStream). */
  readonly maxAppendAttempts?: number;
  /** How many recent events an `any` / `stream_exists` append searches for a repeat of its first event id. */
  readonly idempotencyWindow?: number;
  /** Page size for readAll and verify. */
  readonly readPageSize?: number;
  readonly subscription?: {
    /** Checkpoint notification every `checkpointInterval` × server search window (32 events) scanned. */
    readonly checkpointInterval?: number;
    readonly maxSearchWindow?: number;
    readonly initialDelayMs?: number;
    readonly maxDelayMs?: number;
    /** Consecutive failed resubscriptions before the iteration throws. Infinity by default: a projector waits. */
    readonly maxAttempts?: number;
    /** Events buffered ahead of the consumer before the gRPC stream is paused (backpressure). */
    readonly highWaterMark?: number;
  };
  /** Injected for tests of the retry timing. */
  readonly random?: () => number;
}

export interface EventStoreDbSubscribeOptions extends SubscribeToAllOptions {
  /**
   * Called, in order with the events, when the server reports that it has scanned up to `position` without
   * further matches: a projector stores it as its checkpoint so that a restart does not rescan filtered-out
   * history. Awaited before the next event is delivered.
   */
  readonly onCheckpoint?: (position: Position) => Promise<void> | void;
  /** Called when the subscription dropped and is about to be reopened (for logs and metrics). */
  readonly onDrop?: (error: unknown, attempt: number, resumeAfter: Position) => void;
}

interface StreamTail {
  readonly actual: ActualRevision;
  readonly hash: string;
  readonly position?: Position;
}

export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly ownsClient: boolean;
  private readonly naming: StreamNaming;
  private readonly maxAppendAttempts: number;
  private readonly idempotencyWindow: number;
  private readonly readPageSize: number;
  private readonly random: () => number;
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly options: EventStoreDbEventStoreOptions) {
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else if (options.connectionString) {
      this.client = EventStoreDBClient.connectionString(options.connectionString);
      this.ownsClient = true;
    } else {
      throw new TypeError('EventStoreDbEventStore needs a client or a connection string (EVENTSTORE_CONNECTION_STRING)');
    }
    this.naming = streamNaming(options.streamPrefix ?? '');
    this.maxAppendAttempts = options.maxAppendAttempts ?? 5;
    this.idempotencyWindow = options.idempotencyWindow ?? 100;
    this.readPageSize = Math.max(2, options.readPageSize ?? 1000);
    this.random = options.random ?? Math.random;
  }

  /**
   * Appends with the hash chain. The chain needs the hash of the stream's last event, which only the server
   * knows, so every append first reads that event (one extra round trip) and then appends with the revision
   * it observed as an *exact* expectation — even when the caller passed `any` or `stream_exists`. That makes
   * the chain correct under concurrency (a writer that slipped in between makes the server reject us, and we
   * read again), at two costs:
   *   - latency: read + append instead of a blind append (≈ 2 round trips to the leader);
   *   - `any` is no longer blind: on a contended stream it retries up to `maxAppendAttempts` and then
   *     reports the conflict. Our streams are one per trial / subject / programme, so contention is rare.
   * Alternatives rejected: hashing without the predecessor (no chain: a removed event goes unnoticed); a
   * server-side projection that hashes after the fact (not atomic with the write, leaves unhashed events);
   * caching the last hash per stream in the process (sound, since an event at a revision never changes, but
   * EventStoreDB then answers a retried append with a silent idempotent success even when the content
   * differs, which loses IDEMPOTENCY_CONFLICT). Revisit with the TODO(bench) append figures in SCALING.md.
   *
   * Idempotency: with a pinned revision a repeat sits right after that revision and is recognised there;
   * with `any` / `stream_exists` the last `idempotencyWindow` events are searched. Unlike the PostgreSQL
   * adapter, EventStoreDB keeps no index of event ids across streams, so reusing an id in another stream is
   * not detected here.
   */
  async appendToStream(streamId: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult> {
    validateAppend(streamId, events);
    assertNoReservedMetadata(events);
    const expected = options.expectedRevision;
    const name = toServerStreamName(this.naming, streamId);
    for (let attempt = 1; ; attempt++) {
      const tail = await this.readTail(name);
      const repeat = await this.findRepeat(streamId, events, expected, tail.actual);
      if (repeat) return { nextExpectedRevision: repeat.revision, position: repeat.position, repeated: true };
      if (!expectedRevisionHolds(expected, tail.actual)) throw new WrongExpectedVersionError(streamId, expected, tail.actual);

      const chained = chainEvents(streamId, events, tail.hash, nextRevision(tail.actual));
      try {
        const result = await this.client.appendToStream(
          name,
          chained.map((c) => c.event),
          { expectedRevision: observedExpectedRevision(tail.actual) },
        );
        const position = result.position ? fromClientPosition(result.position) : (await this.readTail(name)).position;
        if (!position) throw new Error(`append to ${name} returned no position`);
        return { nextExpectedRevision: result.nextExpectedRevision, position, repeated: false };
      } catch (err) {
        if (!isClientWrongExpectedVersion(err)) throw err;
        // Someone appended between our read and our write. Re-evaluate against the caller's expectation: a
        // pinned one now fails with the true actual revision (or is recognised as a concurrent repeat).
        if (attempt >= this.maxAppendAttempts) throw toWrongExpectedVersionError(err, streamId, expected);
      }
    }
  }

  /** EventStoreDB appends one stream per call: the parts go concurrently, each checked and chained on its own. */
  appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    return appendEachStream((streamId, events, options) => this.appendToStream(streamId, events, options), appends);
  }

  private async readTail(name: string): Promise<StreamTail> {
    const last = await this.readServerStream(name, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    const raw = last[0];
    if (!raw) return { actual: 'no_stream', hash: GENESIS_HASH };
    const recorded = toRecordedEvent(this.naming, raw);
    // A non-registry last event (foreign writer, system event) would break the chain: fail loudly.
    if (!recorded || recorded.hash === '') throw new Error(`stream ${name}: last event ${raw.id} carries no chain hash`);
    return { actual: toActualRevision(raw.revision), hash: recorded.hash, position: recorded.position };
  }

  private async findRepeat(
    streamId: string,
    events: readonly EventData[],
    expected: AppendOptions['expectedRevision'],
    actual: ActualRevision,
  ): Promise<RecordedEvent | undefined> {
    if (actual === 'no_stream') return undefined;
    const start = repeatStartRevision(expected, actual);
    if (start !== undefined) {
      const stored = await this.readStream(streamId, { fromRevision: start, maxCount: events.length });
      return detectRepeat(streamId, stored, events);
    }
    if (expected === 'any' || expected === 'stream_exists') {
      const window = (await this.readStream(streamId, { direction: 'backwards', maxCount: this.idempotencyWindow })).reverse();
      const at = window.findIndex((e) => e.id === events[0]!.id);
      return at < 0 ? undefined : detectRepeat(streamId, window.slice(at), events);
    }
    return undefined;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    if (direction === 'forwards' && options.fromRevision === 'end') return [];
    const raw = await this.readServerStream(toServerStreamName(this.naming, streamId), {
      direction: direction === 'backwards' ? BACKWARDS : FORWARDS,
      fromRevision: toClientReadRevision(options.fromRevision, direction),
      maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
    });
    const out: RecordedEvent[] = [];
    for (const e of raw) {
      const recorded = toRecordedEvent(this.naming, e);
      if (recorded) out.push(recorded);
    }
    return out;
  }

  /** Raw client events of one stream; [] when it does not exist. */
  private async readServerStream(name: string, options: Parameters<EventStoreDBClient['readStream']>[1]) {
    const out: NonNullable<ResolvedEvent['event']>[] = [];
    try {
      for await (const resolved of this.client.readStream(name, options) as StreamingRead<ResolvedEvent>) {
        if (resolved.event) out.push(resolved.event);
      }
    } catch (err) {
      if (isClientStreamNotFound(err)) return [];
      throw err;
    }
    return out;
  }

  /**
   * `@eventstore/db-client` 6.x sends no filter with a $all read (its readAll always sets "no filter"), so
   * readAll pages through $all and filters here; the server-side filter is used where volume is — the
   * catch-up subscriptions of the projector. Callers use readAll for bounded pages (maxCount).
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const out: RecordedEvent[] = [];
    if (max <= 0) return out;
    for await (const e of this.scanAll(options.after ?? START)) {
      if (!matchesFilter(e, options.filter)) continue;
      out.push(e);
      if (out.length >= max) break;
    }
    return out;
  }

  /**
   * EventStoreDB keeps no index of event ids: with `withinStreams` those streams are read (what a command handler
   * asks for: it knows the stream), otherwise $all is scanned until every id is found — for tools, not hot paths.
   */
  async readEventsById(ids: readonly string[], options: ReadEventsByIdOptions = {}): Promise<RecordedEvent[]> {
    const wanted = new Set(ids);
    if (wanted.size === 0) return [];
    const found: RecordedEvent[] = [];
    if (options.withinStreams) {
      for (const streamId of new Set(options.withinStreams)) for (const e of await this.readStream(streamId)) if (wanted.has(e.id)) found.push(e);
    } else {
      for await (const e of this.scanAll(START)) {
        if (!wanted.has(e.id)) continue;
        found.push(e);
        if (found.length >= wanted.size) break;
      }
    }
    return found.sort((a, b) => comparePositions(a.position, b.position));
  }

  /** No server-side query for it: read the selected streams (or scan $all) through the port itself. */
  searchEvents(search: EventSearch): Promise<SearchedEvent[]> {
    return searchByReading(this, search);
  }

  /** Our events of $all strictly after `after`, in $all order, fetched page by page. */
  private async *scanAll(after: Position): AsyncGenerator<RecordedEvent> {
    let cursor = after;
    for (;;) {
      const page: AllStreamResolvedEvent[] = [];
      for await (const resolved of this.client.readAll({ fromPosition: toClientReadPosition(cursor), maxCount: this.readPageSize })) {
        page.push(resolved);
      }
      let advanced = false;
      for (const resolved of page) {
        const raw = resolved.event;
        if (!raw) continue;
        const position = fromClientPosition(raw.position);
        // The read may include the event at `cursor` itself: skip what was already handed out.
        if (!isAfter(position, cursor)) continue;
        cursor = position;
        advanced = true;
        const recorded = toRecordedEvent(this.naming, raw);
        if (recorded) yield recorded;
      }
      if (!advanced || page.length < this.readPageSize) return;
    }
  }

  /**
   * Catch-up subscription over $all with the server-side filter (buildServerFilter) and checkpoint
   * notifications. When the subscription drops for a transient reason it is reopened, with backoff, after
   * the last event delivered or the last checkpoint passed to the consumer, whichever is later; events at
   * or before that position are dropped, so each event is delivered once and in $all order.
   */
  subscribeToAll(options: EventStoreDbSubscribeOptions = {}): Subscription {
    const settings = this.options.subscription ?? {};
    const maxAttempts = settings.maxAttempts ?? Number.POSITIVE_INFINITY;
    const backoff = { initialDelayMs: settings.initialDelayMs ?? 250, maxDelayMs: settings.maxDelayMs ?? 10_000 };
    const closed = deferred();
    let isClosed = false;
    let source: SubscriptionSource | undefined;
    const open = (after: Position) =>
      new SubscriptionSource(this.client, after, settings.highWaterMark ?? 256, (checkpointReached) =>
        buildServerFilter({
          filter: options.filter,
          naming: this.naming,
          checkpointInterval: settings.checkpointInterval ?? 1,
          ...(settings.maxSearchWindow !== undefined ? { maxSearchWindow: settings.maxSearchWindow } : {}),
          checkpointReached,
        }),
      );
    const naming = this.naming;
    const random = this.random;
    const subscriptions = this.subscriptions;

    const subscription: Subscription = {
      async close() {
        isClosed = true;
        subscriptions.delete(subscription);
        closed.resolve();
        await source?.cancel();
      },
      async *[Symbol.asyncIterator]() {
        let resumeAfter = options.after ?? START;
        let failures = 0;
        while (!isClosed) {
          source = open(resumeAfter);
          let dropped: unknown = new Error('subscription ended by the server');
          try {
            for (;;) {
              const item = await source.next();
              if (item === undefined || isClosed) break;
              if (item.kind === 'checkpoint') {
                const p = fromClientPosition(item.position);
                if (isAfter(p, resumeAfter)) {
                  resumeAfter = p;
                  await options.onCheckpoint?.(p);
                }
                continue;
              }
              failures = 0;
              const raw = item.event.event;
              if (!raw) continue;
              const position = fromClientPosition(raw.position);
              if (!isAfter(position, resumeAfter)) continue;
              resumeAfter = position;
              const recorded = toRecordedEvent(naming, raw);
              if (recorded && matchesFilter(recorded, options.filter)) yield recorded;
            }
          } catch (err) {
            if (isClosed) return;
            if (!isTransientError(err)) throw err;
            dropped = err;
          } finally {
            await source.cancel();
          }
          if (isClosed) return;
          failures++;
          if (failures > maxAttempts) throw dropped;
          options.onDrop?.(dropped, failures, resumeAfter);
          await Promise.race([sleep(backoffDelay(failures, backoff, random())), closed.promise]);
        }
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  /** Walks one stream, or every stream of ours found in $all (in order of first appearance). */
  async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    if (options.streamId !== undefined) return verifyChains([await this.readStream(options.streamId)]);
    const streamIds = new Set<string>();
    for await (const e of this.scanAll(START)) streamIds.add(e.streamId);
    let eventsChecked = 0;
    let streamsChecked = 0;
    for (const id of streamIds) {
      const result = verifyChains([await this.readStream(id)]);
      eventsChecked += result.eventsChecked;
      streamsChecked += result.streamsChecked;
      if (!result.ok) return { ...result, eventsChecked, streamsChecked };
    }
    return { ok: true, eventsChecked, streamsChecked };
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    if (this.ownsClient) await this.client.dispose();
  }

  /** $all read backwards from its end, past system and foreign events, to the newest registry event. */
  async readHead(): Promise<Position | null> {
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: this.readPageSize })) {
      const raw = resolved.event;
      if (raw && toRecordedEvent(this.naming, raw)) return fromClientPosition(raw.position);
    }
    return null;
  }

  /** No server-side count of $all: pages through it (callers that may meet a long log pass a limit). */
  countEvents(options: CountEventsOptions = {}): Promise<number> {
    return countByReading(this, options);
  }

  /**
   * A registry event's commit and prepare positions are equal on EventStoreDB (no explicit transactions are used),
   * so the event is read at that position.
   */
  async positionOf(prepare: bigint): Promise<Position | null> {
    if (prepare < 0n) return null;
    for await (const resolved of this.client.readAll({ fromPosition: { commit: prepare, prepare }, maxCount: 1 })) {
      const raw = resolved.event;
      if (raw && raw.position.prepare === prepare && toRecordedEvent(this.naming, raw)) return fromClientPosition(raw.position);
    }
    return null;
  }
}

type SourceItem = { kind: 'event'; event: AllStreamResolvedEvent } | { kind: 'checkpoint'; position: ClientPosition };

/**
 * One open gRPC subscription, turned into a pull queue of events and checkpoints in server order. The
 * client calls `checkpointReached` while earlier events may still sit in its stream buffer; the checkpoint
 * is queued only after that buffer has drained into ours, so that resuming from it never skips an event.
 */
class SubscriptionSource {
  private readonly queue: SourceItem[] = [];
  private readonly sub: AllStreamSubscription;
  private error: unknown;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(
    client: EventStoreDBClient,
    after: Position,
    private readonly highWaterMark: number,
    filter: (checkpointReached: (s: AllStreamSubscription, p: ClientPosition) => Promise<void>) => ReturnType<typeof buildServerFilter>,
  ) {
    this.sub = client.subscribeToAll({
      fromPosition: toClientReadPosition(after),
      filter: filter((_s, position) => this.checkpoint(position)),
    });
    this.sub.on('data', (event: AllStreamResolvedEvent) => {
      this.queue.push({ kind: 'event', event });
      if (this.queue.length >= this.highWaterMark) this.sub.pause();
      this.notify();
    });
    this.sub.on('error', (err: Error) => {
      this.error ??= err;
      this.notify();
    });
    this.sub.on('end', () => this.finish());
    this.sub.on('close', () => this.finish());
  }

  private async checkpoint(position: ClientPosition): Promise<void> {
    while (this.sub.readableLength > 0 && !this.ended && this.error === undefined) await new Promise((r) => setImmediate(r));
    this.queue.push({ kind: 'checkpoint', position });
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  /** The next item; undefined once the stream ended; throws the stream's error after queued items. */
  async next(): Promise<SourceItem | undefined> {
    for (;;) {
      const item = this.queue.shift();
      if (item) {
        if (this.sub.isPaused() && this.queue.length < this.highWaterMark / 2) this.sub.resume();
        return item;
      }
      if (this.error !== undefined) throw this.error;
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async cancel(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.sub.unsubscribe().catch(() => undefined);
    }
    this.notify();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Builds the store from the environment variables of the deployment (EVENTSTORE_CONNECTION_STRING). */
export function eventStoreDbFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: Omit<EventStoreDbEventStoreOptions, 'client' | 'connectionString'> = {},
): EventStoreDbEventStore {
  const connectionString = env['EVENTSTORE_CONNECTION_STRING'];
  if (!connectionString)
    throw new TypeError('EVENTSTORE_CONNECTION_STRING is not set: it must name the EventStoreDB cluster (esdb://…) when EVENT_STORE=eventstoredb');
  // @eventstore/db-client 6.x parses only these schemes (also for KurrentDB servers).
  if (!/^esdb(\+discover)?:\/\//.test(connectionString)) {
    throw new TypeError('EVENTSTORE_CONNECTION_STRING must start with esdb:// or esdb+discover://');
  }
  return new EventStoreDbEventStore({ ...options, connectionString });
}
