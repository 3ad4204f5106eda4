import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { AppendResult, EventStore, JsonObject, JsonValue, Position, RecordedEvent } from './event-store.js';
import { CommandIdempotencyConflictError, IdempotencyConflictError, StreamBusyError, WrongExpectedVersionError } from './event-store.errors.js';
import { canonicalJson } from './hash-chain.js';

/** Namespace for event ids derived from command ids (UUIDv5), so a repeated command repeats its ids. */
const EVENT_ID_NAMESPACE = '3f0c1c6e-5d43-4a8e-9a43-2b6f1f1f0b7e';

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
}

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
  const normal = JSON.parse(
    JSON.stringify({ command: fingerprint, reason: reason ?? null }, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value === null ? undefined : value)),
  ) as unknown;
  return createHash('sha256').update(canonicalJson(normal as JsonValue)).digest('hex');
}

export function deriveEventId(commandId: string, streamId: string, index: number): string {
  return uuidv5(`${commandId}:${streamId}:${index}`, EVENT_ID_NAMESPACE);
}

/**
 * Load → fold → decide → append with the exact expected revision. Unpinned commands retry a lost race with jittered
 * backoff until `retryBudgetMs` is spent, then answer StreamBusyError; pinned ones surface the conflict with the
 * actual revision. A commandId already in the stream returns the first result when the command is the same and
 * is refused (CommandIdempotencyConflictError) when its content differs, whatever the decider would decide now.
 */
export async function handleCommand<TCommand, TEvent extends { type: string; data: unknown }, TState, TContext>(
  input: HandleCommandInput<TCommand, TEvent, TState, TContext>,
): Promise<HandleCommandResult<TState>> {
  const { store, streamId, decider, metadata } = input;
  const pinned = input.expectedRevision !== undefined;
  const hash = commandHash(input.fingerprint === undefined ? input.command : input.fingerprint, metadata.reason);
  const deadline = Date.now() + (input.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS);
  const maxAttempts = input.maxAttempts ?? Number.POSITIVE_INFINITY;
  let rereadAfterIdConflict = false;
  for (let attempt = 1; ; attempt++) {
    const history = await store.readStream(streamId);
    const actual = history.length === 0 ? -1n : history.at(-1)!.revision;
    let state = decider.initialState;
    for (const e of history) state = decider.evolve(state, { type: e.type, data: e.data } as TEvent);

    const previous = history.filter((e) => e.metadata['commandId'] === metadata.commandId);
    if (previous.length > 0) {
      const first = previous[0]!;
      const stored = first.metadata['commandHash'];
      // Events written before command hashes were recorded carry none: they can only be compared by their ids.
      if (typeof stored === 'string' && stored !== hash) throw new CommandIdempotencyConflictError(streamId, first.id, metadata.commandId);
      const last = previous.at(-1)!;
      return { streamId, revision: actual, position: last.position, eventTypes: previous.map((e) => e.type), replayed: true, state };
    }
    if (pinned && input.expectedRevision !== actual) {
      throw new WrongExpectedVersionError(streamId, input.expectedRevision!, actual < 0n ? 'no_stream' : actual);
    }

    const context =
      typeof input.context === 'function' ? await (input.context as (state: TState) => Promise<TContext> | TContext)(state) : input.context;
    const events = decider.decide(input.command, state, context);
    if (events.length === 0) return { streamId, revision: actual, position: history.at(-1)?.position, eventTypes: [], replayed: false, state };

    let result: AppendResult;
    try {
      result = await store.appendToStream(
        streamId,
        events.map((e, i) => ({
          id: deriveEventId(metadata.commandId, streamId, i),
          type: e.type,
          data: e.data as JsonObject,
          metadata: eventMetadata(metadata, hash, e.data),
        })),
        { expectedRevision: actual < 0n ? 'no_stream' : actual },
      );
    } catch (err) {
      // The same event ids were stored with other data by a concurrent send of this commandId (e.g. personal data
      // sealed with another random IV): re-read once, and the stored command hash decides replay or conflict.
      if (err instanceof IdempotencyConflictError && !rereadAfterIdConflict) {
        rereadAfterIdConflict = true;
        continue;
      }
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
    for (const e of events) state = decider.evolve(state, e);
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

function eventMetadata(m: CommandMetadata, hash: string, data: unknown): JsonObject {
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
