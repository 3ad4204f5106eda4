import { hash } from 'node:crypto';
import { uuidV5 as uuidv5 } from './uuid-v5.js';
import type { AppendResult, EventStore, JsonObject, JsonValue, Position, RecordedEvent } from './event-store.js';
import { CommandIdempotencyConflictError, IdempotencyConflictError, StreamBusyError, WrongExpectedVersionError } from './event-store.errors.js';
import { canonicalJson, keyText } from './hash-chain.js';
import { loadStreamState, type StreamStateCache } from './stream-state-cache.js';

/** Namespace for event ids derived from command ids (UUIDv5), so a repeated command repeats its ids. */
const EVENT_ID_NAMESPACE = '3f0c1c6e-5d43-4a8e-9a43-2b6f1f1f0b7e';
/** A namespace of its own for command-wide ids (`commandEventId`): no stream-scoped id can equal one. */
const COMMAND_ID_NAMESPACE = '8d1f5a3e-2c6b-4f0a-9e7d-5b4c3a2f1e0d';

export const EVENT_SCHEMA_VERSION = 1;

/** How long an unpinned command keeps retrying lost races before it answers StreamBusyError (BUSY). */
export const DEFAULT_RETRY_BUDGET_MS = 2_000;
// Full-jitter exponential backoff (AWS architecture blog "Exponential Backoff And Jitter"): a loser sleeps a random
// time in [0, min(cap, base·2^attempt)), so writers who collided spread out instead of colliding again in lockstep.
const BACKOFF_BASE_MS = 2;
const BACKOFF_CAP_MS = 100;

/** The decider shape the handler needs; structurally the `Decider` of libs/domain. */
export interface DeciderLike<TCommand, TEvent extends { type: string; data: unknown }, TState, TContext> {
  readonly initialState: TState;
  evolve(state: TState, event: TEvent): TState;
  decide(command: TCommand, state: TState, context: TContext): readonly TEvent[];
  /** Names the fold for caches of folded states (stream-state-cache.ts); without it states are not cached. */
  readonly foldVersion?: string;
}

/**
 * 'command': the stream is where the command happens, and its commandId is claimed registry-wide (its first event's
 * id is `commandEventId`). 'stream': a step the command takes on another stream under the same commandId (e.g. a
 * pseudonym reservation claim before the enrolment): ids derive from commandId and stream, only this stream counts.
 */
export type CommandIdScope = 'command' | 'stream';

/** Who, why and in which conversation: stored on every event (architecture.md §3). */
export interface CommandMetadata {
  readonly commandId: string;
  readonly actorId: string;
  readonly actorRole: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** Mandatory for corrections and retractions; the decider enforces that. */
  readonly reason?: string;
  readonly recordedAt: Date;
}

export interface HandleCommandInput<TCommand, TEvent extends { type: string; data: unknown }, TState, TContext> {
  readonly store: EventStore;
  readonly streamId: string;
  readonly decider: DeciderLike<TCommand, TEvent, TState, TContext>;
  readonly command: TCommand;
  /**
   * Built per attempt from the freshly folded state, so facts read from other streams are fresh on every
   * retry and can depend on what the stream already holds (e.g. the biomarker of the measurement being corrected).
   */
  readonly context: TContext | ((state: TState) => Promise<TContext> | TContext);
  readonly metadata: CommandMetadata;
  /**
   * What the client asked for, for idempotency: its canonical hash is stored on every event of the command and a
   * repeated commandId with a different one is refused. Defaults to `command`; give the clear input when the
   * command is completed during the decision (e.g. with sealed personal data).
   */
  readonly fingerprint?: unknown;
  /** The revision the client last read; when given, a conflict is returned instead of retried. */
  readonly expectedRevision?: bigint;
  /** Unpinned commands retry lost races until this many ms have passed, then throw StreamBusyError. */
  readonly retryBudgetMs?: number;
  /** An upper bound of attempts within the budget (tests). */
  readonly maxAttempts?: number;
  /** Folded states kept across commands; without it every attempt reads and folds the whole stream. */
  readonly cache?: StreamStateCache;
  /** Defaults to 'command' (see CommandIdScope). */
  readonly commandIdScope?: CommandIdScope;
}

