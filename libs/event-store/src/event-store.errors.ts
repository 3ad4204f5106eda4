import type { ExpectedRevision } from './expected-revision.js';

/** Base class: every event-store error carries a stable SCREAMING_SNAKE code. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/** The stream was not at the revision the caller expected (optimistic concurrency). */
export class WrongExpectedVersionError extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expectedRevision: ExpectedRevision,
    /** The stream's actual last revision, or 'no_stream' when it does not exist. */
    readonly actualRevision: bigint | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expectedRevision)}, actual ${String(actualRevision)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** An event id was appended before with different content: a retry must repeat exactly the same events. */
export class IdempotencyConflictError extends EventStoreError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`event ${eventId} already exists in ${streamId} with different content`);
    this.name = 'IdempotencyConflictError';
  }
}

/**
 * A commandId was used before for a command with different content (architecture.md §3: a repeated command returns
 * the first result; a changed one must not be swallowed as a replay). Nothing was appended.
 */
export class CommandIdempotencyConflictError extends IdempotencyConflictError {
  constructor(
    streamId: string,
    /** The first stored event of the earlier command with this commandId. */
    eventId: string,
    readonly commandId: string,
  ) {
    super(streamId, eventId);
    this.message = `commandId ${commandId} was already used for a different command on ${streamId}`;
    this.name = 'CommandIdempotencyConflictError';
  }
}

/**
 * An unpinned command kept losing the race for its stream to concurrent writers until its time budget ran out.
 * Retryable: nothing was appended; the same command (same commandId) may be sent again after `retryAfterSeconds`.
 */
export class StreamBusyError extends EventStoreError {
  readonly code = 'BUSY';
  constructor(
    readonly streamId: string,
    readonly attempts: number,
    readonly retryAfterSeconds = 1,
  ) {
    super(`stream ${streamId} is busy with concurrent writers (${attempts} attempts); retry the same command later`);
    this.name = 'StreamBusyError';
  }
}

/** The events were rejected before anything was written: bad stream name, type, id, shape or size. */
export class InvalidEventError extends EventStoreError {
  readonly code = 'INVALID_EVENT';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidEventError';
  }
}
