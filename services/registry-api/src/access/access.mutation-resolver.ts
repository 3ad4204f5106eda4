import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { GrantRoleInput, RevokeRoleInput } from '../../../../graphql/generated/graphql.types.js';
import { Authorize } from '../auth/authorize.decorator.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { commandOrigin, verifiedActor } from '../commands/command-origin.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { RoleGrantCommand } from './manage-role-grant.handler.js';

@Resolver()
export class AccessMutationResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation('grantRole')
  @Authorize({ roles: ['admin'], scope: 'global' })
  grantRole(@Args('input') input: GrantRoleInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = {
      type: 'GrantRole' as const,
      actorId: input.actorId,
      role: input.role,
      trials: input.trials,
      programmes: input.programmes,
      sites: input.sites,
      reason: input.reason,
    };
    return this.commands.execute(new RoleGrantCommand(command, commandOrigin(ctx, input, input.reason), verifiedActor(ctx)));
  }

  @Mutation('revokeRole')
  @Authorize({ roles: ['admin'], scope: 'global' })
  revokeRole(@Args('input') input: RevokeRoleInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = { type: 'RevokeRole' as const, actorId: input.actorId, role: input.role, reason: input.reason };
    return this.commands.execute(new RoleGrantCommand(command, commandOrigin(ctx, input, input.reason), verifiedActor(ctx)));
  }
}
