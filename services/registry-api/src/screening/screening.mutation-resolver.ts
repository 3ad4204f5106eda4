import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { SubjectCommand } from '#domain';
import type {
  InviteParticipantInput,
  RecordAssessmentOutcomeInput,
  RecordOptOutInput,
  RecordRecallInput,
  RecordScreeningInput,
  RecordScreeningsInput,
  ReportIntervalCancerInput,
  PersonalDataInput,
} from '../../../../graphql/generated/graphql.types.js';
import { Optional } from '@nestjs/common';
import { Authorize } from '../auth/authorize.decorator.js';
import { RequestRateLimiter } from '../hardening/rate-limit.middleware.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { commandOrigin, verifiedActor, type CommandInputBase } from '../commands/command-origin.js';
import { recordId } from '../commands/record-id.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { requireBatchSize, SubjectBatchCommand, type BatchInputItem } from '../subjects/subject-batch.handler.js';
import { rolesFor, SubjectCommandMessage } from '../subjects/subject-command.handler.js';
import { lower } from '../subjects/subjects.mutation-resolver.js';

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function recordScreeningCommand(input: Omit<RecordScreeningInput, 'commandId' | 'expectedVersion'>, screeningId: string): SubjectCommand {
  return {
    type: 'RecordScreening',
    subjectId: input.subjectId,
    screeningId,
    roundId: input.roundId,
    screenedOn: input.screenedOn,
    siteId: input.siteId,
    modality: input.modality,
    humanReading: { result: lower(input.humanReading.result), readerIds: opt(input.humanReading.readerIds) },
    aiReading: input.aiReading ? { ...input.aiReading } : undefined,
  };
}

/** Screening participants (subject streams bound to a programme): thin mapping to the subject commands. */
@Resolver()
export class ScreeningMutationResolver {
  constructor(
    private readonly commands: CommandBus,
    @Optional() private readonly rateLimit?: RequestRateLimiter,
  ) {}

  private send(
    ctx: GraphqlContext,
    input: CommandInputBase & { personal?: PersonalDataInput | null },
    build: (commandId: string) => SubjectCommand,
  ): Promise<MutationReceipt> {
    const origin = commandOrigin(ctx, input);
    return this.commands.execute(new SubjectCommandMessage(build(origin.commandId), origin, verifiedActor(ctx), input.personal));
  }

  @Mutation('inviteParticipant')
  @Authorize({ roles: rolesFor('InviteParticipant'), scope: { programme: (a) => a.input.programmeId } })
  inviteParticipant(@Args('input') input: InviteParticipantInput, @Context() ctx: GraphqlContext) {
    return this.send(ctx, input, (commandId) => ({
      type: 'InviteParticipant',
      subjectId: input.subjectId ?? recordId(commandId, 'subject'),
      programmeId: input.programmeId,
      roundId: input.roundId,
      pseudonym: input.pseudonym,
      invitedOn: input.invitedOn,
    }));
  }

  @Mutation('recordScreening')
  @Authorize({ roles: rolesFor('RecordScreening'), scope: { inHandler: true } })
  recordScreening(@Args('input') input: RecordScreeningInput, @Context() ctx: GraphqlContext) {
    return this.send(ctx, input, (commandId) => recordScreeningCommand(input, input.screeningId ?? recordId(commandId, 'screening')));
  }

  /** Up to MAX_BATCH_ITEMS screenings (graphql/screening.mutations.graphql): each item the command `recordScreening` sends. */
  @Mutation('recordScreenings')
  @Authorize({ roles: rolesFor('RecordScreening'), scope: { inHandler: true } })
  async recordScreenings(@Args('input') input: RecordScreeningsInput, @Context() ctx: GraphqlContext) {
    const actor = verifiedActor(ctx);
    const origin = commandOrigin(ctx, input);
    requireBatchSize(input.items.length);
    await this.rateLimit?.chargeBatch(actor, input.items.length);
    const items = input.items.map((item, index): BatchInputItem => ({
      index,
      command: recordScreeningCommand(item, item.screeningId ?? recordId(`${origin.commandId}:${index}`, 'screening')),
      fingerprint: item,
    }));
    return this.commands.execute(new SubjectBatchCommand(items, origin, actor));
  }

  @Mutation('recordRecall')
  @Authorize({ roles: rolesFor('RecordRecall'), scope: { inHandler: true } })
  recordRecall(@Args('input') input: RecordRecallInput, @Context() ctx: GraphqlContext) {
    return this.send(ctx, input, () => ({
      type: 'RecordRecall',
      subjectId: input.subjectId,
      screeningId: input.screeningId,
      recalledOn: input.recalledOn,
      reason: opt(input.reason),
    }));
  }

  @Mutation('recordAssessmentOutcome')
  @Authorize({ roles: rolesFor('RecordAssessmentOutcome'), scope: { inHandler: true } })
  recordAssessmentOutcome(@Args('input') input: RecordAssessmentOutcomeInput, @Context() ctx: GraphqlContext) {
    return this.send(ctx, input, () => ({
      type: 'RecordAssessmentOutcome',
      subjectId: input.subjectId,
      screeningId: input.screeningId,
      outcome: lower(input.outcome),
      assessedOn: input.assessedOn,
      diagnosisDate: opt(input.diagnosisDate),
      stage: opt(input.stage),
    }));
  }

  @Mutation('reportIntervalCancer')
  @Authorize({ roles: rolesFor('ReportIntervalCancer'), scope: { inHandler: true } })
  reportIntervalCancer(@Args('input') input: ReportIntervalCancerInput, @Context() ctx: GraphqlContext) {
    return this.send(ctx, input, (commandId) => ({
      type: 'ReportIntervalCancer',
      subjectId: input.subjectId,
      reportId: input.reportId ?? recordId(commandId, 'interval-cancer'),
      diagnosisDate: input.diagnosisDate,
      source: lower(input.source),
      stage: opt(input.stage),
    }));
  }

  @Mutation('recordOptOut')
  @Authorize({ roles: rolesFor('RecordOptOut'), scope: { inHandler: true } })
  recordOptOut(@Args('input') input: RecordOptOutInput, @Context() ctx: GraphqlContext) {
    return this.send(ctx, input, () => ({ type: 'RecordOptOut', subjectId: input.subjectId, optedOutOn: input.optedOutOn, reason: opt(input.reason) }));
  }
}
