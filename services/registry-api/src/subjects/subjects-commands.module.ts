import { Module } from '@nestjs/common';
import { ScreeningMutationResolver } from './screening.mutation-resolver.js';
import { SubjectBatchHandler } from './subject-batch.handler.js';
import { SubjectCommandHandler } from './subject-command.handler.js';
import { SubjectsMutationResolver } from './subjects.mutation-resolver.js';

/** Write side of subjects: trial subjects, screening participants, their measurements and outcomes. */
@Module({ providers: [SubjectsMutationResolver, ScreeningMutationResolver, SubjectCommandHandler, SubjectBatchHandler] })
export class SubjectsCommandsModule {}
