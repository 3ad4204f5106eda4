import { createHash } from 'node:crypto';
import {
  pseudonymReservationDecider,
  pseudonymReservationKey,
  pseudonymScope,
  reject,
  SubjectErrors,
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
 * The claim is part of the client's command and carries its commandId, like every reservation (so a repeated
 * command is a replay on the reservation stream too, and the audit trail shows the claim under the command). The
 * release is a later, separate step on the same stream: it needs its own commandId — derived, so a retried release
 * is a replay — and names the client's command as its cause. Neither is pinned to the subject stream's version.
 */
function reservationOrigin(origin: CommandOrigin, step: 'claim' | 'release'): CommandOrigin {
  const { expectedVersion: _pinnedToTheSubjectStream, ...unpinned } = origin;
  return step === 'claim' ? unpinned : { ...unpinned, commandId: recordId(origin.commandId, 'pseudonym-release'), causationId: origin.commandId };
}

/** Claims the pseudonym for the subject, or throws DUPLICATE_PSEUDONYM. True when this command holds a claim event. */
export async function claimPseudonym(runner: CommandRunner, claim: PseudonymClaim, origin: CommandOrigin): Promise<boolean> {
  const streamId = pseudonymReservationStreamId(claim.scope, claim.pseudonym);
  const command = { type: 'ClaimPseudonym', ...claim } as const;
  // A step of the client's command under its commandId, which the subject stream claims (CommandIdScope 'stream').
  let receipt = await runner.run({
    streamId,
    decider: pseudonymReservationDecider,
    command,
    origin: reservationOrigin(origin, 'claim'),
    commandIdScope: 'stream',
  });
  if (receipt.replayed && receipt.state.holder === null) {
    // This very command claimed before, was rejected and gave the claim back; its retry claims anew. The commandId
    // is derived from the stream's revision, so each round is one command (a crash in it: that round's replay).
    const again = {
      ...reservationOrigin(origin, 'claim'),
      commandId: recordId(origin.commandId, `pseudonym-reclaim:${receipt.version}`),
      causationId: origin.commandId,
    };
    receipt = await runner.run({ streamId, decider: pseudonymReservationDecider, command, origin: again });
  }
  // A replay of this command's claim made for another subject id (the commandId reused with other content after a
  // crash) does not make this subject the holder.
  if (receipt.state.holder !== claim.subjectId) {
    reject(
      SubjectErrors.DUPLICATE_PSEUDONYM,
      'pseudonym',
      `Another subject already holds this pseudonym in ${claim.scope}: one person is one subject per study`,
    );
  }
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
