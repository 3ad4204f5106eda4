import { Module } from '@nestjs/common';
import { GetTrialHandler, ListTrialsHandler } from './trials.queries.js';
import { TrialsQueryResolver } from './trials.query-resolver.js';

@Module({ providers: [TrialsQueryResolver, ListTrialsHandler, GetTrialHandler] })
export class TrialsQueriesModule {}
