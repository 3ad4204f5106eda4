import { Module } from '@nestjs/common';
import { FreezeAnalysisSnapshotHandler } from './freeze-analysis-snapshot.handler.js';
import { SnapshotsMutationResolver } from './snapshots.mutation-resolver.js';
import { SnapshotQueries } from './snapshots.queries.js';
import { SnapshotsQueryResolver } from './snapshots.query-resolver.js';

/** Frozen analysis snapshots (issue 17): freezing, reading, verifying. */
@Module({ providers: [SnapshotsMutationResolver, FreezeAnalysisSnapshotHandler, SnapshotsQueryResolver, SnapshotQueries], exports: [SnapshotQueries] })
export class SnapshotsModule {}
