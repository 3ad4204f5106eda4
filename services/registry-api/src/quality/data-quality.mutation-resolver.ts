import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { DataQualityRuleInput, DataQualityRuleKind } from '#domain';
import type {
  AnswerDataQueryInput,
  ChangeDataQualityRuleInput,
  CloseDataQueryInput,
  DataQualityRuleKind as DataQualityRuleKindInput,
  DefineDataQualityRuleInput,
  ReopenDataQueryInput,
  RetireDataQualityRuleInput,
} from '../../../../graphql/generated/graphql.types.js';
import { Authorize } from '../auth/authorize.decorator.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { commandOrigin, verifiedActor } from '../commands/command-origin.js';
import { recordId } from '../commands/record-id.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { DataQualityRuleCommandMessage, DataQueryCommandMessage } from './data-quality.handlers.js';

// Scope is known from the command (a new rule) or from the record's creating event: the handlers check it.
const DATA_MANAGER = { roles: ['data_manager'], scope: { inHandler: true } } as const;
const SITE = { roles: ['coordinator', 'screening_manager'], scope: { inHandler: true } } as const;

const kindOf = (kind: DataQualityRuleKindInput): DataQualityRuleKind => kind.toLowerCase() as DataQualityRuleKind;

function ruleInput(input: DefineDataQualityRuleInput | ChangeDataQualityRuleInput): DataQualityRuleInput {
  return {
    kind: kindOf(input.kind),
    name: input.name,
    biomarkerId: input.biomarkerId ?? null,
    expression: input.expression ?? null,
    min: input.min ?? null,
    max: input.max ?? null,
    timePoints: input.timePoints ?? null,
    toleranceDays: input.toleranceDays ?? null,
    maxRelativeDifference: input.maxRelativeDifference ?? null,
    maxDaysWithoutFollowUp: input.maxDaysWithoutFollowUp ?? null,
  };
}

@Resolver()
export class DataQualityMutationResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation('defineDataQualityRule')
  @Authorize(DATA_MANAGER)
  defineDataQualityRule(@Args('input') input: DefineDataQualityRuleInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = {
      type: 'DefineDataQualityRule' as const,
      ruleId: input.ruleId ?? recordId(input.commandId, 'dqrule'),
      trialId: input.trialId ?? null,
      programmeId: input.programmeId ?? null,
      ...ruleInput(input),
    };
    return this.commands.execute(new DataQualityRuleCommandMessage(command, commandOrigin(ctx, input), verifiedActor(ctx)));
  }

  @Mutation('changeDataQualityRule')
  @Authorize(DATA_MANAGER)
  changeDataQualityRule(@Args('input') input: ChangeDataQualityRuleInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = { type: 'ChangeDataQualityRule' as const, ruleId: input.ruleId, reason: input.reason, ...ruleInput(input) };
    return this.commands.execute(new DataQualityRuleCommandMessage(command, commandOrigin(ctx, input, input.reason), verifiedActor(ctx)));
  }

  @Mutation('retireDataQualityRule')
  @Authorize(DATA_MANAGER)
  retireDataQualityRule(@Args('input') input: RetireDataQualityRuleInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = { type: 'RetireDataQualityRule' as const, ruleId: input.ruleId, reason: input.reason };
    return this.commands.execute(new DataQualityRuleCommandMessage(command, commandOrigin(ctx, input, input.reason), verifiedActor(ctx)));
  }

  @Mutation('answerDataQuery')
  @Authorize(SITE)
  answerDataQuery(@Args('input') input: AnswerDataQueryInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = { type: 'AnswerDataQuery' as const, queryId: input.queryId, reason: input.reason };
    return this.commands.execute(new DataQueryCommandMessage(command, commandOrigin(ctx, input, input.reason), verifiedActor(ctx)));
  }

  @Mutation('closeDataQuery')
  @Authorize(DATA_MANAGER)
  closeDataQuery(@Args('input') input: CloseDataQueryInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = { type: 'CloseDataQuery' as const, queryId: input.queryId, reason: input.reason ?? null };
    return this.commands.execute(new DataQueryCommandMessage(command, commandOrigin(ctx, input, input.reason), verifiedActor(ctx)));
  }

  @Mutation('reopenDataQuery')
  @Authorize(DATA_MANAGER)
  reopenDataQuery(@Args('input') input: ReopenDataQueryInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = { type: 'ReopenDataQuery' as const, queryId: input.queryId, reason: input.reason };
    return this.commands.execute(new DataQueryCommandMessage(command, commandOrigin(ctx, input, input.reason), verifiedActor(ctx)));
  }
}