export interface HandleCommandResult<TState> {
  readonly streamId: string;
  /** Revision of the stream's last event after the command, or -1 when the command produced nothing. */
  readonly revision: bigint;
  readonly position: Position | undefined;
  readonly eventTypes: readonly string[];
  /** True when this commandId had already been handled: nothing was appended this time. */
  readonly replayed: boolean;
  readonly state: TState;
}

/**
 * The canonical SHA-256 of what a command says: its content and its reason (both recorded), not who sent it or
 * when, nor the expectedVersion it was pinned to (a precondition, not content). `undefined` and `null` members of
 * objects are dropped, so an omitted optional field and an explicit null are the same command.
 */
export function commandHash(fingerprint: unknown, reason: string | undefined): string {
  const root = { command: fingerprint, reason: reason ?? null };
  let text: string | undefined;
  try {
    text = commandText(root, 0);
  } catch (err) {
    if (!(err instanceof UnusualValue)) throw err;
  }
  text ??= canonicalJson(
    JSON.parse(
      JSON.stringify(root, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value === null ? undefined : value)),
    ) as JsonValue,
  );
  return hash('sha256', text, 'hex');
}

/** Met by `commandText`: the JSON round trip in `commandHash` decides what the value means. */
class UnusualValue extends Error {}

/**
 * `commandHash`'s text in one walk for what commands are made of (plain objects, arrays, strings, finite numbers,
 * booleans, bigints, null): the same text as canonicalJson(JSON.parse(JSON.stringify(value, dropNullsAndBigints))),
 * without building the text twice and the objects once more per item of a batch. Anything else (toJSON, class
 * instances, boxed primitives, deep nesting) throws UnusualValue and takes the round trip.
 */
function commandText(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object': {
      if (value === null) return undefined;
      if (depth > 63) throw new UnusualValue();
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) throw new UnusualValue();
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (commandText(value[i], depth + 1) ?? 'null');
        return out + ']';
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if ((proto !== null && proto !== Object.prototype) || typeof (value as { toJSON?: unknown }).toJSON === 'function') throw new UnusualValue();
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = commandText(record[k], depth + 1);
        if (v === undefined) continue;
        out += (first ? '' : ',') + keyText(k) + v;
        first = false;
      }
      return out + '}';
    }
    default:
      throw new UnusualValue();
  }
}

export function deriveEventId(commandId: string, streamId: string, index: number): string {
  return uuidv5(`${commandId}:${streamId}:${index}`, EVENT_ID_NAMESPACE);
}

/**
 * The id of a command's first event on the stream where the command happens (`commandIdScope: 'command'`): derived
 * from the commandId alone, so the event store's unique event ids make a commandId usable on one stream only, and a
 * lookup of this one id finds the command wherever it went. Its other events keep `deriveEventId` ids.
 */
export function commandEventId(commandId: string): string {
  return uuidv5(commandId, COMMAND_ID_NAMESPACE);
}

/** Ids of the events a command appends to `streamId` (see `commandEventId` and `HandleCommandInput.commandIdScope`). */
export function commandEventIds(commandId: string, streamId: string, count: number, scope: CommandIdScope = 'command'): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 && scope === 'command' ? commandEventId(commandId) : deriveEventId(commandId, streamId, i)));
}

/** Where a commandId was handled before, found by its deterministic event ids (no history is read). */
export type HandledCommand =
  | { readonly kind: 'new' }
  /** On this stream: its events, in order (one append, so contiguous). */
  | { readonly kind: 'here'; readonly events: readonly RecordedEvent[] }
  /** As the command of another stream: reusing its commandId here is refused. */
  | { readonly kind: 'elsewhere'; readonly eventId: string };

/** Ids of a command's first events looked up at once: a command appends a handful, more are read from its stream. */
const COMMAND_EVENTS_LOOKAHEAD = 8;

/**
 * Whether `commandId` was handled before, by looking up the ids its events would have: the command-wide id of its
 * first event (`commandEventId`), the stream-scoped id of index 0 that commands stored before command-wide ids existed
 * (and steps with scope 'stream') carry, and the ids of the next few events. One indexed lookup on PostgreSQL,
 * whatever the stream's length; a command of more events than the lookahead reads the rest from its stream.
 */
