import { Module } from '@nestjs/common';
import { RecordMeasurementsHandler } from './record-measurements.handler.js';
import { ScreeningMutationResolver } from './screening.mutation-resolver.js';
import { SubjectCommandHandler } from './subject-command.handler.js';
import { SubjectsMutationResolver } from './subjects.mutation-resolver.js';

/** Write side of subjects: trial subjects, screening participants, their measurements and outcomes. */
@Module({ providers: [SubjectsMutationResolver, ScreeningMutationResolver, SubjectCommandHandler, RecordMeasurementsHandler] })
export class SubjectsCommandsModule {}
