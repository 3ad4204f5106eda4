import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authorize } from '../auth/authorize.decorator.js';
import { commandOrigin, verifiedActor, type CommandInputBase } from '../commands/command-origin.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import type { PersonalDataInput } from './personal-data.js';
import { PrivacyService, type LinkedPseudonymInput, type PersonalDataView, type StudyRef } from './privacy.service.js';

interface DerivePseudonymInput extends StudyRef {
  readonly localIdentifier: string;
}
interface RecordPseudonymLinkageInput extends CommandInputBase {
  readonly linkageId?: string | null;
  readonly members: readonly LinkedPseudonymInput[];
  readonly localIdentifier?: string | null;
  readonly reason: string;
}
interface RecordPersonalDataInput extends CommandInputBase {
  readonly subjectId: string;
  readonly personal: PersonalDataInput;
}
interface EraseSubjectInput extends CommandInputBase {
  readonly subjectId: string;
  readonly reason: string;
}

const personalView = (v: PersonalDataView) => ({
  subjectId: v.subjectId,
  erased: v.erased,
  yearOfBirth: v.yearOfBirth ?? null,
  sex: v.sex ? v.sex.toUpperCase() : null,
  comment: v.comment ?? null,
  recordedAt: v.recordedAt,
});

/** graphql/privacy.graphql: thin — build the origin, call PrivacyService, map the result. */
@Resolver()
export class PrivacyResolver {
  constructor(private readonly privacy: PrivacyService) {}

  @Mutation('derivePseudonym')
  @Authorize({ roles: ['coordinator', 'screening_manager'], scope: { trial: (a) => a.input.trialId, programme: (a) => a.input.programmeId } })
  derivePseudonym(@Args('input') input: DerivePseudonymInput) {
    return this.privacy.derivePseudonym(input, input.localIdentifier);
  }

  @Mutation('recordPseudonymLinkage')
  @Authorize({ roles: ['admin'] })
  recordPseudonymLinkage(@Args('input') input: RecordPseudonymLinkageInput, @Context() ctx: GraphqlContext) {
    return this.privacy.recordPseudonymLinkage(commandOrigin(ctx, input, input.reason), input);
  }

  @Mutation('recordPersonalData')
  @Authorize({ roles: ['coordinator', 'screening_manager'], scope: { inHandler: true } })
  recordPersonalData(@Args('input') input: RecordPersonalDataInput, @Context() ctx: GraphqlContext) {
    return this.privacy.recordPersonalData(verifiedActor(ctx), commandOrigin(ctx, input), input.subjectId, input.personal);
  }

  @Mutation('eraseSubject')
  @Authorize({ roles: ['admin'] })
  eraseSubject(@Args('input') input: EraseSubjectInput, @Context() ctx: GraphqlContext) {
    return this.privacy.eraseSubject(commandOrigin(ctx, input, input.reason), input.subjectId, input.reason);
  }

  @Query('subjectPersonalData')
  @Authorize({ roles: ['coordinator', 'screening_manager', 'regulator', 'admin'], scope: { inHandler: true } })
  async subjectPersonalData(@Args('subjectId') subjectId: string, @Context() ctx: GraphqlContext) {
    return personalView(await this.privacy.personalData(verifiedActor(ctx), subjectId));
  }

  @Query('pseudonymLinkages')
  @Authorize({ roles: ['admin', 'regulator'] })
  pseudonymLinkages(@Args('pseudonym') pseudonym: string) {
    return this.privacy.pseudonymLinkages(pseudonym);
  }
}
