import { EventEmitter } from 'node:events';
import {
  START,
  comparePositions,
  streamCategory,
  type AppendOptions,
  type AppendResult,
  type CountEventsOptions,
  type EventData,
  type EventFilter,
  type EventSearch,
  type EventStore,
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
import { IdempotencyConflictError, WrongExpectedVersionError } from '../event-store.errors.js';
import { appendEachStream } from '../append-to-streams.js';
import { validateAppend } from '../event-validation.js';
import { GENESIS_HASH, canonicalJson, chainHash, contentDigest } from '../hash-chain.js';
import { searchByReading } from '../search-events.js';
import { verifyChains } from '../verify-chains.js';

/** For decider and handler unit tests only: the integration and e2e tiers run on PostgreSQL. */
export class InMemoryEventStore implements EventStore {
  private readonly all: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byId = new Map<string, RecordedEvent>();
  private readonly appended = new EventEmitter();
  private clock: () => Date;

  constructor(options: { clock?: () => Date } = {}) {
    this.clock = options.clock ?? (() => new Date());
    this.appended.setMaxListeners(0);
  }

  async appendToStream(streamId: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult> {
    validateAppend(streamId, events);
    const stream = this.streams.get(streamId) ?? [];
    const existing = this.byId.get(events[0]!.id);
    if (existing) return this.repeat(streamId, events);
    const actual = stream.length === 0 ? 'no_stream' : BigInt(stream.length - 1);
    const expected = options.expectedRevision;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && actual === 'no_stream') ||
      (expected === 'stream_exists' && actual !== 'no_stream') ||
      (typeof expected === 'bigint' && expected === actual);
    if (!ok) throw new WrongExpectedVersionError(streamId, expected, actual);
    for (const e of events) if (this.byId.has(e.id)) throw new IdempotencyConflictError(streamId, e.id);

    let previous = stream.at(-1)?.hash ?? GENESIS_HASH;
    const recordedAt = this.clock();
    for (const e of events) {
      const revision = BigInt(stream.length);
      const position = BigInt(this.all.length);
      const metadata = structuredClone(e.metadata ?? {}) as JsonObject;
      const data = structuredClone(e.data) as JsonObject;
      const hash = chainHash(previous, streamId, revision, contentDigest({ ...e, data, metadata }));
      const recorded: RecordedEvent = {
        id: e.id,
        streamId,
        type: e.type,
        revision,
        position: { commit: position, prepare: position },
        data,
        metadata,
        recordedAt,
        hash,
      };
      previous = hash;
      stream.push(recorded);
      this.all.push(recorded);
      this.byId.set(e.id, recorded);
    }
    this.streams.set(streamId, stream);
    this.appended.emit('append');
    const last = stream.at(-1)!;
    return { nextExpectedRevision: last.revision, position: last.position, repeated: false };
  }

  appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    return appendEachStream((streamId, events, options) => this.appendToStream(streamId, events, options), appends);
  }

  private repeat(streamId: string, events: readonly EventData[]): AppendResult {
    let last: RecordedEvent | undefined;
    for (const e of events) {
      const stored = this.byId.get(e.id);
      if (!stored || stored.streamId !== streamId || stored.type !== e.type || canonicalJson(stored.data) !== canonicalJson(e.data)) {
        throw new IdempotencyConflictError(streamId, e.id);
      }
      last = stored;
    }
    return { nextExpectedRevision: last!.revision, position: last!.position, repeated: true };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const stream = this.streams.get(streamId) ?? [];
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? 'end' : 'start');
    const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (backwards) {
      const start = from === 'end' ? stream.length - 1 : from === 'start' ? 0 : Math.min(Number(from), stream.length - 1);
      return stream
        .slice(0, start + 1)
        .reverse()
        .slice(0, max);
    }
    const start = from === 'start' ? 0 : from === 'end' ? stream.length : Number(from);
    return stream.slice(start, start + max);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? START;
    const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const out: RecordedEvent[] = [];
    for (let i = Math.max(0, Number(after.prepare) + 1); i < this.all.length && out.length < max; i++) {
      const e = this.all[i]!;
      if (comparePositions(e.position, after) > 0 && matches(e, options.filter)) out.push(e);
    }
    return out;
  }

  async readEventsById(ids: readonly string[]): Promise<RecordedEvent[]> {
    const found = [...new Set(ids)].flatMap((id) => this.byId.get(id) ?? []);
    return found.sort((a, b) => comparePositions(a.position, b.position));
  }

  searchEvents(search: EventSearch): Promise<SearchedEvent[]> {
    return searchByReading(this, search);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    let position = options.after ?? START;
    let closed = false;
    let wake: (() => void) | undefined;
    const onAppend = (): void => wake?.();
    this.appended.on('append', onAppend);
    const readAll = (after: typeof position) => this.readAll({ after, maxCount: options.batchSize ?? 500, filter: options.filter });
    const detach = () => this.appended.off('append', onAppend);
    return {
      async close() {
        closed = true;
        detach();
        wake?.();
      },
      async *[Symbol.asyncIterator]() {
        while (!closed) {
          const batch = await readAll(position);
          for (const e of batch) {
            if (closed) return;
            position = e.position;
            yield e;
          }
          if (batch.length === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    };
  }

  async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    const ids = options.streamId ? [options.streamId] : [...this.streams.keys()];
    return verifyChains(ids.map((id) => this.streams.get(id) ?? []));
  }

  async close(): Promise<void> {
    this.appended.removeAllListeners();
  }

  async readHead(): Promise<Position | null> {
    return this.all.at(-1)?.position ?? null;
  }

  async countEvents(options: CountEventsOptions = {}): Promise<number> {
    const after = options.after ?? START;
    const n = this.all.filter((e) => comparePositions(e.position, after) > 0 && matches(e, options.filter)).length;
    return Math.min(n, options.limit ?? n);
  }

  async positionOf(prepare: bigint): Promise<Position | null> {
    return this.all.find((e) => e.position.prepare === prepare)?.position ?? null;
  }
}

export function matches(e: RecordedEvent, filter: EventFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.streamCategories && !filter.streamCategories.includes(streamCategory(e.streamId))) return false;
  if (filter.eventTypes && !filter.eventTypes.includes(e.type)) return false;
  return true;
}
