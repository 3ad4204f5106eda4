import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { reject, type MeasurementValueInput as DomainValueInput, type SubjectCommand } from '#domain';
import type {
  AcceptMeasurementReadingInput,
  CorrectMeasurementInput,
  CorrectOutcomeInput,
  EnrolSubjectInput,
  MeasurementValueInput,
  RandomiseSubjectInput,
  RecordMeasurementInput,
  RecordMeasurementsInput,
  RecordOutcomeInput,
  RetractMeasurementInput,
  WithdrawSubjectInput,
  PersonalDataInput,
} from '../../../../graphql/generated/graphql.types.js';
import { Optional } from '@nestjs/common';
import type { VerifiedActor } from '../auth/actor.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { RequestRateLimiter } from '../hardening/rate-limit.middleware.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { commandOrigin, verifiedActor, type CommandInputBase } from '../commands/command-origin.js';
import { recordId } from '../commands/record-id.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { SubjectBatchCommand, requireBatchSize, type BatchInputItem } from './subject-batch.handler.js';
import { rolesFor, SubjectCommandMessage } from './subject-command.handler.js';

/** Optional GraphQL values arrive as null; the domain commands take undefined-or-value. */
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

/**
 * GraphQL enum value → the domain's lower-case vocabulary (MANUAL → manual, SEMI_AUTOMATIC → semi_automatic).
 * GraphQL has already refused values outside the enum; the decider checks again at run time.
 */
export const lower = <T extends string>(v: string): T => v.toLowerCase() as T;
export const optLower = <T extends string>(v: string | null | undefined): T | undefined => (v === null || v === undefined ? undefined : lower<T>(v));

/** Only the keys the client sent, so the decider can tell a quantity from a category. */
export function measurementValue(v: MeasurementValueInput): DomainValueInput {
  const out: Record<string, unknown> = {};
  if (v.value !== null && v.value !== undefined) out['value'] = v.value;
  if (v.unit !== null && v.unit !== undefined) out['unit'] = v.unit;
  if (v.category !== null && v.category !== undefined) out['category'] = v.category;
  return out as unknown as DomainValueInput;
}

type MeasurementFields = Omit<RecordMeasurementInput, 'commandId' | 'expectedVersion'>;

/** A reader records its own readings: the reader id is the caller, never someone else (AI results name none). */
function measurementReaderId(input: MeasurementFields, actor: VerifiedActor): string | undefined {
  const readerId = opt(input.readerId);
  if (actor.role !== 'reader') return readerId;
  if (readerId !== undefined && readerId !== actor.id) reject('READER_NOT_CALLER', 'readerId', 'A reader records measurements under its own id');
  return input.method !== 'AI' ? actor.id : readerId;
}

function recordMeasurementCommand(input: MeasurementFields, readerId: string | undefined, measurementId: string): SubjectCommand {
  return {
    type: 'RecordMeasurement',
    subjectId: input.subjectId,
    measurementId,
    biomarkerId: input.biomarkerId,
    biomarkerVersion: input.biomarkerVersion,
    value: measurementValue(input.value),
    studyInstanceUid: input.studyInstanceUid,
    seriesInstanceUid: opt(input.seriesInstanceUid),
    timePoint: input.timePoint,
    lesion: input.lesion
      ? { trackingUid: input.lesion.trackingUid, label: input.lesion.label, findingSite: opt(input.lesion.findingSite), role: lower(input.lesion.role) }
      : undefined,
    method: lower(input.method),
    algorithmVersionId: opt(input.algorithmVersionId),
    readerId,
    plausibilityOverrideReason: opt(input.plausibilityOverrideReason),
    extraction: input.extraction
      ? {
          software: input.extraction.software,
          ibsiCompliant: input.extraction.ibsiCompliant,
          segmentation: input.extraction.segmentation && { ...input.extraction.segmentation, method: lower(input.extraction.segmentation.method) },
          harmonisation: input.extraction.harmonisation && { ...input.extraction.harmonisation, method: lower(input.extraction.harmonisation.method) },
        }
      : undefined,
  };
}

/** Thin: GraphQL input → domain command + origin (actor from the verified token) → CommandBus. */
@Resolver()
export class SubjectsMutationResolver {
  constructor(
    private readonly commands: CommandBus,
    @Optional() private readonly rateLimit?: RequestRateLimiter,
  ) {}

  private send(
    ctx: GraphqlContext,
    input: CommandInputBase & { personal?: PersonalDataInput | null },
    build: (commandId: string) => SubjectCommand,
    reason?: string | null,
  ): Promise<MutationReceipt> {
    const origin = commandOrigin(ctx, input, reason);
    return this.commands.execute(new SubjectCommandMessage(build(origin.commandId), origin, verifiedActor(ctx), input.personal));
  }

  @Mutation('enrolSubject')
  @Authorize({ roles: rolesFor('EnrolSubject'), scope: { trial: (a) => a.input.trialId, site: (a) => a.input.siteId } })
  enrolSubject(@Args('input') input: EnrolSubjectInput, @Context() ctx: GraphqlContext) {
    return this.send(ctx, input, (commandId) => ({
      type: 'EnrolSubject',
      subjectId: input.subjectId ?? recordId(commandId, 'subject'),
      trialId: input.trialId,
      siteId: input.siteId,
      pseudonym: input.pseudonym,
      consentVersion: input.consentVersion,
      consentDate: input.consentDate,
    }));
  }

