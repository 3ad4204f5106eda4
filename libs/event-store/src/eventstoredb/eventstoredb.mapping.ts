/**
 * Pure translations between the EventStore port and `@eventstore/db-client`: revisions, positions, the
 * hash chain carried in event metadata, errors and subscription filters. Kept free of I/O so that the unit
 * tier covers them without a server (none can be installed on the development machines).
 */
import {
  ANY,
  END,
  ErrorType,
  NO_STREAM,
  START as CLIENT_START,
  STREAM_EXISTS,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type EventData as ClientEventData,
  type Filter,
  type Position as ClientPosition,
  type ReadPosition,
  type ReadRevision,
} from '@eventstore/db-client';
import {
  START,
  comparePositions,
  streamCategory,
  type EventData,
  type EventFilter,
  type ExpectedRevision,
  type JsonObject,
  type Position,
  type ReadStreamOptions,
  type RecordedEvent,
} from '../event-store.js';
import { IdempotencyConflictError, InvalidEventError, WrongExpectedVersionError } from '../event-store.errors.js';
import { canonicalJson, chainHash, contentDigest } from '../hash-chain.js';

/**
 * Metadata key that carries the event's chain hash. `$`-prefixed keys are EventStoreDB's own namespace
 * (`$correlationId`, `$causationId`), so no caller metadata collides with it by accident; one that does
 * on purpose is rejected before anything is written.
 */
export const HASH_METADATA_KEY = '$hash';

/** The stream's actual state as the adapter observes it: its last revision, or no stream at all. */
export type ActualRevision = bigint | 'no_stream';

// ---------------------------------------------------------------------------------------------------------
// Revisions

export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (expected < 0n) throw new InvalidEventError('expectedRevision', `expected revision ${expected} is negative`);
      return expected;
  }
}

/** The exact expectation the adapter appends with: the revision it observed (see the adapter's append). */
export function observedExpectedRevision(actual: ActualRevision): AppendExpectedRevision {
  return actual === 'no_stream' ? NO_STREAM : actual;
}

/** Same rule as the in-memory reference adapter and EventStoreDB itself. */
export function expectedRevisionHolds(expected: ExpectedRevision, actual: ActualRevision): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 'no_stream';
  if (expected === 'stream_exists') return actual !== 'no_stream';
  return actual !== 'no_stream' && expected === actual;
}

/** Revision the first appended event will get. */
export function nextRevision(actual: ActualRevision): bigint {
  return actual === 'no_stream' ? 0n : actual + 1n;
}

/**
 * Where a repeat of this append would already sit, when the caller pinned a revision: the events right after
 * the expected one. `undefined` when nothing can be there yet (the stream has not grown past the expectation)
 * or the expectation does not name a place (`any`, `stream_exists`).
 */
export function repeatStartRevision(expected: ExpectedRevision, actual: ActualRevision): bigint | undefined {
  if (actual === 'no_stream') return undefined;
  const start = expected === 'no_stream' ? 0n : typeof expected === 'bigint' ? expected + 1n : undefined;
  return start !== undefined && start <= actual ? start : undefined;
}

export function toClientReadRevision(from: ReadStreamOptions['fromRevision'], direction: 'forwards' | 'backwards'): ReadRevision {
  if (from === undefined) return direction === 'backwards' ? END : CLIENT_START;
  if (from === 'start') return CLIENT_START;
  if (from === 'end') return END;
  if (from < 0n) throw new InvalidEventError('fromRevision', `fromRevision ${from} is negative`);
  return from;
}

// ---------------------------------------------------------------------------------------------------------
// Positions

/**
 * The port's exclusive "after" position as the client's read position. EventStoreDB reads $all from a
 * position inclusively on some server versions, so callers also drop events at or before `after`
 * (`isAfter`); START maps to the client's START.
 */
export function toClientReadPosition(after: Position | undefined): ReadPosition {
  if (!after || after.commit < 0n || after.prepare < 0n) return CLIENT_START;
  return { commit: after.commit, prepare: after.prepare };
}

export function fromClientPosition(p: ClientPosition): Position {
  return { commit: p.commit, prepare: p.prepare };
}

export function isAfter(p: Position, after: Position | undefined): boolean {
  return comparePositions(p, after ?? START) > 0;
}

export function laterPosition(a: Position, b: Position): Position {
  return comparePositions(a, b) >= 0 ? a : b;
}

// ---------------------------------------------------------------------------------------------------------
// Stream names: an optional prefix isolates one registry (or one test run) on a shared cluster.

export interface StreamNaming {
  /** Prepended to every stream name on the server; '' in production. Must not contain a dash. */
  readonly prefix: string;
}

const PREFIX = /^[a-z0-9_]{0,32}$/;

