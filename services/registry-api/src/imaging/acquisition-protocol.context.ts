import { acquisitionProtocolDecider, acquisitionProtocolStreamId, protocolInForce, type ProtocolInForce, type SubjectState } from '#domain';
import type { CommandRunner } from '../commands/command-runner.js';

/**
 * The acquisition protocol in force for a subject's trial or programme, for the study decider to judge a study by.
 * Read fresh on every attempt (inside the command's context), so a study is judged by the protocol as it stands when
 * its events are appended; a study without a subject has no scope and is not judged.
 */
export async function protocolForSubject(runner: CommandRunner, subject: Exclude<SubjectState, { kind: 'none' }> | undefined): Promise<ProtocolInForce | null> {
  if (!subject) return null;
  const scope = subject.kind === 'trial' ? { trialId: subject.trialId } : { programmeId: subject.programmeId };
  return protocolInForce(await runner.load(acquisitionProtocolStreamId(scope), acquisitionProtocolDecider));
}
