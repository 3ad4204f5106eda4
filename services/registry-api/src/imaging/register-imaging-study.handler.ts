import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  optionalId,
  reject,
  requireDicomUid,
  requireWritableTrial,
  studyDecider,
  studyStreamId,
  subjectDecider,
  subjectStreamId,
  trialDecider,
  trialFacts,
  trialStreamId,
  type RegisterImagingStudy,
  type SubjectState,
} from '#domain';
import { outOfScope, ROLE_SCOPE_DIMENSIONS, type VerifiedActor } from '../auth/actor.js';
import { forbidden } from '../auth/auth.errors.js';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';
import { protocolForSubject } from './acquisition-protocol.context.js';

export class RegisterImagingStudyCommand extends DomainCommandMessage<RegisterImagingStudy> {}

export const SUBJECT_NOT_FOUND = 'SUBJECT_NOT_FOUND';

type KnownSubject = Exclude<SubjectState, { kind: 'none' }>;

/**
 * Who may register a study, as far as the input allows (the policy on the mutation lets coordinators, readers
 * and screening managers in; this decides with the data):
 * - the study's site must be granted to a site-confined role (coordinator, reader);
 * - with a subject: it must exist, and its home must be granted — a trial subject to a coordinator of that
 *   trial, a screening participant to a manager of that programme (a coordinator cannot register for a screening
 *   participant, nor a manager for a trial subject); readers are bound by the study's site only, as for measurements;
 * - without a subject: a manager's programme cannot be established, so a manager must name the subject; a
 *   coordinator or reader is bound by the study's site.
 * Every denial is the same FORBIDDEN, whether the subject exists or not.
 */
export function assertMayRegisterStudy(actor: VerifiedActor, siteId: unknown, subject: KnownSubject | undefined, subjectNamed: boolean): void {
  const binding = ROLE_SCOPE_DIMENSIONS[actor.role];
  if (binding.length === 0) return;
  if (binding.includes('site') && (typeof siteId !== 'string' || outOfScope(actor, 'site', siteId))) throw forbidden();
  if (subjectNamed && !subject) throw forbidden();
  if (binding.includes('trial')) {
    if (subject && (subject.kind !== 'trial' || outOfScope(actor, 'trial', subject.trialId))) throw forbidden();
  }
  if (binding.includes('programme')) {
    if (!subject || subject.kind !== 'screening' || outOfScope(actor, 'programme', subject.programmeId)) throw forbidden();
  }
}

/**
 * One stream per Study Instance UID: a second registration of a UID finds the stream and is refused
 * (DUPLICATE_STUDY_UID). A study of a subject in a locked trial is refused like every clinical write (TRIAL_LOCKED).
 */
@CommandHandler(RegisterImagingStudyCommand)
export class RegisterImagingStudyHandler implements ICommandHandler<RegisterImagingStudyCommand, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin, actor }: RegisterImagingStudyCommand): Promise<MutationReceipt> {
    const uid = requireDicomUid(command.studyInstanceUid, 'studyInstanceUid');
    const subjectId = optionalId(command.subjectId, 'subjectId');
    // The subject as created is all the scope check needs (its side, trial and programme never change): one row read,
    // not its history, so a denial costs the same whether the subject exists or not.
    const state = subjectId === null ? undefined : await this.runner.loadCreation(subjectStreamId(subjectId), subjectDecider);
    const subject = state && state.kind !== 'none' ? state : undefined;
    // Before anything is decided or appended, and on replays too: a denied caller learns nothing.
    assertMayRegisterStudy(actor, command.siteId, subject, subjectId !== null);
    if (subjectId !== null && !subject) reject(SUBJECT_NOT_FOUND, 'subjectId', `Subject ${subjectId} is not registered`);
    const receipt = await this.runner.run({
      streamId: studyStreamId(uid),
      decider: studyDecider,
      command,
      origin,
      // The protocol is read here and judged in the decider, so the deviation flag is appended with the registration
      // (one atomic append, no second writer): a study is never registered without its verdict.
      context: async (meta, current) => {
        if (current.status !== 'none') return meta;
        if (subject?.kind === 'trial') {
          requireWritableTrial(trialFacts(await this.runner.load(trialStreamId(subject.trialId), trialDecider)), subject.trialId, 'subjectId', {
            siteId: subject.siteId,
            subjectId: subject.subjectId,
          });
        }
        return { ...meta, protocol: await protocolForSubject(this.runner, subject) };
      },
    });
    return mutationReceipt(receipt, uid);
  }
}