export function streamNaming(prefix = ''): StreamNaming {
  if (!PREFIX.test(prefix)) {
    throw new InvalidEventError(
      'streamPrefix',
      `stream prefix ${JSON.stringify(prefix)} must be at most 32 of [a-z0-9_] (no dash: categories end at the first dash)`,
    );
  }
  return { prefix };
}

export function toServerStreamName(naming: StreamNaming, streamId: string): string {
  return naming.prefix + streamId;
}

/** The port's stream id, or undefined for a stream that is not ours (system streams, other prefixes). */
export function fromServerStreamName(naming: StreamNaming, name: string): string | undefined {
  if (name.startsWith('$') || !name.startsWith(naming.prefix)) return undefined;
  const id = name.slice(naming.prefix.length);
  return id.length > 0 ? id : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Events and the hash chain

export function assertNoReservedMetadata(events: readonly EventData[]): void {
  events.forEach((e, i) => {
    if (e.metadata && Object.hasOwn(e.metadata, HASH_METADATA_KEY)) {
      throw new InvalidEventError(`events[${i}].metadata.${HASH_METADATA_KEY}`, `metadata key ${HASH_METADATA_KEY} is reserved for the hash chain`);
    }
  });
}

export interface ChainedEvent {
  readonly event: ClientEventData;
  readonly revision: bigint;
  readonly hash: string;
}

/**
 * Builds the client payloads for one append: each event's hash chains to its predecessor exactly as the
 * in-memory and PostgreSQL adapters compute it (over the caller's metadata, without the hash key), and
 * travels in the metadata under HASH_METADATA_KEY. The event id is the caller's, so that EventStoreDB's
 * own idempotency check recognises a retried append.
 */
export function chainEvents(streamId: string, events: readonly EventData[], previousHash: string, firstRevision: bigint): ChainedEvent[] {
  let previous = previousHash;
  return events.map((e, i) => {
    const revision = firstRevision + BigInt(i);
    const metadata = e.metadata ?? {};
    const hash = chainHash(previous, streamId, revision, contentDigest({ id: e.id, type: e.type, data: e.data, metadata }));
    previous = hash;
    return {
      revision,
      hash,
      event: jsonEvent({ id: e.id, type: e.type, data: e.data, metadata: { ...metadata, [HASH_METADATA_KEY]: hash } }),
    };
  });
}

/**
 * Recognises a repeated append. `stored` is what the stream holds where the repeat would sit (from the
 * revision the caller expected, or from where the first event id was found). Same rule as the in-memory
 * adapter: the first id decides that this is a repeat; then every event must be there with the same type
 * and data, otherwise the caller reused ids for different content.
 */
export function detectRepeat(streamId: string, stored: readonly RecordedEvent[], events: readonly EventData[]): RecordedEvent | undefined {
  if (stored[0]?.id !== events[0]?.id) return undefined;
  events.forEach((e, i) => {
    const s = stored[i];
    if (!s || s.id !== e.id || s.type !== e.type || canonicalJson(s.data) !== canonicalJson(e.data)) {
      throw new IdempotencyConflictError(streamId, e.id);
    }
  });
  return stored[events.length - 1];
}

/** The subset of the client's recorded event that the mapping reads (keeps the tests free of the client). */
export interface ClientRecordedEventLike {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly revision: bigint;
  readonly created: Date;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata?: unknown;
  readonly position?: ClientPosition;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** Splits the chain hash out of the stored metadata so callers see exactly the metadata they appended. */
export function splitMetadata(stored: unknown): { metadata: JsonObject; hash: string } {
  if (!isJsonObject(stored)) return { metadata: {}, hash: '' };
  const { [HASH_METADATA_KEY]: hash, ...metadata } = stored;
  return { metadata, hash: typeof hash === 'string' ? hash : '' };
}

/**
 * Maps a client event to the port's RecordedEvent; undefined for events that are not ours (system streams
 * and event types, other prefixes). An event of ours that is not a JSON object is a corrupted store, not
 * something to skip silently.
 */
export function toRecordedEvent(naming: StreamNaming, e: ClientRecordedEventLike): RecordedEvent | undefined {
  if (e.type.startsWith('$')) return undefined;
  const streamId = fromServerStreamName(naming, e.streamId);
  if (streamId === undefined) return undefined;
  if (!e.isJson || !isJsonObject(e.data)) {
    throw new TypeError(`event ${e.id} in ${e.streamId} is not a JSON object; the registry writes JSON only`);
  }
  if (!e.position) throw new TypeError(`event ${e.id} in ${e.streamId} came without a position (server older than 20.6?)`);
  const { metadata, hash } = splitMetadata(e.metadata);
  return {
    id: e.id,
    streamId,
    type: e.type,
    revision: e.revision,
    position: fromClientPosition(e.position),
    data: e.data,
    metadata,
    recordedAt: e.created,
    hash,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Filters

/** Client-side check of the full filter: a guard behind the server-side filter, which covers one criterion. */
export function matchesFilter(e: Pick<RecordedEvent, 'streamId' | 'type'>, filter: EventFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.streamCategories && !filter.streamCategories.includes(streamCategory(e.streamId))) return false;
  if (filter.eventTypes && !filter.eventTypes.includes(e.type)) return false;
  return true;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ServerFilterOptions {
  readonly filter?: EventFilter;
  readonly naming: StreamNaming;
  /** Checkpoint every `checkpointInterval` × search window of events the server scanned. */
  readonly checkpointInterval?: number;
  readonly maxSearchWindow?: number;
  readonly checkpointReached?: (subscription: AllStreamSubscription, position: ClientPosition) => Promise<void> | void;
}

/**
 * One server-side filter for a $all subscription. EventStoreDB filters on either stream names or event
 * types, not both: categories win (they are what projections select on and they also exclude system
 * streams); event types then run client-side through `matchesFilter`. Without categories the filter is on
 * exact event types, or — with no filter at all — on the registry's prefix, or on "no system events".
 */
export function buildServerFilter(options: ServerFilterOptions): Filter {
  const { filter, naming } = options;
  const common = {
    checkpointInterval: options.checkpointInterval ?? 1,
    ...(options.maxSearchWindow !== undefined ? { maxSearchWindow: options.maxSearchWindow } : {}),
    ...(options.checkpointReached ? { checkpointReached: options.checkpointReached } : {}),
  };
  if (filter?.streamCategories) {
    if (filter.streamCategories.length === 0) throw new InvalidEventError('filter.streamCategories', 'an empty category list would match nothing');
    return streamNameFilter({ ...common, prefixes: filter.streamCategories.map((c) => `${naming.prefix}${c}-`) });
  }
  if (filter?.eventTypes) {
    if (filter.eventTypes.length === 0) throw new InvalidEventError('filter.eventTypes', 'an empty event type list would match nothing');
    return eventTypeFilter({ ...common, regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$` });
  }
  if (naming.prefix !== '') return streamNameFilter({ ...common, prefixes: [naming.prefix] });
  return excludeSystemEvents(common);
}

// ---------------------------------------------------------------------------------------------------------
// Errors

/** The fields of the client's WrongExpectedVersionError that the mapping reads. */
export interface ClientWrongExpectedVersionLike {
  readonly type: string;
  readonly actualVersion?: unknown;
}

function errorType(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string' ? (err as { type: string }).type : undefined;
}

export function isClientWrongExpectedVersion(err: unknown): err is ClientWrongExpectedVersionLike {
  return errorType(err) === ErrorType.WRONG_EXPECTED_VERSION;
}

export function isClientStreamNotFound(err: unknown): boolean {
  return errorType(err) === ErrorType.STREAM_NOT_FOUND;
}

/** The client reports the actual version as a bigint, 'no_stream', or (older servers) -1 for no stream. */
export function toActualRevision(actualVersion: unknown): ActualRevision {
  if (typeof actualVersion === 'bigint') return actualVersion < 0n ? 'no_stream' : actualVersion;
  if (typeof actualVersion === 'number' && Number.isInteger(actualVersion)) return actualVersion < 0 ? 'no_stream' : BigInt(actualVersion);
  if (typeof actualVersion === 'string' && /^\d+$/.test(actualVersion)) return BigInt(actualVersion);
  return 'no_stream';
}

export function toWrongExpectedVersionError(err: ClientWrongExpectedVersionLike, streamId: string, expected: ExpectedRevision): WrongExpectedVersionError {
  return new WrongExpectedVersionError(streamId, expected, toActualRevision(err.actualVersion));
}

/**
 * Errors after which a subscription is worth reopening: the node went away, lost leadership, the call timed
 * out, or the gRPC stream was reset (the client reports that as UNKNOWN). Access denied, bad arguments, a
 * deleted stream and our own mapping errors are not retried: they do not heal by waiting, and a loop would
 * hide them. Retries are bounded by the caller in any case.
 */
const TRANSIENT = new Set<string>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
  ErrorType.UNKNOWN,
]);

export function isTransientError(err: unknown): boolean {
  const type = errorType(err);
  return type !== undefined && TRANSIENT.has(type);
}

export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the ceiling fixed, half random, so that replicas that lost
 * the same node spread out without any of them retrying at once. `random` in [0, 1).
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: number): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.floor(ceiling / 2 + (ceiling / 2) * r);
}
