import { Module } from '@nestjs/common';
import { SubjectCommandHandler } from './subject-command.handler.js';
import { SubjectsMutationResolver } from './subjects.mutation-resolver.js';

/** Write side of subjects: trial subjects, their measurements and outcomes; the handler of every subject command. */
@Module({ providers: [SubjectsMutationResolver, SubjectCommandHandler] })
export class SubjectsCommandsModule {}
