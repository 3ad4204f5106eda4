import { Module } from '@nestjs/common';
import {
  DataQualityReportHandler,
  DataQueryCountsHandler,
  ListDataQualityRulesHandler,
  ListDataQueriesHandler,
  OpenDataQueryCountHandler,
} from './data-quality.queries.js';
import { DataQualityQueryResolver } from './data-quality.query-resolver.js';

@Module({
  providers: [
    DataQualityQueryResolver,
    ListDataQualityRulesHandler,
    ListDataQueriesHandler,
    DataQueryCountsHandler,
    OpenDataQueryCountHandler,
    DataQualityReportHandler,
  ],
})
export class DataQualityQueriesModule {}
