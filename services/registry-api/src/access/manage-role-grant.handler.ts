import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accessDecider, actorStreamId, requireActorId, type AccessCommand } from '#domain';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';
import { ActorGrantsService } from './actor-grants.service.js';

/** Grant or revoke a role: both on the actor's stream `actor-<actorId>`. */
export class RoleGrantCommand extends DomainCommandMessage<AccessCommand> {}

@CommandHandler(RoleGrantCommand)
export class ManageRoleGrantHandler implements ICommandHandler<RoleGrantCommand, MutationReceipt> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly grants: ActorGrantsService,
  ) {}

  async execute({ command, origin }: RoleGrantCommand): Promise<MutationReceipt> {
    const actorId = requireActorId(command.actorId);
    const receipt = await this.runner.run({ streamId: actorStreamId(actorId), decider: accessDecider, command, origin });
    // This instance applies the change at once; others within AUTH_GRANTS_CACHE_SECONDS.
    this.grants.invalidate(actorId);
    return mutationReceipt(receipt, actorId);
  }
}
