import { Module } from '@nestjs/common';
import { SnapshotsModule } from '../snapshots/snapshots.module.js';
import { ExportJobFileController } from './export-job-file.controller.js';
import { ExportJobsResolver } from './export-jobs.resolver.js';
import { ExportJobs } from './export-jobs.service.js';

/** Exports of analysis snapshots as long jobs (issue 17): start, progress, download. */
@Module({
  imports: [SnapshotsModule],
  controllers: [ExportJobFileController],
  providers: [ExportJobsResolver, ExportJobs],
})
export class ExportJobsModule {}
