import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Authorize } from '../auth/authorize.decorator.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { requestScoped, verifiedActor } from '../read-side/request.loaders.js';
import { roundsLoader } from './screening.loaders.js';
import { GetScreeningProgrammeQuery, ListScreeningProgrammesQuery, type ProgrammeView } from './screening.queries.js';

const PROGRAMME_READERS = ['screening_manager', 'biostatistician', 'regulator', 'admin'] as const;

@Resolver('ScreeningProgramme')
export class ScreeningQueryResolver {
  constructor(
    private readonly queries: QueryBus,
    private readonly dataSource: DataSource,
  ) {}

  @Query('screeningProgramme')
  @Authorize({ roles: PROGRAMME_READERS, scope: { programme: (args: { id: string }) => args.id } })
  screeningProgramme(@Args('id') id: string, @Args('consistentWith') consistentWith: bigint | null) {
    return this.queries.execute(new GetScreeningProgrammeQuery(id, consistentWith ?? null));
  }

  @Query('screeningProgrammes')
  @Authorize({ roles: PROGRAMME_READERS, scope: { inHandler: true } })
  screeningProgrammes(
    @Args('first') first: number | null,
    @Args('after') after: string | null,
    @Args('consistentWith') consistentWith: bigint | null,
    @Context() ctx: GraphqlContext,
  ) {
    return this.queries.execute(new ListScreeningProgrammesQuery(verifiedActor(ctx), first, after ?? null, consistentWith ?? null));
  }

  @ResolveField('rounds')
  rounds(@Parent() programme: ProgrammeView, @Context() ctx: GraphqlContext) {
    return requestScoped(ctx, 'rounds', () => roundsLoader(this.dataSource)).load(programme.id);
  }
}
