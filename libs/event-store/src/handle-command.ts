import { v5 as uuidv5 } from 'uuid';
import type { AppendResult, EventStore, JsonObject, Position, RecordedEvent } from './event-store.js';
import { WrongExpectedVersionError } from './event-store.errors.js';

/** Namespace for event ids derived from command ids (UUIDv5), so a repeated command repeats its ids. */
const EVENT_ID_NAMESPACE = '3f0c1c6e-5d43-4a8e-9a43-2b6f1f1f0b7e';

export const EVENT_SCHEMA_VERSION = 1;

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
  /** The revision the client last read; when given, a conflict is returned instead of retried. */
  readonly expectedRevision?: bigint;
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

export function deriveEventId(commandId: string, streamId: string, index: number): string {
  return uuidv5(`${commandId}:${streamId}:${index}`, EVENT_ID_NAMESPACE);
}

/**
 * Load → fold → decide → append with the exact expected revision. Unpinned commands retry a bounded number
 * of times on a concurrent write; pinned ones surface the conflict with the actual revision.
 */
export async function handleCommand<TCommand, TEvent extends { type: string; data: unknown }, TState, TContext>(
  input: HandleCommandInput<TCommand, TEvent, TState, TContext>,
): Promise<HandleCommandResult<TState>> {
  const { store, streamId, decider, metadata } = input;
  // A writer only loses a round when another one wins it, so n concurrent writers need at most n attempts.
  const maxAttempts = input.expectedRevision === undefined ? (input.maxAttempts ?? 10) : 1;
  for (let attempt = 1; ; attempt++) {
    const history = await store.readStream(streamId);
    const actual = history.length === 0 ? -1n : history.at(-1)!.revision;
    let state = decider.initialState;
    for (const e of history) state = decider.evolve(state, { type: e.type, data: e.data } as TEvent);

    const previous = history.filter((e) => e.metadata['commandId'] === metadata.commandId);
    if (previous.length > 0) {
      const last = previous.at(-1)!;
      return { streamId, revision: actual, position: last.position, eventTypes: previous.map((e) => e.type), replayed: true, state };
    }
    if (input.expectedRevision !== undefined && input.expectedRevision !== actual) {
      throw new WrongExpectedVersionError(streamId, input.expectedRevision, actual < 0n ? 'no_stream' : actual);
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
          metadata: eventMetadata(metadata, e.data),
        })),
        { expectedRevision: actual < 0n ? 'no_stream' : actual },
      );
    } catch (err) {
      if (err instanceof WrongExpectedVersionError && attempt < maxAttempts) {
        // A little random backoff so that writers who collided do not collide again in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * attempt));
        continue;
      }
      throw err;
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

function eventMetadata(m: CommandMetadata, data: unknown): JsonObject {
  const occurredAt = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['occurredAt'] : undefined;
  return {
    actorId: m.actorId,
    actorRole: m.actorRole,
    commandId: m.commandId,
    correlationId: m.correlationId,
    causationId: m.causationId,
    ...(m.reason ? { reason: m.reason } : {}),
    recordedAt: m.recordedAt.toISOString(),
    ...(typeof occurredAt === 'string' ? { occurredAt } : {}),
    schemaVersion: EVENT_SCHEMA_VERSION,
  };
}

export type { RecordedEvent };
