import { deriveEventId, WrongExpectedVersionError, type EventStore, type RecordedEvent } from '#event-store';
import { DomainError } from '#domain';
import type { CommandOrigin } from './command-runner.js';

/**
 * Uniqueness across streams (a trial identifier, a biomarker code): one small stream per unique value, claimed by
 * appending `ReservationClaimed` with `no_stream` (or on top of a release). The event store's optimistic
 * concurrency makes the claim atomic, so two commands racing for one value cannot both win.
 *
 * A claim belongs to an owner (the trial or biomarker id). Claiming again for the same owner succeeds: a repeated
 * command (same commandId) or a retry after a failed registration (new commandId, same record id) must not lock
 * the owner out of its own value. A different owner gets the caller's duplicate error.
 */
export interface ReservationRequest {
  readonly streamId: string;
  /** The record that holds the value (e.g. the trial id). */
  readonly ownerId: string;
  readonly origin: CommandOrigin;
  /** Thrown when another owner holds the value (e.g. DUPLICATE_TRIAL_IDENTIFIER on `identifiers.0.value`). */
  readonly duplicate: () => DomainError;
}

export interface Reservation {
  readonly streamId: string;
  /** False when the owner already held the value (a replay or a retry): nothing was appended. */
  readonly claimed: boolean;
}

type ReservationState = { readonly holder: string | null; readonly revision: bigint | 'no_stream' };

function stateOf(events: readonly RecordedEvent[]): ReservationState {
  let holder: string | null = null;
  for (const e of events) {
    if (e.type === 'ReservationClaimed') holder = String(e.data['ownerId']);
    else if (e.type === 'ReservationReleased') holder = null;
  }
  return { holder, revision: events.length === 0 ? 'no_stream' : events.at(-1)!.revision };
}

function metadata(origin: CommandOrigin, recordedAt: Date, reason?: string) {
  return {
    actorId: origin.actorId,
    actorRole: origin.actorRole,
    commandId: origin.commandId,
    correlationId: origin.correlationId,
    causationId: origin.causationId ?? origin.commandId,
    recordedAt: recordedAt.toISOString(),
    ...(reason ? { reason } : {}),
    schemaVersion: 1,
  };
}

export async function claimReservation(store: EventStore, request: ReservationRequest, now: Date): Promise<Reservation> {
  const { streamId, ownerId, origin } = request;
  // Two attempts: a concurrent claim or release between our read and our append is re-read once, then decided.
  for (let attempt = 0; ; attempt++) {
    const events = await store.readStream(streamId);
    const state = stateOf(events);
    if (state.holder === ownerId) return { streamId, claimed: false };
    if (state.holder !== null) throw request.duplicate();
    try {
      await store.appendToStream(
        streamId,
        [
          {
            id: deriveEventId(origin.commandId, streamId, events.length),
            type: 'ReservationClaimed',
            data: { ownerId, claimedAt: now.toISOString() },
            metadata: metadata(origin, now),
          },
        ],
        { expectedRevision: state.revision },
      );
      return { streamId, claimed: true };
    } catch (err) {
      if (err instanceof WrongExpectedVersionError && attempt < 1) continue;
      if (err instanceof WrongExpectedVersionError) throw request.duplicate();
      throw err;
    }
  }
}

/**
 * Gives a value back after the registration that claimed it was rejected, so the value does not stay blocked by a
 * record that never came to exist. Best effort: a failure here is logged by the caller, never hides the rejection.
 */
export async function releaseReservation(
  store: EventStore,
  reservation: Reservation,
  ownerId: string,
  origin: CommandOrigin,
  reason: string,
  now: Date,
): Promise<void> {
  if (!reservation.claimed) return;
  const events = await store.readStream(reservation.streamId);
  const state = stateOf(events);
  if (state.holder !== ownerId || state.revision === 'no_stream') return;
  await store.appendToStream(
    reservation.streamId,
    [
      {
        id: deriveEventId(origin.commandId, reservation.streamId, events.length),
        type: 'ReservationReleased',
        data: { ownerId, reason, releasedAt: now.toISOString() },
        metadata: metadata(origin, now, reason),
      },
    ],
    { expectedRevision: state.revision },
  );
}

/**
 * Claims every value (in order), runs `register`, and releases what this call claimed when anything fails.
 * The registration itself is idempotent by commandId, so a replay finds its claims held by the same owner.
 */
export async function withReservations<T>(store: EventStore, requests: readonly ReservationRequest[], now: () => Date, register: () => Promise<T>): Promise<T> {
  const taken: { reservation: Reservation; request: ReservationRequest }[] = [];
  try {
    for (const request of requests) taken.push({ reservation: await claimReservation(store, request, now()), request });
    return await register();
  } catch (err) {
    const reason = err instanceof DomainError ? `registration rejected: ${err.code}` : 'registration failed';
    for (const { reservation, request } of taken.reverse()) {
      await releaseReservation(store, reservation, request.ownerId, request.origin, reason, now()).catch(() => undefined);
    }
    throw err;
  }
}
