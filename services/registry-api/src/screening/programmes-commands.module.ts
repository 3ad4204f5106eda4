import { Module } from '@nestjs/common';
import { ManageScreeningProgrammeHandler } from './manage-screening-programme.handler.js';
import { ProgrammesMutationResolver } from './programmes.mutation-resolver.js';

@Module({ providers: [ProgrammesMutationResolver, ManageScreeningProgrammeHandler] })
export class ProgrammesCommandsModule {}