  @Mutation('randomiseSubject')
  @Authorize({ roles: rolesFor('RandomiseSubject'), scope: { inHandler: true } })
  randomiseSubject(@Args('input') input: RandomiseSubjectInput, @Context() ctx: GraphqlContext) {
    return this.send(ctx, input, () => ({
      type: 'RandomiseSubject',
      subjectId: input.subjectId,
      armCode: input.armCode,
      stratum: input.stratum,
      randomisedAt: opt(input.randomisedAt),
    }));
  }

  @Mutation('withdrawSubject')
  @Authorize({ roles: rolesFor('WithdrawSubject'), scope: { inHandler: true } })
  withdrawSubject(@Args('input') input: WithdrawSubjectInput, @Context() ctx: GraphqlContext) {
    return this.send(
      ctx,
      input,
      () => ({ type: 'WithdrawSubject', subjectId: input.subjectId, withdrawalDate: input.withdrawalDate, reason: input.reason }),
      input.reason,
    );
  }

  @Mutation('recordMeasurement')
  @Authorize({ roles: rolesFor('RecordMeasurement'), scope: { inHandler: true } })
  recordMeasurement(@Args('input') input: RecordMeasurementInput, @Context() ctx: GraphqlContext) {
    const readerId = measurementReaderId(input, verifiedActor(ctx));
    return this.send(ctx, input, (commandId) => recordMeasurementCommand(input, readerId, input.measurementId ?? recordId(commandId, 'measurement')));
  }

  /**
   * Up to MAX_BATCH_ITEMS measurements in one request (graphql/subjects.mutations.graphql): each item becomes the
   * same RecordMeasurement command as `recordMeasurement`; an item whose own input is refused here (a reader naming
   * someone else) is reported with the other items' outcomes. Role and scope are checked per item in the handler.
   */
  @Mutation('recordMeasurements')
  @Authorize({ roles: rolesFor('RecordMeasurement'), scope: { inHandler: true } })
  async recordMeasurements(@Args('input') input: RecordMeasurementsInput, @Context() ctx: GraphqlContext) {
    const actor = verifiedActor(ctx);
    const origin = commandOrigin(ctx, input);
    requireBatchSize(input.items.length);
    await this.rateLimit?.chargeBatch(actor, input.items.length);
    const items = input.items.map((item, index): BatchInputItem => {
      try {
        const command = recordMeasurementCommand(
          item,
          measurementReaderId(item, actor),
          item.measurementId ?? recordId(`${origin.commandId}:${index}`, 'measurement'),
        );
        return { index, command, fingerprint: item };
      } catch (err) {
        return { index, error: err, fingerprint: item };
      }
    });
    return this.commands.execute(new SubjectBatchCommand(items, origin, actor));
  }

  @Mutation('correctMeasurement')
  @Authorize({ roles: rolesFor('CorrectMeasurement'), scope: { inHandler: true } })
  correctMeasurement(@Args('input') input: CorrectMeasurementInput, @Context() ctx: GraphqlContext) {
    return this.send(
      ctx,
      input,
      () => ({
        type: 'CorrectMeasurement',
        subjectId: input.subjectId,
        measurementId: input.measurementId,
        value: measurementValue(input.value),
        reason: input.reason,
        plausibilityOverrideReason: opt(input.plausibilityOverrideReason),
      }),
      input.reason,
    );
  }

  @Mutation('retractMeasurement')
  @Authorize({ roles: rolesFor('RetractMeasurement'), scope: { inHandler: true } })
  retractMeasurement(@Args('input') input: RetractMeasurementInput, @Context() ctx: GraphqlContext) {
    return this.send(
      ctx,
      input,
      () => ({ type: 'RetractMeasurement', subjectId: input.subjectId, measurementId: input.measurementId, reason: input.reason }),
      input.reason,
    );
  }

  @Mutation('acceptMeasurementReading')
  @Authorize({ roles: rolesFor('AcceptMeasurementReading'), scope: { inHandler: true } })
  acceptMeasurementReading(@Args('input') input: AcceptMeasurementReadingInput, @Context() ctx: GraphqlContext) {
    return this.send(
      ctx,
      input,
      () => ({
        type: 'AcceptMeasurementReading',
        subjectId: input.subjectId,
        measurementId: input.measurementId,
        alternativeMeasurementIds: input.alternativeMeasurementIds,
        adjudicatorId: input.adjudicatorId ?? verifiedActor(ctx).id,
        rationale: opt(input.rationale),
      }),
      input.rationale,
    );
  }

  @Mutation('recordOutcome')
  @Authorize({ roles: rolesFor('RecordOutcome'), scope: { inHandler: true } })
  recordOutcome(@Args('input') input: RecordOutcomeInput, @Context() ctx: GraphqlContext) {
    return this.send(ctx, input, (commandId) => ({
      type: 'RecordOutcome',
      subjectId: input.subjectId,
      outcomeId: input.outcomeId ?? recordId(commandId, 'outcome'),
      outcomeType: lower(input.outcomeType),
      occurredAt: input.occurredAt,
      source: lower(input.source),
      recistResponse: opt(input.recistResponse),
      stage: opt(input.stage),
      timePoint: opt(input.timePoint),
      notes: opt(input.notes),
    }));
  }

  @Mutation('correctOutcome')
  @Authorize({ roles: rolesFor('CorrectOutcome'), scope: { inHandler: true } })
  correctOutcome(@Args('input') input: CorrectOutcomeInput, @Context() ctx: GraphqlContext) {
    return this.send(
      ctx,
      input,
      () => ({
        type: 'CorrectOutcome',
        subjectId: input.subjectId,
        outcomeId: input.outcomeId,
        occurredAt: opt(input.occurredAt),
        source: optLower(input.source),
        recistResponse: opt(input.recistResponse),
        stage: opt(input.stage),
        reason: input.reason,
      }),
      input.reason,
    );
  }
}