export async function findHandledCommand(store: EventStore, streamId: string, commandId: string, scope: CommandIdScope = 'command'): Promise<HandledCommand> {
  const commandWide = commandEventId(commandId);
  const derived = Array.from({ length: COMMAND_EVENTS_LOOKAHEAD }, (_, i) => deriveEventId(commandId, streamId, i));
  const found = await store.readEventsById(scope === 'command' ? [commandWide, ...derived] : derived, { withinStreams: [streamId] });
  const here = found.filter((e) => e.streamId === streamId).sort((a, b) => (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0));
  const first = here.find((e) => e.id === derived[0] || (scope === 'command' && e.id === commandWide));
  if (!first) {
    const other = scope === 'command' ? found.find((e) => e.id === commandWide) : undefined;
    return other ? { kind: 'elsewhere', eventId: other.id } : { kind: 'new' };
  }
  // One append, so its events are contiguous from the first.
  const events: RecordedEvent[] = [];
  for (const e of here) if (e.revision === first.revision + BigInt(events.length)) events.push(e);
  if (events.length < COMMAND_EVENTS_LOOKAHEAD) return { kind: 'here', events };
  for (;;) {
    const page = await store.readStream(streamId, { fromRevision: events.at(-1)!.revision + 1n, maxCount: 100 });
    const end = page.findIndex((e) => e.metadata['commandId'] !== commandId);
    events.push(...(end < 0 ? page : page.slice(0, end)));
    if (end >= 0 || page.length < 100) return { kind: 'here', events };
  }
}

/**
 * Load → fold → decide → append with the exact expected revision. Unpinned commands retry a lost race with jittered
 * backoff until `retryBudgetMs` is spent, then answer StreamBusyError; pinned ones surface the conflict with the
 * actual revision. A commandId already handled on the stream returns the first result when the command is the same
 * and is refused (CommandIdempotencyConflictError) when its content differs, whatever the decider would decide now;
 * a commandId already used as the command of another stream is refused too.
 *
 * The cost does not grow with the stream's history: with a `cache` only the events after the kept revision are read
 * and folded, and a repeated command is recognised by its deterministic event ids, not by scanning the history.
 */
export async function handleCommand<TCommand, TEvent extends { type: string; data: unknown }, TState, TContext>(
  input: HandleCommandInput<TCommand, TEvent, TState, TContext>,
): Promise<HandleCommandResult<TState>> {
  const { store, streamId, decider, metadata, cache } = input;
  const scope = input.commandIdScope ?? 'command';
  const pinned = input.expectedRevision !== undefined;
  const hash = commandHash(input.fingerprint === undefined ? input.command : input.fingerprint, metadata.reason);
  const deadline = Date.now() + (input.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS);
  const maxAttempts = input.maxAttempts ?? Number.POSITIVE_INFINITY;
  let rereadAfterIdConflict = false;
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadStreamState(store, streamId, decider, cache);
    // Looked up after the load: a concurrent send of this command that got in before the load is found here, one
    // that gets in after it moves the stream past `loaded.revision` and fails our exact-revision append.
    const previous = await findHandledCommand(store, streamId, metadata.commandId, scope);
    if (previous.kind === 'elsewhere') throw new CommandIdempotencyConflictError(streamId, previous.eventId, metadata.commandId);
    if (previous.kind === 'here') {
      const first = previous.events[0]!;
      const stored = first.metadata['commandHash'];
      // Events written before command hashes were recorded carry none: they can only be compared by their ids.
      if (typeof stored === 'string' && stored !== hash) throw new CommandIdempotencyConflictError(streamId, first.id, metadata.commandId);
      const last = previous.events.at(-1)!;
      const current = loaded.revision < last.revision ? await loadStreamState(store, streamId, decider, cache) : loaded;
      return {
        streamId,
        revision: current.revision,
        position: last.position,
        eventTypes: previous.events.map((e) => e.type),
        replayed: true,
        state: current.state,
      };
    }
    const actual = loaded.revision;
    if (pinned && input.expectedRevision !== actual) {
      throw new WrongExpectedVersionError(streamId, input.expectedRevision!, actual < 0n ? 'no_stream' : actual);
    }

    const context =
      typeof input.context === 'function' ? await (input.context as (state: TState) => Promise<TContext> | TContext)(loaded.state) : input.context;
    const events = decider.decide(input.command, loaded.state, context);
    if (events.length === 0) return { streamId, revision: actual, position: loaded.position, eventTypes: [], replayed: false, state: loaded.state };

    const ids = commandEventIds(metadata.commandId, streamId, events.length, scope);
    let result: AppendResult;
    try {
      result = await store.appendToStream(
        streamId,
        events.map((e, i) => ({
          id: ids[i]!,
          type: e.type,
          data: e.data as JsonObject,
          metadata: eventMetadata(metadata, hash, e.data),
        })),
        { expectedRevision: actual < 0n ? 'no_stream' : actual },
      );
    } catch (err) {
      // The same event ids were stored with other data by a concurrent send of this commandId (e.g. personal data
      // sealed with another random IV), or the command-wide id by a command on another stream: re-read once, and
      // the stored command decides replay or conflict.
      if (err instanceof IdempotencyConflictError && !rereadAfterIdConflict) {
        rereadAfterIdConflict = true;
        continue;
      }
      // Someone appended after our load (another instance, or a revision kept past a restored store's end): what is
      // kept for this stream is not to be trusted for the next attempt, which reads it afresh.
      if (err instanceof WrongExpectedVersionError) cache?.forget(streamId);
      if (!(err instanceof WrongExpectedVersionError) || pinned) throw err;
      // The client did not pin a version, so a conflict is not theirs to resolve: re-read and decide again.
      const delay = Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
      if (attempt >= maxAttempts || Date.now() + delay > deadline) throw new StreamBusyError(streamId, attempt);
      await new Promise((resolve) => setTimeout(resolve, delay));
      continue;
    }
    // A concurrent send of the same command won the race with the same event ids: the answer is its receipt
    // (replayed: true), checked like any replay on the next read, never a second "first" receipt.
    if (result.repeated) {
      if (Date.now() > deadline) throw new StreamBusyError(streamId, attempt);
      continue;
    }
    // Folded as stored (JSON), so the state kept for the next command is exactly what a fresh fold would give.
    let state = loaded.state;
    for (const e of events) state = decider.evolve(state, { type: e.type, data: asStored(e.data) } as TEvent);
    cache?.remember(streamId, decider, { state, revision: result.nextExpectedRevision, position: result.position, lastEventId: ids.at(-1)! });
    return {
      streamId,
      revision: result.nextExpectedRevision,
      position: result.position,
      eventTypes: events.map((e) => e.type),
      replayed: false,
      state,
    };
  }
}

