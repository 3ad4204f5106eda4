import type { CommandMeta, Decider, DomainEvent } from '../decider.js';
import { reject } from '../domain.errors.js';
import { InputErrors, requireId, requireReason } from '../biomarker/input.guards.js';
import { requirePseudonymScope, type PseudonymScope } from './pseudonym-linkage.decider.js';
import { SubjectErrors } from './subject.errors.js';
import { requirePseudonym } from './subject.pseudonym.js';

/**
 * One person, one subject per study: a pseudonym is unique within its trial (enrolment) or screening programme
 * (invitation). The event store offers optimistic concurrency per stream only, so uniqueness across subject streams
 * lives in one small stream per (scope, pseudonym) — `pseudonym-<sha256>` (the API derives the name) — whose first
 * claim is appended with `no_stream`: of two racing enrolments exactly one claim lands, the other re-reads the
 * stream and is refused here with DUPLICATE_PSEUDONYM.
 *
 * The claim belongs to the subject id, not to the command: claiming again for the same subject is a no-op, so a
 * retry after a crash between the claim and the subject's first event completes (same commandId, hence same
 * derived subject id), and a participant's later invitations pass. A claim is released only when the enrolment it
 * was made for was rejected and the subject does not hold the pseudonym (see ReleasePseudonym).
 */
export interface ClaimPseudonym {
  readonly type: 'ClaimPseudonym';
  readonly scope: PseudonymScope;
  readonly pseudonym: string;
  readonly subjectId: string;
}

/** Gives a claim back after the enrolment or invitation it was made for was rejected. */
export interface ReleasePseudonym {
  readonly type: 'ReleasePseudonym';
  readonly scope: PseudonymScope;
  readonly pseudonym: string;
  readonly subjectId: string;
  readonly reason: string;
}

export type PseudonymReservationCommand = ClaimPseudonym | ReleasePseudonym;

// The pseudonym itself stays out of these events (it is already on the subject's stream; the stream name is a digest).
export type PseudonymClaimed = DomainEvent<'PseudonymClaimed', { readonly scope: PseudonymScope; readonly subjectId: string; readonly claimedAt: string }>;
export type PseudonymReleased = DomainEvent<
  'PseudonymReleased',
  { readonly scope: PseudonymScope; readonly subjectId: string; readonly reason: string; readonly releasedAt: string }
>;
export type PseudonymReservationEvent = PseudonymClaimed | PseudonymReleased;

export type PseudonymReservationState = { readonly holder: string | null };

export interface PseudonymReservationContext extends CommandMeta {
  /**
   * For ReleasePseudonym: whether the claiming subject's own stream holds this pseudonym in this scope (folded by the
   * handler after the rejection). A subject that holds it keeps it whatever happened to the command at hand.
   */
  readonly holderHoldsPseudonym?: boolean;
}

/** The text the API hashes into the reservation stream name: scope and pseudonym, normalised by their guards. */
export function pseudonymReservationKey(scope: PseudonymScope, pseudonym: string): string {
  return `${scope}\u0000${pseudonym}`;
}

function decide(command: PseudonymReservationCommand, state: PseudonymReservationState, ctx: PseudonymReservationContext): PseudonymReservationEvent[] {
  const scope = requirePseudonymScope(command.scope, 'scope');
  requirePseudonym(command.pseudonym);
  const subjectId = requireId(command.subjectId, 'subjectId');
  switch (command.type) {
    case 'ClaimPseudonym':
      if (state.holder === subjectId) return [];
      if (state.holder !== null) {
        // No subject id in the message: a coordinator confined to one site must not learn subjects of other sites.
        reject(SubjectErrors.DUPLICATE_PSEUDONYM, 'pseudonym', `Another subject already holds this pseudonym in ${scope}: one person is one subject per study`);
      }
      return [{ type: 'PseudonymClaimed', data: { scope, subjectId, claimedAt: ctx.now.toISOString() } }];
    case 'ReleasePseudonym': {
      const reason = requireReason(command.reason);
      if (state.holder !== subjectId || ctx.holderHoldsPseudonym !== false) return [];
      return [{ type: 'PseudonymReleased', data: { scope, subjectId, reason, releasedAt: ctx.now.toISOString() } }];
    }
    default:
      return reject(InputErrors.INVALID_ENUM_VALUE, 'type', `Unknown reservation command ${(command as { type?: unknown }).type as string}`);
  }
}

function evolve(state: PseudonymReservationState, event: PseudonymReservationEvent): PseudonymReservationState {
  switch (event.type) {
    case 'PseudonymClaimed':
      return { holder: event.data.subjectId };
    case 'PseudonymReleased':
      return state.holder === event.data.subjectId ? { holder: null } : state;
    default:
      return state;
  }
}

export const pseudonymReservationDecider: Decider<
  PseudonymReservationCommand,
  PseudonymReservationEvent,
  PseudonymReservationState,
  PseudonymReservationContext
> = {
  initialState: { holder: null },
  evolve,
  foldVersion: 'pseudonym-reservation/1',
  decide,
};
