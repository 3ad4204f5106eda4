import { Module } from '@nestjs/common';
import { SnapshotExportController } from './snapshot-export.controller.js';
import { FreezeAnalysisSnapshotHandler } from './freeze-analysis-snapshot.handler.js';
import { SnapshotsMutationResolver } from './snapshots.mutation-resolver.js';
import { SnapshotQueries } from './snapshots.queries.js';
import { SnapshotsQueryResolver } from './snapshots.query-resolver.js';

/** Frozen analysis snapshots (issue 17): freezing, reading, verifying. */
@Module({
  controllers: [SnapshotExportController],
  providers: [SnapshotsMutationResolver, FreezeAnalysisSnapshotHandler, SnapshotsQueryResolver, SnapshotQueries],
  exports: [SnapshotQueries],
})
export class SnapshotsModule {}
