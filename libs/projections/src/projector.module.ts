import { Module } from '@nestjs/common';
import { AuditMembershipProjection } from './projections/audit-membership.projection.js';
import { DataQualityProjection } from './projections/data-quality.projection.js';
import { CatalogueProjection } from './projections/catalogue.projection.js';
import { EventTypeCountsProjection } from './projections/event-type-counts.projection.js';
import { PROJECTIONS, type Projection } from './projections/projection.js';
import { ScreeningProjection } from './projections/screening.projection.js';
import { SubjectsProjection } from './projections/subjects.projection.js';
import { TrialsProjection } from './projections/trials.projection.js';
import { ProjectorService } from './projector.service.js';
import { DataQualityMonitorService } from './quality/data-quality-monitor.service.js';

/** Every projection the projector runs. */
export const projections = (): Projection[] => [
  new EventTypeCountsProjection(),
  new CatalogueProjection(),
  new TrialsProjection(),
  new SubjectsProjection(),
  new ScreeningProjection(),
  new AuditMembershipProjection(),
  new DataQualityProjection(),
];

@Module({
  providers: [{ provide: PROJECTIONS, useFactory: projections }, ProjectorService, DataQualityMonitorService],
  exports: [DataQualityMonitorService],
})
export class ProjectorModule {}
