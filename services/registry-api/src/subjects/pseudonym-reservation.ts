import { createHash } from 'node:crypto';
import {
  pseudonymReservationDecider,
  pseudonymReservationKey,
  pseudonymScope,
  subjectDecider,
  subjectStreamId,
  type ParticipantInvited,
  type PseudonymReservationContext,
  type PseudonymScope,
  type SubjectEnrolled,
} from '#domain';
import type { CommandOrigin, CommandRunner } from '../commands/command-runner.js';
import { recordId } from '../commands/record-id.js';

/** `pseudonym-<sha256(scope NUL pseudonym)>`: fixed length, and the pseudonym does not appear in stream listings. */
export function pseudonymReservationStreamId(scope: PseudonymScope, pseudonym: string): string {
  return `pseudonym-${createHash('sha256').update(pseudonymReservationKey(scope, pseudonym)).digest('hex')}`;
}

export interface PseudonymClaim {
  readonly scope: PseudonymScope;
  readonly pseudonym: string;
  readonly subjectId: string;
}

/** The claim an enrolment or invitation needs, read from the event the decider would append (normalised values). */
export function claimOf(event: SubjectEnrolled | ParticipantInvited): PseudonymClaim {
  const { subjectId, pseudonym } = event.data;
  const scope = event.type === 'SubjectEnrolled' ? pseudonymScope('trial', event.data.trialId) : pseudonymScope('programme', event.data.programmeId);
  return { scope, pseudonym, subjectId };
}

/**
 * The reservation's own command ids, derived from the client's: the write goes through the one generic handler (so
 * a repeated claim is a replay there), while the client's commandId keeps naming exactly one command on the subject
 * stream. causationId links the reservation event to the enrolment that caused it.
 */
function reservationOrigin(origin: CommandOrigin, step: 'claim' | 'release'): CommandOrigin {
  return { ...origin, commandId: recordId(origin.commandId, `pseudonym-${step}`), causationId: origin.commandId, expectedVersion: undefined };
}

/** Claims the pseudonym for the subject, or throws DUPLICATE_PSEUDONYM. True when this command holds a claim event. */
export async function claimPseudonym(runner: CommandRunner, claim: PseudonymClaim, origin: CommandOrigin): Promise<boolean> {
  const receipt = await runner.run({
    streamId: pseudonymReservationStreamId(claim.scope, claim.pseudonym),
    decider: pseudonymReservationDecider,
    command: { type: 'ClaimPseudonym', ...claim },
    origin: reservationOrigin(origin, 'claim'),
  });
  // Appended now, or appended by this very command before a crash (a replay): either way this command owns it.
  return receipt.events.length > 0;
}

/**
 * Gives the claim back after the command it was made for was rejected — unless the subject holds the pseudonym
 * after all (e.g. the rejection was SUBJECT_ALREADY_EXISTS for a subject enrolled under it).
 */
export async function releasePseudonym(runner: CommandRunner, claim: PseudonymClaim, origin: CommandOrigin, reason: string): Promise<void> {
  const subject = await runner.load(subjectStreamId(claim.subjectId), subjectDecider);
  const holds =
    subject.kind !== 'none' &&
    subject.pseudonym === claim.pseudonym &&
    pseudonymScope(subject.kind === 'trial' ? 'trial' : 'programme', subject.kind === 'trial' ? subject.trialId : subject.programmeId) === claim.scope;
  await runner.run({
    streamId: pseudonymReservationStreamId(claim.scope, claim.pseudonym),
    decider: pseudonymReservationDecider,
    command: { type: 'ReleasePseudonym', ...claim, reason },
    origin: reservationOrigin(origin, 'release'),
    context: (meta): PseudonymReservationContext => ({ ...meta, holderHoldsPseudonym: holds }),
  });
}
