import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { programmeDecider, programmeStreamId, requireId, type ProgrammeCommand } from '#domain';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';

/** Define a programme, open or close one of its rounds: all on the programme's stream. */
export class ScreeningProgrammeCommand extends DomainCommandMessage<ProgrammeCommand> {}

@CommandHandler(ScreeningProgrammeCommand)
export class ManageScreeningProgrammeHandler implements ICommandHandler<ScreeningProgrammeCommand, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin }: ScreeningProgrammeCommand): Promise<MutationReceipt> {
    const programmeId = requireId(command.programmeId, 'programmeId');
    const receipt = await this.runner.run({ streamId: programmeStreamId(programmeId), decider: programmeDecider, command, origin });
    // A new round is a record of its own inside the programme: clients need its id to invite participants.
    return mutationReceipt(receipt, programmeId, command.type === 'OpenScreeningRound' ? [command.roundId] : []);
  }
}
