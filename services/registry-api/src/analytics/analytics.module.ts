import { Module } from '@nestjs/common';
import { AgreementService } from './agreement.service.js';
import {
  AgreementResolver,
  MultivariableValidationResolver,
  RecistResolver,
  ScreeningKpiResolver,
  SurveillanceResolver,
  ValidationStudyResolver,
  DriftStratumResolver,
  DriftSurveillanceResolver,
} from './analytics.resolver.js';
import { RecistService } from './recist.service.js';
import { ScreeningKpiService } from './screening-kpis.service.js';
import { SurveillanceReportService } from './surveillance-report.service.js';
import { SurveillanceScheduleService } from './surveillance-schedule.service.js';
import { SurveillanceService } from './surveillance.service.js';
import { ValidationStudyCovariates } from './validation-study.covariates.js';
import { ValidationStudyService } from './validation-study.service.js';
import { SnapshotsModule } from '../snapshots/snapshots.module.js';

const SERVICES = [ValidationStudyService, AgreementService, SurveillanceService, SurveillanceReportService, ScreeningKpiService, RecistService];

/** Statistics served over GraphQL (graphql/analytics.graphql); the services are shared with the plot endpoint. */
@Module({
  imports: [SnapshotsModule],
  providers: [
    ...SERVICES,
    ValidationStudyCovariates,
    SurveillanceScheduleService,
    ValidationStudyResolver,
    MultivariableValidationResolver,
    AgreementResolver,
    SurveillanceResolver,
    DriftStratumResolver,
    DriftSurveillanceResolver,
    ScreeningKpiResolver,
    RecistResolver,
  ],
  // The covariates too: the forest plot fits the same multivariable model as the query.
  exports: [...SERVICES, ValidationStudyCovariates],
})
export class AnalyticsModule {}
