import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { CeClass } from '#domain';
import type {
  CeClass as CeClassInput,
  RegisterAlgorithmVersionInput,
  ReinstateAlgorithmVersionInput,
  SuspendAlgorithmVersionInput,
  WithdrawAlgorithmVersionInput,
} from '../../../../graphql/generated/graphql.types.js';
import { Authorize } from '../auth/authorize.decorator.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { commandOrigin, verifiedActor } from '../commands/command-origin.js';
import { recordId } from '../commands/record-id.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { ChangeAlgorithmVersionCommand } from './change-algorithm-version.handler.js';
import { RegisterAlgorithmVersionCommand } from './register-algorithm-version.handler.js';

const CE_CLASS: Record<CeClassInput, CeClass> = { I: 'I', IIA: 'IIa', IIB: 'IIb', III: 'III' };

/** The algorithm registry is device regulation (MDR / AI Act records): only admins change it. */
@Resolver()
export class AlgorithmsMutationResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation('registerAlgorithmVersion')
  @Authorize({ roles: ['admin'], scope: 'global' })
  registerAlgorithmVersion(@Args('input') input: RegisterAlgorithmVersionInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const origin = commandOrigin(ctx, input);
    const { regulatory } = input;
    return this.commands.execute(
      new RegisterAlgorithmVersionCommand(
        {
          type: 'RegisterAlgorithmVersion',
          algorithmVersionId: input.algorithmVersionId ?? recordId(origin.commandId, 'algorithm'),
          manufacturer: input.manufacturer,
          name: input.name,
          version: input.version,
          intendedUse: input.intendedUse,
          regulatory: {
            status: regulatory.status.toLowerCase() as RegulatoryStatusValue,
            ceClass: regulatory.ceClass ? CE_CLASS[regulatory.ceClass] : null,
            udiDi: regulatory.udiDi,
            clearanceNumber: regulatory.clearanceNumber,
          },
          biomarkerIds: input.biomarkerIds,
          predecessorVersionId: input.predecessorVersionId,
          scoreRange: input.scoreRange,
        },
        origin,
        verifiedActor(ctx),
      ),
    );
  }

  @Mutation('suspendAlgorithmVersion')
  @Authorize({ roles: ['admin'], scope: 'global' })
  suspendAlgorithmVersion(@Args('input') input: SuspendAlgorithmVersionInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    return this.change('SuspendAlgorithmVersion', input, ctx);
  }

  @Mutation('reinstateAlgorithmVersion')
  @Authorize({ roles: ['admin'], scope: 'global' })
  reinstateAlgorithmVersion(@Args('input') input: ReinstateAlgorithmVersionInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    return this.change('ReinstateAlgorithmVersion', input, ctx);
  }

  @Mutation('withdrawAlgorithmVersion')
  @Authorize({ roles: ['admin'], scope: 'global' })
  withdrawAlgorithmVersion(@Args('input') input: WithdrawAlgorithmVersionInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    return this.change('WithdrawAlgorithmVersion', input, ctx);
  }

  private change(
    type: 'SuspendAlgorithmVersion' | 'ReinstateAlgorithmVersion' | 'WithdrawAlgorithmVersion',
    input: SuspendAlgorithmVersionInput,
    ctx: GraphqlContext,
  ): Promise<MutationReceipt> {
    const command = { type, algorithmVersionId: input.algorithmVersionId, reason: input.reason };
    return this.commands.execute(new ChangeAlgorithmVersionCommand(command, commandOrigin(ctx, input, input.reason), verifiedActor(ctx)));
  }
}

type RegulatoryStatusValue = RegisterAlgorithmVersionCommand['command']['regulatory']['status'];
