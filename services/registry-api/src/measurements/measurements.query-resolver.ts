import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { Authorize } from '../auth/authorize.decorator.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { verifiedActor } from '../read-your-writes/request.loaders.js';
import { ListMeasurementsQuery, type MeasurementFilter } from './measurements.queries.js';

const MEASUREMENT_READERS = ['coordinator', 'reader', 'screening_manager', 'biostatistician', 'regulator', 'admin'] as const;

@Resolver()
export class MeasurementsQueryResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query('measurements')
  @Authorize({ roles: MEASUREMENT_READERS, scope: { inHandler: true } })
  measurements(
    @Args('filter') filter: MeasurementFilter | null,
    @Args('first') first: number | null,
    @Args('after') after: string | null,
    @Args('includeRetracted') includeRetracted: boolean | null,
    @Args('consistentWith') consistentWith: bigint | null,
    @Args('asOf') asOf: Date | null,
    @Context() ctx: GraphqlContext,
  ) {
    return this.queries.execute(new ListMeasurementsQuery(verifiedActor(ctx), filter ?? {}, first, after ?? null, includeRetracted ?? false, consistentWith ?? null, asOf ?? null));
  }
}
