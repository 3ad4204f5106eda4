import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { biomarkerDecider, biomarkerStreamId, requireId, type RetireBiomarker, type ReviseBiomarker } from '#domain';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';

/** Revise or retire a defined biomarker: one stream, no facts from elsewhere. */
export class ChangeBiomarkerCommand extends DomainCommandMessage<ReviseBiomarker | RetireBiomarker> {}

@CommandHandler(ChangeBiomarkerCommand)
export class ChangeBiomarkerHandler implements ICommandHandler<ChangeBiomarkerCommand, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin }: ChangeBiomarkerCommand): Promise<MutationReceipt> {
    const biomarkerId = requireId(command.biomarkerId, 'biomarkerId');
    const receipt = await this.runner.run({ streamId: biomarkerStreamId(biomarkerId), decider: biomarkerDecider, command, origin });
    return mutationReceipt(receipt, biomarkerId);
  }
}
