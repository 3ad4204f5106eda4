import { Module } from '@nestjs/common';
import { ManageScreeningProgrammeHandler } from './manage-screening-programme.handler.js';
import { ProgrammesMutationResolver } from './programmes.mutation-resolver.js';
import { ScreeningMutationResolver } from './screening.mutation-resolver.js';

/**
 * Write side of screening: programmes and rounds, and the participant mutations (their events go to subject
 * streams, so SubjectCommandHandler in subjects/ handles them).
 */
@Module({ providers: [ProgrammesMutationResolver, ScreeningMutationResolver, ManageScreeningProgrammeHandler] })
export class ScreeningCommandsModule {}
