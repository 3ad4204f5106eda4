import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { StartExportInput } from '../../../../graphql/generated/graphql.types.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { verifiedActor } from '../commands/command-origin.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { snapshotScopeOf } from '../snapshots/snapshots.mutation-resolver.js';
import { ExportJobs } from './export-jobs.service.js';
import { EXPORT_ROLES } from './export-jobs.scope.js';

// Scope is checked in the service against the one trial or programme given (or the job's own, when reading one).
const POLICY = { roles: EXPORT_ROLES, scope: { inHandler: true } } as const;

@Resolver()
export class ExportJobsResolver {
  constructor(private readonly jobs: ExportJobs) {}

  @Mutation('startExport')
  @Authorize(POLICY)
  startExport(@Args('input') input: StartExportInput, @Context() ctx: GraphqlContext) {
    const actor = verifiedActor(ctx);
    return this.jobs.start(
      actor,
      { commandId: input.commandId, snapshotId: input.snapshotId ?? null, scope: snapshotScopeOf(input), format: input.format },
      ctx.correlationId,
    );
  }

  @Query('exportJob')
  @Authorize(POLICY)
  exportJob(@Args('id') id: string, @Context() ctx: GraphqlContext) {
    return this.jobs.get(verifiedActor(ctx), id);
  }
}
