import { Module } from '@nestjs/common';
import { ListMeasurementsHandler } from './measurements.queries.js';
import { MeasurementsQueryResolver } from './measurements.query-resolver.js';

@Module({ providers: [MeasurementsQueryResolver, ListMeasurementsHandler] })
export class MeasurementsQueriesModule {}
