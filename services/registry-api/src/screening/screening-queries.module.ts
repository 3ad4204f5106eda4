import { Module } from '@nestjs/common';
import { ListIntervalCancersHandler, ListScreeningRecallsHandler } from './screening-lists.queries.js';
import { ScreeningListsQueryResolver } from './screening-lists.query-resolver.js';
import { GetScreeningProgrammeHandler, ListScreeningProgrammesHandler } from './screening.queries.js';
import { ScreeningQueryResolver } from './screening.query-resolver.js';

@Module({
  providers: [
    ScreeningQueryResolver,
    GetScreeningProgrammeHandler,
    ListScreeningProgrammesHandler,
    ScreeningListsQueryResolver,
    ListScreeningRecallsHandler,
    ListIntervalCancersHandler,
  ],
})
export class ScreeningQueriesModule {}
