import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Authorize } from '../auth/authorize.decorator.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { requestScoped } from '../read-side/request.loaders.js';
import { CatalogueLoaders } from './catalogue.loaders.js';
import { ListAlgorithmVersionsQuery, ListBiomarkersQuery, type AlgorithmView, type BiomarkerView } from './catalogue.queries.js';

/** The catalogue and the algorithm registry tie to no trial, programme or site: every role reads them. */
const EVERYONE = ['coordinator', 'reader', 'screening_manager', 'biostatistician', 'regulator', 'admin', 'data_manager'] as const;

@Resolver('Biomarker')
export class BiomarkersQueryResolver {
  constructor(
    private readonly queries: QueryBus,
    private readonly dataSource: DataSource,
  ) {}

  @Query('biomarkers')
  @Authorize({ roles: EVERYONE, scope: 'global' })
  biomarkers(
    @Args('first') first: number | null,
    @Args('after') after: string | null,
    @Args('includeRetired') includeRetired: boolean | null,
    @Args('consistentWith') consistentWith: bigint | null,
  ) {
    return this.queries.execute(new ListBiomarkersQuery(first, after ?? null, includeRetired ?? true, consistentWith ?? null));
  }

  @ResolveField('versions')
  versions(@Parent() biomarker: BiomarkerView, @Context() ctx: GraphqlContext) {
    return requestScoped(ctx, 'catalogue', () => new CatalogueLoaders(this.dataSource)).biomarkerVersions.load(biomarker.id);
  }
}

@Resolver('AlgorithmVersion')
export class AlgorithmVersionsQueryResolver {
  constructor(
    private readonly queries: QueryBus,
    private readonly dataSource: DataSource,
  ) {}

  @Query('algorithmVersions')
  @Authorize({ roles: EVERYONE, scope: 'global' })
  algorithmVersions(
    @Args('filter') filter: Record<string, string | null> | null,
    @Args('first') first: number | null,
    @Args('after') after: string | null,
    @Args('consistentWith') consistentWith: bigint | null,
  ) {
    return this.queries.execute(new ListAlgorithmVersionsQuery(filter ?? {}, first, after ?? null, consistentWith ?? null));
  }

  @ResolveField('lineage')
  async lineage(@Parent() algorithm: AlgorithmView, @Context() ctx: GraphqlContext) {
    const loaded = await requestScoped(ctx, 'catalogue', () => new CatalogueLoaders(this.dataSource)).algorithms.loadMany(algorithm.lineageIds);
    return loaded.filter((a): a is AlgorithmView => a !== null && !(a instanceof Error));
  }
}
