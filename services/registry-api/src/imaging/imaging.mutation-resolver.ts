import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { AcquisitionInput, Contrast, ContrastPhase, ImagingModality } from '#domain';
import type {
  CorrectAcquisitionParametersInput,
  DeclareAcquisitionProtocolInput,
  RegisterImagingStudyInput,
} from '../../../../graphql/generated/graphql.types.js';
import { Authorize } from '../auth/authorize.decorator.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { commandOrigin, verifiedActor } from '../commands/command-origin.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { CorrectAcquisitionParametersCommand } from './correct-acquisition-parameters.handler.js';
import { DeclareAcquisitionProtocolCommand } from './declare-acquisition-protocol.handler.js';
import { RegisterImagingStudyCommand } from './register-imaging-study.handler.js';

/** GraphQL enum → the domain's lower-case code (PORTAL_VENOUS → portal_venous); the decider checks it again. */
const code = <T extends string>(v: string | null | undefined): T | null => (v ? (v.toLowerCase() as T) : null);

/** The acquisition fields shared by registration and correction, as the decider reads them. */
function acquisitionInput(input: RegisterImagingStudyInput | CorrectAcquisitionParametersInput): AcquisitionInput {
  return {
    scanner: input.scanner,
    sliceThicknessMm: input.sliceThicknessMm,
    kvp: input.kvp,
    contrast: code<Contrast>(input.contrast),
    tubeCurrentMa: input.tubeCurrentMa,
    reconstructionKernel: input.reconstructionKernel,
    contrastPhase: code<ContrastPhase>(input.contrastPhase),
    pixelSpacingMm: input.pixelSpacingMm,
    fieldStrengthT: input.fieldStrengthT,
    protocolName: input.protocolName,
    series: input.series?.map((s) => ({ ...s, contrastPhase: code<ContrastPhase>(s.contrastPhase) })),
  };
}

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
      ...acquisitionInput(input),
    };
    return this.commands.execute(new RegisterImagingStudyCommand(command, commandOrigin(ctx, input), verifiedActor(ctx)));
  }

  /** Site and subject are those of the study as registered: checked in the handler. */
  @Mutation('correctAcquisitionParameters')
  @Authorize({ roles: ['coordinator', 'reader', 'screening_manager'], scope: { inHandler: true } })
  correctAcquisitionParameters(@Args('input') input: CorrectAcquisitionParametersInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = {
      type: 'CorrectAcquisitionParameters' as const,
      studyInstanceUid: input.studyInstanceUid,
      reason: input.reason,
      ...acquisitionInput(input),
    };
    return this.commands.execute(new CorrectAcquisitionParametersCommand(command, commandOrigin(ctx, input), verifiedActor(ctx)));
  }

  @Mutation('declareAcquisitionProtocol')
  @Authorize({ roles: ['coordinator', 'screening_manager', 'data_manager'], scope: { inHandler: true } })
  declareAcquisitionProtocol(@Args('input') input: DeclareAcquisitionProtocolInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command = {
      type: 'DeclareAcquisitionProtocol' as const,
      trialId: input.trialId ?? null,
      programmeId: input.programmeId ?? null,
      name: input.name,
      reason: input.reason,
      rules: input.rules.map((r) => ({
        ...r,
        modality: r.modality as ImagingModality,
        contrastPhases: r.contrastPhases?.map((p) => code<ContrastPhase>(p)!),
      })),
    };
    return this.commands.execute(new DeclareAcquisitionProtocolCommand(command, commandOrigin(ctx, input), verifiedActor(ctx)));
  }
}
