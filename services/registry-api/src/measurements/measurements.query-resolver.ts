import { Args, Context, Info, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { fieldsOfResolvedField, selectedFields, type SelectedField } from '../graphql/selection.util.js';
import { QueryBus } from '@nestjs/cqrs';
import { Authorize } from '../auth/authorize.decorator.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { verifiedActor } from '../read-side/request.loaders.js';
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
    return this.queries.execute(
      new ListMeasurementsQuery(
        verifiedActor(ctx),
        filter ?? {},
        first,
        after ?? null,
        includeRetracted ?? false,
        consistentWith ?? null,
        asOf ?? null,
        columns,
      ),
    );
  }
}

/** Names of the Measurement fields selected under `nodes` and `edges { node }`. */
function measurementFieldsSelected(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const add = (f: SelectedField): void => void selectedFields(info, f.selectionSet).forEach((g) => names.add(g.name));
  for (const f of fieldsOfResolvedField(info)) {
    if (f.name === 'nodes') add(f);
    else if (f.name === 'edges')
      selectedFields(info, f.selectionSet)
        .filter((e) => e.name === 'node')
        .forEach(add);
  }
  return names;
}
