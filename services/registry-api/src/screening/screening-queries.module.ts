import { Module } from '@nestjs/common';
import { GetScreeningProgrammeHandler, ListScreeningProgrammesHandler } from './screening.queries.js';
import { ScreeningQueryResolver } from './screening.query-resolver.js';

@Module({ providers: [ScreeningQueryResolver, GetScreeningProgrammeHandler, ListScreeningProgrammesHandler] })
export class ScreeningQueriesModule {}