/**
 * An event's data as a later read of the stored event gives it back: a JSON round trip (undefined members dropped,
 * -0 as 0, dates as strings, class instances as plain objects, …). Data that would come back equal (plain objects and
 * arrays of strings, booleans, null and finite numbers) is returned as it is, without the round trip: a state folded
 * from it and kept in the cache is the same as one folded from the stored event, and a batch folds each of its events.
 */
export function asStored(data: unknown): unknown {
  return storesAsIs(data, 0) ? data : (JSON.parse(JSON.stringify(data)) as unknown);
}

function storesAsIs(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth > 32) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        // A hole comes back as null.
        for (let i = 0; i < value.length; i++) if (!(i in value) || !storesAsIs(value[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype || Object.getOwnPropertySymbols(value).length > 0) return false;
      const record = value as Record<string, unknown>;
      // Non-enumerable own members are left out by JSON (and by Object.keys): then only the round trip is exact.
      const keys = Object.keys(record);
      if (Object.getOwnPropertyNames(record).length !== keys.length) return false;
      for (const k of keys) if (k === '__proto__' || !storesAsIs(record[k], depth + 1)) return false;
      return true;
    }
    case 'undefined':
    case 'function':
    case 'symbol':
    case 'bigint':
      // Dropped, nulled or refused by JSON.
      return false;
    default:
      return false;
  }
}

/** The metadata every event carries (architecture.md §3); the batch path adds its batch keys to it. */
export function eventMetadata(m: CommandMetadata, hash: string, data: unknown): JsonObject {
  const occurredAt = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['occurredAt'] : undefined;
  return {
    actorId: m.actorId,
    actorRole: m.actorRole,
    commandId: m.commandId,
    commandHash: hash,
    correlationId: m.correlationId,
    causationId: m.causationId,
    ...(m.reason ? { reason: m.reason } : {}),
    recordedAt: m.recordedAt.toISOString(),
    ...(typeof occurredAt === 'string' ? { occurredAt } : {}),
    schemaVersion: EVENT_SCHEMA_VERSION,
  };
}

export type { RecordedEvent };
