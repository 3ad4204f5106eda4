import type { ExpectedRevision } from './event-store.js';

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
