import { Module } from '@nestjs/common';
import { EventTypeCountsProjection } from './projections/event-type-counts.projection.js';
import { PROJECTIONS, type Projection } from './projections/projection.js';
import { ProjectorService } from './projector.service.js';

/** Every projection the projector runs. */
export const projections = (): Projection[] => [new EventTypeCountsProjection()];

@Module({
  providers: [{ provide: PROJECTIONS, useFactory: projections }, ProjectorService],
})
export class ProjectorModule {}
