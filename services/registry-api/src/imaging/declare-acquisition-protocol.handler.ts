import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { acquisitionProtocolDecider, acquisitionProtocolStreamId, requireProtocolScope, type DeclareAcquisitionProtocol } from '#domain';
import { forbidden } from '../auth/auth.errors.js';
import { assertInScope } from '../auth/scope.js';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';

export class DeclareAcquisitionProtocolCommand extends DomainCommandMessage<DeclareAcquisitionProtocol> {}

/**
 * A trial's protocol by its coordinators or data managers, a programme's by its screening managers or data managers,
 * each within their grants. The scope is what the command names (one stream per scope), so the check needs no read.
 */
@CommandHandler(DeclareAcquisitionProtocolCommand)
export class DeclareAcquisitionProtocolHandler implements ICommandHandler<DeclareAcquisitionProtocolCommand, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin, actor }: DeclareAcquisitionProtocolCommand): Promise<MutationReceipt> {
    const scope = requireProtocolScope(command.trialId, command.programmeId);
    const access = () => {
      // A coordinator's grants name trials, a screening manager's programmes: neither may set the other's protocol.
      if (actor.role === 'coordinator' && scope.trialId === undefined) throw forbidden();
      if (actor.role === 'screening_manager' && scope.programmeId === undefined) throw forbidden();
      assertInScope(actor, { trial: scope.trialId, programme: scope.programmeId });
    };
    const streamId = acquisitionProtocolStreamId(scope);
    return mutationReceipt(await this.runner.run({ streamId, decider: acquisitionProtocolDecider, command, origin, access }), streamId);
  }
}
