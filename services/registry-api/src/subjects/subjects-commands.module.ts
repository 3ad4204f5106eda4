import { Module } from '@nestjs/common';
import { SubjectBatchHandler } from './subject-batch.handler.js';
import { SubjectCommandHandler } from './subject-command.handler.js';
import { SubjectsMutationResolver } from './subjects.mutation-resolver.js';

/** Write side of subjects: trial subjects, their measurements and outcomes; the handler of every subject command, single or batched. */
@Module({ providers: [SubjectsMutationResolver, SubjectCommandHandler, SubjectBatchHandler], exports: [SubjectCommandHandler] })
export class SubjectsCommandsModule {}
