import type { EventStore, Position, RecordedEvent } from './event-store.js';

/**
 * What folding a stream needs: the decider's `initialState` and `evolve`, and the name of that fold. Structurally the
 * `Decider` of libs/domain (every decider there declares `foldVersion`).
 */
export interface FoldLike<TEvent extends { type: string; data: unknown }, TState> {
  readonly initialState: TState;
  /** Must not change `state` (libs/domain decider.ts): cached states are shared by every command that loads them. */
  evolve(state: TState, event: TEvent): TState;
  /**
   * Names the fold (initial state + evolve + the state's shape). States are cached under it; a fold without one is
   * never cached (every load folds the whole stream). Change it whenever the fold changes: states folded by the
   * old fold are then refolded, not reused.
   */
  readonly foldVersion?: string;
}

/** A stream folded up to a revision. */
export interface StreamState<TState> {
  readonly state: TState;
  /** Revision of the last event folded into `state`; -1n when the stream does not exist (yet). */
  readonly revision: bigint;
  /** Position of that last event; undefined when the stream does not exist. */
  readonly position: Position | undefined;
  /**
   * Id of that last event: a kept state is reused only while the stream still holds this event at `revision` (not
   * so after a restore from an older backup). Without it a state is not kept.
   */
  readonly lastEventId?: string;
}

export interface StreamStateCacheOptions {
  /** At most this many folded streams are kept (least recently used go first). Default 5,000. */
  readonly maxStreams?: number;
  /**
   * At most this many events folded into the kept states together: the approximate size bound (a state grows with
   * the events folded into it, not with the number of streams). Default 2,000,000; a state folded from more than
   * half of it is not kept at all.
   */
  readonly maxEvents?: number;
}

export interface StreamStateCacheStats {
  /** Loads that started from a kept state (and read only the events after its revision). */
  readonly hits: number;
  /** Loads that folded the stream from its first event. */
  readonly misses: number;
  /** Kept states dropped because the fold changed (same foldVersion, other evolve) or the stream no longer held them. */
  readonly refolds: number;
  readonly evictions: number;
  readonly streams: number;
  readonly events: number;
}

interface Entry {
  readonly streamId: string;
  readonly evolve: unknown;
  readonly initialState: unknown;
  readonly loaded: StreamState<unknown>;
  readonly weight: number;
}

const DEFAULT_MAX_STREAMS = 5_000;
const DEFAULT_MAX_EVENTS = 2_000_000;

/**
 * Folded states of recently used streams, so a command reads and folds only the events appended since its stream was
 * last loaded instead of the whole history (issue 14). One per process (the API's CommandRunner holds one).
 *
 * Why a stale state can never cause a wrong decision: a load always reads the events after the kept revision before
 * handing the state out, and the append that follows a decision expects that exact revision, so a writer that got in
 * between (another API instance) makes the append fail with WrongExpectedVersion; the handler then `forget`s the
 * stream and decides again on a fresh read. Events never change once stored, so a state kept for a revision stays
 * true for that revision as long as the stream holds the same event there, which every load checks (it reads from
 * the kept revision itself): a store restored from an older backup is refolded, not trusted.
 *
 * States are shared, never copied: the deciders' evolve functions return new states and leave the old ones unchanged
 * (persistent maps in libs/domain), so a state a running decision holds is not altered when a later load extends it.
 *
 * API:
 * - `load(store, streamId, fold)` — the stream's current state (kept state + the events after it), kept for next time;
 * - `remember(streamId, fold, state)` — keep a state the caller folded itself, e.g. with the events it just appended
 *   (the next command then reads nothing new at all);
 * - `forget(streamId)` — drop what is kept for a stream (after a WrongExpectedVersion, or to force a full read).
 */
