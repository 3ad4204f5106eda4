import { Module } from '@nestjs/common';
import { GetSubjectHandler, ListSubjectsHandler } from './subjects.queries.js';
import { SubjectsQueryResolver } from './subjects.query-resolver.js';

@Module({ providers: [SubjectsQueryResolver, GetSubjectHandler, ListSubjectsHandler] })
export class SubjectsQueriesModule {}
