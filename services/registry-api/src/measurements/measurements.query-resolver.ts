import { Args, Context, Info, Query, Resolver } from '@nestjs/graphql';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { QueryBus } from '@nestjs/cqrs';
import { Authorize } from '../auth/authorize.decorator.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { verifiedActor } from '../read-your-writes/request.loaders.js';
import { columnsForSelection, ListMeasurementsQuery, type MeasurementFilter } from './measurements.queries.js';

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
    @Info() info: GraphQLResolveInfo,
  ) {
    const columns = columnsForSelection(measurementFieldsSelected(info));
    return this.queries.execute(new ListMeasurementsQuery(verifiedActor(ctx), filter ?? {}, first, after ?? null, includeRetracted ?? false, consistentWith ?? null, asOf ?? null, columns));
  }
}

/** Names of the Measurement fields selected under `nodes` and `edges { node }`, through fragments. */
function measurementFieldsSelected(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const fieldsOf = (set: SelectionSetNode | undefined, visit: (name: string, sub: SelectionSetNode | undefined) => void): void => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) visit(s.name.value, s.selectionSet);
      else if (s.kind === Kind.INLINE_FRAGMENT) fieldsOf(s.selectionSet, visit);
      else fieldsOf(info.fragments[s.name.value]?.selectionSet, visit);
    }
  };
  const collect = (set: SelectionSetNode | undefined): void => fieldsOf(set, (name) => names.add(name));
  for (const node of info.fieldNodes) {
    fieldsOf(node.selectionSet, (name, sub) => {
      if (name === 'nodes') collect(sub);
      else if (name === 'edges') fieldsOf(sub, (inner, nodeSet) => inner === 'node' && collect(nodeSet));
    });
  }
  return names;
}
