import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { SnapshotExportFormat } from '../../../../graphql/generated/graphql.types.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { verifiedActor } from '../commands/command-origin.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { EXPORT_FORMATS, exportPath } from './snapshot-export.formats.js';
import { snapshotScopeOf } from './snapshots.mutation-resolver.js';
import { SnapshotQueries, type FrozenSnapshot } from './snapshots.queries.js';
import { SNAPSHOT_READERS } from './snapshots.scope.js';

const view = (s: FrozenSnapshot) => ({
  id: s.id,
  trialId: s.scope.kind === 'trial' ? s.scope.trialId : null,
  programmeId: s.scope.kind === 'programme' ? s.scope.programmeId : null,
  position: s.manifest.position,
  asOf: s.asOf,
  purpose: s.purpose,
  reason: s.reason,
  frozenAt: s.frozenAt,
  frozenBy: s.frozenBy,
  contentHash: s.manifest.contentHash,
  hashAlgorithm: s.manifest.hashAlgorithm,
  readModels: s.manifest.readModels,
  tables: s.manifest.rowCounts,
  snapshot: s,
});
type SnapshotView = ReturnType<typeof view>;

// Scope is checked against the loaded snapshot (its trial or programme is known only from its event).
const READ = { roles: SNAPSHOT_READERS, scope: { inHandler: true } } as const;

@Resolver('AnalysisSnapshot')
export class SnapshotsQueryResolver {
  constructor(private readonly snapshots: SnapshotQueries) {}

  @Query('analysisSnapshot')
  @Authorize(READ)
  async analysisSnapshot(@Args('id') id: string, @Context() ctx: GraphqlContext) {
    return view(await this.snapshots.get(verifiedActor(ctx), id));
  }

  @Query('analysisSnapshots')
  @Authorize(READ)
  async analysisSnapshots(@Args('trialId') trialId: string | null, @Args('programmeId') programmeId: string | null, @Context() ctx: GraphqlContext) {
    return (await this.snapshots.list(verifiedActor(ctx), snapshotScopeOf({ trialId, programmeId }))).map(view);
  }

  @Query('verifyAnalysisSnapshot')
  @Authorize(READ)
  async verifyAnalysisSnapshot(@Args('id') id: string, @Context() ctx: GraphqlContext) {
    return this.snapshots.verify(await this.snapshots.get(verifiedActor(ctx), id));
  }

  @ResolveField('rows')
  rows(@Parent() parent: SnapshotView, @Args('table') table: string, @Args('first') first: number | null, @Args('after') after: string | null) {
    return this.snapshots.rows(parent.snapshot, table, first, after);
  }

  @ResolveField('erasuresSince')
  erasuresSince(@Parent() parent: SnapshotView) {
    return this.snapshots.erasuresSince(parent.snapshot);
  }

  @ResolveField('exports')
  exports(@Parent() parent: SnapshotView) {
    return (Object.keys(EXPORT_FORMATS) as SnapshotExportFormat[])
      .filter((f) => parent.snapshot.scope.kind === 'trial' || EXPORT_FORMATS[f].programmes)
      .map((format) => ({ format, url: exportPath(parent.snapshot, format), mediaType: EXPORT_FORMATS[format].mediaType }));
  }
}
