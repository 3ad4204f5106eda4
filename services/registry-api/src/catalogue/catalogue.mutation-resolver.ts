import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { BiomarkerSpecInput, BiomarkerValueType } from '#domain';
import type { BiomarkerValueTypeInput, DefineBiomarkerInput, RetireBiomarkerInput, ReviseBiomarkerInput } from '../../../../graphql/generated/graphql.types.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { commandOrigin, verifiedActor } from '../commands/command-origin.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { recordId } from '../commands/record-id.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { ChangeBiomarkerCommand } from './change-biomarker.handler.js';
import { DefineBiomarkerCommand } from './define-biomarker.handler.js';

/** GraphQL's flat value-type input → the decider's tagged union; the decider validates what is (not) there. */
function valueType(input: BiomarkerValueTypeInput): BiomarkerValueType {
  if (input.kind === 'CATEGORICAL') return { kind: 'categorical', categories: input.categories as string[] };
  return { kind: 'quantitative', unit: input.unit as string, plausibleRange: input.plausibleRange as { min: number; max: number } };
}

function spec(input: DefineBiomarkerInput | ReviseBiomarkerInput): BiomarkerSpecInput {
  return {
    name: input.name,
    description: input.description,
    modality: input.modality,
    bodySite: input.bodySite,
    valueType: valueType(input.valueType),
    repeatabilityWcv: input.repeatabilityWcv,
    codedConcepts: input.codedConcepts,
  };
}

/** The catalogue is reference data for every trial and programme: only admins change it. */
@Resolver()
export class CatalogueMutationResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation('defineBiomarker')
  @Authorize({ roles: ['admin'], scope: 'global' })
  defineBiomarker(@Args('input') input: DefineBiomarkerInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const origin = commandOrigin(ctx, input);
    const biomarkerId = input.biomarkerId ?? recordId(origin.commandId, 'biomarker');
    return this.commands.execute(
      new DefineBiomarkerCommand({ type: 'DefineBiomarker', biomarkerId, code: input.code, ...spec(input) }, origin, verifiedActor(ctx)),
    );
  }

  @Mutation('reviseBiomarker')
  @Authorize({ roles: ['admin'], scope: 'global' })
  reviseBiomarker(@Args('input') input: ReviseBiomarkerInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = { type: 'ReviseBiomarker' as const, biomarkerId: input.biomarkerId, version: input.version, reason: input.reason, ...spec(input) };
    return this.commands.execute(new ChangeBiomarkerCommand(command, commandOrigin(ctx, input, input.reason), verifiedActor(ctx)));
  }

  @Mutation('retireBiomarker')
  @Authorize({ roles: ['admin'], scope: 'global' })
  retireBiomarker(@Args('input') input: RetireBiomarkerInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = { type: 'RetireBiomarker' as const, biomarkerId: input.biomarkerId, reason: input.reason };
    return this.commands.execute(new ChangeBiomarkerCommand(command, commandOrigin(ctx, input, input.reason), verifiedActor(ctx)));
  }
}
