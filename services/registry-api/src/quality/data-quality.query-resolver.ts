import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { Authorize } from '../auth/authorize.decorator.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { verifiedActor } from '../read-side/request.loaders.js';
import {
  DataQualityReportQuery,
  DataQueryCountsQuery,
  ListDataQualityRulesQuery,
  ListDataQueriesQuery,
  OpenDataQueryCountQuery,
  type DataQueryFilter,
} from './data-quality.queries.js';

// The dataset (trial or programme) is an argument; the handlers check it and the site-bound roles' sites.
const QUALITY_READERS = {
  roles: ['data_manager', 'coordinator', 'screening_manager', 'biostatistician', 'regulator', 'admin'],
  scope: { inHandler: true },
} as const;

@Resolver()
export class DataQualityQueryResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query('dataQualityRules')
  @Authorize(QUALITY_READERS)
  dataQualityRules(
    @Args('trialId') trialId: string | null,
    @Args('programmeId') programmeId: string | null,
    @Args('includeRetired') includeRetired: boolean | null,
    @Args('consistentWith') consistentWith: bigint | null,
    @Context() ctx: GraphqlContext,
  ) {
    return this.queries.execute(new ListDataQualityRulesQuery(verifiedActor(ctx), { trialId, programmeId }, includeRetired ?? false, consistentWith ?? null));
  }

  @Query('dataQueries')
  @Authorize(QUALITY_READERS)
  dataQueries(
    @Args('filter') filter: DataQueryFilter,
    @Args('first') first: number | null,
    @Args('after') after: string | null,
    @Args('consistentWith') consistentWith: bigint | null,
    @Context() ctx: GraphqlContext,
  ) {
    return this.queries.execute(new ListDataQueriesQuery(verifiedActor(ctx), filter, first, after ?? null, consistentWith ?? null));
  }

  @Query('dataQueryCounts')
  @Authorize(QUALITY_READERS)
  dataQueryCounts(
    @Args('trialId') trialId: string | null,
    @Args('programmeId') programmeId: string | null,
    @Args('consistentWith') consistentWith: bigint | null,
    @Context() ctx: GraphqlContext,
  ) {
    return this.queries.execute(new DataQueryCountsQuery(verifiedActor(ctx), { trialId, programmeId }, consistentWith ?? null));
  }

  @Query('dataQualityReport')
  @Authorize({ roles: ['data_manager', 'biostatistician', 'regulator', 'admin'], scope: { inHandler: true } })
  dataQualityReport(
    @Args('trialId') trialId: string | null,
    @Args('programmeId') programmeId: string | null,
    @Args('consistentWith') consistentWith: bigint | null,
    @Context() ctx: GraphqlContext,
  ) {
    return this.queries.execute(new DataQualityReportQuery(verifiedActor(ctx), { trialId, programmeId }, consistentWith ?? null));
  }

  @Query('openDataQueryCount')
  @Authorize({ roles: ['data_manager', 'coordinator', 'regulator', 'admin'], scope: { trial: (args: { trialId: string }) => args.trialId } })
  async openDataQueryCount(@Args('trialId') trialId: string, @Args('consistentWith') consistentWith: bigint | null, @Context() ctx: GraphqlContext) {
    const count = await this.queries.execute(new OpenDataQueryCountQuery(verifiedActor(ctx), trialId, consistentWith ?? null));
    return { trialId, count };
  }
}