export class StreamStateCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxStreams: number;
  private readonly maxEvents: number;
  private events = 0;
  private counters = { hits: 0, misses: 0, refolds: 0, evictions: 0 };

  constructor(options: StreamStateCacheOptions = {}) {
    this.maxStreams = Math.max(0, options.maxStreams ?? DEFAULT_MAX_STREAMS);
    this.maxEvents = Math.max(0, options.maxEvents ?? DEFAULT_MAX_EVENTS);
  }

  /** The stream folded up to its last event: the kept state extended by the events after its revision. */
  async load<TEvent extends { type: string; data: unknown }, TState>(
    store: EventStore,
    streamId: string,
    fold: FoldLike<TEvent, TState>,
  ): Promise<StreamState<TState>> {
    const key = keyOf(streamId, fold);
    const kept = key === undefined ? undefined : this.take(key, fold);
    if (!kept) {
      this.counters.misses++;
      const loaded = foldEvents(fold, { state: fold.initialState, revision: -1n, position: undefined }, await store.readStream(streamId));
      if (key !== undefined) this.keep(key, streamId, fold, loaded);
      return loaded;
    }
    // From the kept revision itself: the stream must still hold the kept last event there (one event more to read).
    const tail = await store.readStream(streamId, { fromRevision: kept.revision });
    if (tail[0]?.id !== kept.lastEventId || tail[0]?.revision !== kept.revision) {
      this.counters.refolds++;
      this.forget(streamId);
      return this.load(store, streamId, fold);
    }
    this.counters.hits++;
    const loaded = foldEvents(fold, kept, tail.slice(1));
    if (key !== undefined) this.keep(key, streamId, fold, loaded);
    return loaded;
  }

  /** Keeps `loaded` for the stream unless a state of a later revision is kept already. */
  remember<TEvent extends { type: string; data: unknown }, TState>(streamId: string, fold: FoldLike<TEvent, TState>, loaded: StreamState<TState>): void {
    const key = keyOf(streamId, fold);
    if (key !== undefined) this.keep(key, streamId, fold, loaded);
  }

  /** Drops every state kept for the stream (all folds). */
  forget(streamId: string): void {
    for (const [key, entry] of this.entries) if (entry.streamId === streamId) this.drop(key, entry);
  }

  clear(): void {
    this.entries.clear();
    this.events = 0;
  }

  stats(): StreamStateCacheStats {
    return { ...this.counters, streams: this.entries.size, events: this.events };
  }

  /** The kept state for `key` if it was folded by this very fold; marks it most recently used. */
  private take<TState>(key: string, fold: FoldLike<never, TState>): StreamState<TState> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.evolve !== fold.evolve || entry.initialState !== fold.initialState) {
      // Same version name, different code: never reuse a state another fold produced.
      this.counters.refolds++;
      this.drop(key, entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.loaded as StreamState<TState>;
  }

  private keep(key: string, streamId: string, fold: FoldLike<never, unknown>, loaded: StreamState<unknown>): void {
    if (loaded.revision < 0n || loaded.lastEventId === undefined) return;
    const existing = this.entries.get(key);
    // A concurrent load may have kept a later state already; a state only ever moves forwards.
    if (existing && existing.evolve === fold.evolve && existing.loaded.revision > loaded.revision) return;
    if (existing) this.drop(key, existing);
    const weight = Number(loaded.revision) + 1;
    if (weight > this.maxEvents / 2 || this.maxStreams === 0) return;
    this.entries.set(key, { streamId, evolve: fold.evolve, initialState: fold.initialState, loaded, weight });
    this.events += weight;
    for (const [oldKey, oldest] of this.entries) {
      if (this.entries.size <= this.maxStreams && this.events <= this.maxEvents) break;
      this.drop(oldKey, oldest);
      this.counters.evictions++;
    }
  }

  private drop(key: string, entry: Entry): void {
    if (this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    this.events -= entry.weight;
  }
}

function keyOf(streamId: string, fold: FoldLike<never, unknown>): string | undefined {
  return fold.foldVersion === undefined ? undefined : `${fold.foldVersion}\u0000${streamId}`;
}

/** `start` extended by `events` (which follow its revision). */
export function foldEvents<TEvent extends { type: string; data: unknown }, TState>(
  fold: FoldLike<TEvent, TState>,
  start: StreamState<TState>,
  events: readonly RecordedEvent[],
): StreamState<TState> {
  if (events.length === 0) return start;
  let state = start.state;
  for (const e of events) state = fold.evolve(state, { type: e.type, data: e.data } as TEvent);
  const last = events.at(-1)!;
  return { state, revision: last.revision, position: last.position, lastEventId: last.id };
}

/**
 * The one way to load a stream's folded state: through `cache` when given (and the fold has a version), otherwise
 * by reading and folding the whole stream.
 */
export function loadStreamState<TEvent extends { type: string; data: unknown }, TState>(
  store: EventStore,
  streamId: string,
  fold: FoldLike<TEvent, TState>,
  cache?: StreamStateCache,
): Promise<StreamState<TState>> {
  if (cache) return cache.load(store, streamId, fold);
  return store.readStream(streamId).then((events) => foldEvents(fold, { state: fold.initialState, revision: -1n, position: undefined }, events));
}
