import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { CancerType, KpiTarget } from '#domain';
import type { CloseScreeningRoundInput, DefineScreeningProgrammeInput, OpenScreeningRoundInput } from '../../../../graphql/generated/graphql.types.js';
import { Authorize, type AuthorizePolicy } from '../auth/authorize.decorator.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { commandOrigin, verifiedActor } from '../commands/command-origin.js';
import { recordId } from '../commands/record-id.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { ScreeningProgrammeCommand } from './manage-screening-programme.handler.js';

/** The programme a definition creates: the client's id or one derived from the commandId (the policy checks the same). */
const newProgrammeId = (input: Pick<DefineScreeningProgrammeInput, 'programmeId' | 'commandId'>): string =>
  input.programmeId ?? recordId(input.commandId, 'programme');

const inProgramme: AuthorizePolicy<{ input: { programmeId: string } }> = {
  roles: ['screening_manager'],
  scope: { programme: (args) => args.input.programmeId },
};

@Resolver()
export class ProgrammesMutationResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation('defineScreeningProgramme')
  @Authorize({ roles: ['screening_manager', 'admin'], scope: { programme: (args: { input: DefineScreeningProgrammeInput }) => newProgrammeId(args.input) } })
  defineScreeningProgramme(@Args('input') input: DefineScreeningProgrammeInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const kpiTargets = input.kpiTargets.map((t): KpiTarget => ({
      kpi: t.kpi.toLowerCase() as KpiTarget['kpi'],
      scope: t.scope.toLowerCase() as KpiTarget['scope'],
      direction: t.direction.toLowerCase() as KpiTarget['direction'],
      acceptable: t.acceptable,
      desirable: t.desirable,
    }));
    const command = {
      type: 'DefineScreeningProgramme' as const,
      programmeId: newProgrammeId(input),
      name: input.name,
      cancerType: input.cancerType.toLowerCase() as CancerType,
      targetPopulation: input.targetPopulation,
      ageRange: input.ageRange,
      intervalMonths: input.intervalMonths,
      kpiTargets,
    };
    return this.commands.execute(new ScreeningProgrammeCommand(command, commandOrigin(ctx, input), verifiedActor(ctx)));
  }

  @Mutation('openScreeningRound')
  @Authorize(inProgramme)
  openScreeningRound(@Args('input') input: OpenScreeningRoundInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const origin = commandOrigin(ctx, input);
    const command = {
      type: 'OpenScreeningRound' as const,
      programmeId: input.programmeId,
      roundId: input.roundId ?? recordId(origin.commandId, 'round'),
      name: input.name,
      opensOn: input.opensOn,
    };
    return this.commands.execute(new ScreeningProgrammeCommand(command, origin, verifiedActor(ctx)));
  }

  @Mutation('closeScreeningRound')
  @Authorize(inProgramme)
  closeScreeningRound(@Args('input') input: CloseScreeningRoundInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = { type: 'CloseScreeningRound' as const, programmeId: input.programmeId, roundId: input.roundId, closesOn: input.closesOn };
    return this.commands.execute(new ScreeningProgrammeCommand(command, commandOrigin(ctx, input), verifiedActor(ctx)));
  }
}
