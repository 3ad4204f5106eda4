import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  algorithmDecider,
  algorithmStreamId,
  requireId,
  type ReinstateAlgorithmVersion,
  type SuspendAlgorithmVersion,
  type WithdrawAlgorithmVersion,
} from '#domain';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';

/** Suspend, reinstate or withdraw a registered version: one stream, always with a reason. */
export class ChangeAlgorithmVersionCommand extends DomainCommandMessage<SuspendAlgorithmVersion | ReinstateAlgorithmVersion | WithdrawAlgorithmVersion> {}

@CommandHandler(ChangeAlgorithmVersionCommand)
export class ChangeAlgorithmVersionHandler implements ICommandHandler<ChangeAlgorithmVersionCommand, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin }: ChangeAlgorithmVersionCommand): Promise<MutationReceipt> {
    const id = requireId(command.algorithmVersionId, 'algorithmVersionId');
    return mutationReceipt(await this.runner.run({ streamId: algorithmStreamId(id), decider: algorithmDecider, command, origin }), id);
  }
}
