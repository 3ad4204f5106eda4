import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  reject,
  requireDicomUid,
  requireWritableTrial,
  StudyErrors,
  studyDecider,
  studyStreamId,
  subjectDecider,
  subjectStreamId,
  trialDecider,
  trialFacts,
  trialStreamId,
  type CorrectAcquisitionParameters,
} from '#domain';
import { forbidden } from '../auth/auth.errors.js';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';
import { protocolForSubject } from './acquisition-protocol.context.js';
import { assertMayRegisterStudy } from './register-imaging-study.handler.js';

export class CorrectAcquisitionParametersCommand extends DomainCommandMessage<CorrectAcquisitionParameters> {}

/**
 * Who may correct a study's acquisition record is who may register it (its site, its subject's trial or programme),
 * judged on the study as registered. The correction is judged again against the protocol in force: still outside →
 * a new flag; now inside → the earlier flag is resolved. A study of a locked trial is refused (TRIAL_LOCKED).
 */
@CommandHandler(CorrectAcquisitionParametersCommand)
export class CorrectAcquisitionParametersHandler implements ICommandHandler<CorrectAcquisitionParametersCommand, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin, actor }: CorrectAcquisitionParametersCommand): Promise<MutationReceipt> {
    const uid = requireDicomUid(command.studyInstanceUid, 'studyInstanceUid');
    const study = await this.runner.loadCreation(studyStreamId(uid), studyDecider);
    // An unknown study is FORBIDDEN to a confined caller (no existence leak), STUDY_NOT_FOUND to others.
    if (study.status === 'none') {
      assertMayRegisterStudy(actor, undefined, undefined, false);
      reject(StudyErrors.STUDY_NOT_FOUND, 'studyInstanceUid', `Study ${uid} is not registered`);
    }
    const state = study.subjectId === null ? undefined : await this.runner.loadCreation(subjectStreamId(study.subjectId), subjectDecider);
    const subject = state && state.kind !== 'none' ? state : undefined;
    if (study.subjectId !== null && !subject) throw forbidden();
    assertMayRegisterStudy(actor, study.siteId, subject, study.subjectId !== null);
    const receipt = await this.runner.run({
      streamId: studyStreamId(uid),
      decider: studyDecider,
      command,
      origin,
      context: async (meta) => {
        if (subject?.kind === 'trial') {
          requireWritableTrial(trialFacts(await this.runner.load(trialStreamId(subject.trialId), trialDecider)), subject.trialId, 'studyInstanceUid', {
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
