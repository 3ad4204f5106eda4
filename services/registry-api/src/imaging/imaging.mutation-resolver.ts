import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { Contrast } from '#domain';
import type { RegisterImagingStudyInput } from '../../../../graphql/generated/graphql.types.js';
import { Authorize } from '../auth/authorize.decorator.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { commandOrigin, verifiedActor } from '../commands/command-origin.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { RegisterImagingStudyCommand } from './register-imaging-study.handler.js';

@Resolver()
export class ImagingMutationResolver {
  constructor(private readonly commands: CommandBus) {}

  /** The site is checked here; the subject's trial or programme in the handler (assertMayRegisterStudy). */
  @Mutation('registerImagingStudy')
  @Authorize({
    roles: ['coordinator', 'reader', 'screening_manager'],
    scope: { site: (args: { input: RegisterImagingStudyInput }) => args.input.siteId, inHandler: true },
  })
  registerImagingStudy(@Args('input') input: RegisterImagingStudyInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = {
      type: 'RegisterImagingStudy' as const,
      studyInstanceUid: input.studyInstanceUid,
      subjectId: input.subjectId,
      modality: input.modality,
      acquisitionDateTime: input.acquisitionDateTime,
      siteId: input.siteId,
      scanner: input.scanner,
      sliceThicknessMm: input.sliceThicknessMm,
      kvp: input.kvp,
      contrast: input.contrast ? (input.contrast.toLowerCase() as Contrast) : null,
    };
    return this.commands.execute(new RegisterImagingStudyCommand(command, commandOrigin(ctx, input), verifiedActor(ctx)));
  }
}
