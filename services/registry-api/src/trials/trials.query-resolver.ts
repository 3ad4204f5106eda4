import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Authorize } from '../auth/authorize.decorator.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { requestScoped, verifiedActor } from '../read-side/request.loaders.js';
import { TrialLoaders, type ArmSiteCount } from './trials.loaders.js';
import { GetTrialQuery, ListTrialsQuery, type TrialFilter, type TrialView } from './trials.queries.js';

const TRIAL_READERS = ['coordinator', 'biostatistician', 'regulator', 'admin'] as const;

@Resolver('Trial')
export class TrialsQueryResolver {
  constructor(
    private readonly queries: QueryBus,
    private readonly dataSource: DataSource,
  ) {}

  private loaders(ctx: GraphqlContext): TrialLoaders {
    return requestScoped(ctx, 'trials', () => new TrialLoaders(this.dataSource));
  }

  @Query('trials')
  @Authorize({ roles: TRIAL_READERS, scope: { inHandler: true } })
  trials(
    @Args('filter') filter: TrialFilter | null,
    @Args('first') first: number | null,
    @Args('after') after: string | null,
    @Args('consistentWith') consistentWith: bigint | null,
    @Context() ctx: GraphqlContext,
  ) {
    return this.queries.execute(new ListTrialsQuery(verifiedActor(ctx), filter ?? {}, first, after ?? null, consistentWith ?? null));
  }

  @Query('trial')
  @Authorize({ roles: TRIAL_READERS, scope: { trial: (args: { id: string }) => args.id, inHandler: true } })
  trial(@Args('id') id: string, @Args('consistentWith') consistentWith: bigint | null, @Args('asOf') asOf: Date | null, @Context() ctx: GraphqlContext) {
    return this.queries.execute(new GetTrialQuery(verifiedActor(ctx), id, consistentWith ?? null, asOf ?? null));
  }

  @ResolveField('arms')
  async arms(@Parent() trial: TrialView, @Context() ctx: GraphqlContext) {
    const [arms, counts] = await Promise.all([trial.foldedArms ?? this.loaders(ctx).arms.load(trial.id), this.counts(trial, ctx)]);
    return arms.map((a) => {
      const mine = counts.filter((c) => c.armCode === a.code);
      return { ...a, type: a.type.toUpperCase(), actualSize: sum(mine, 'subjects'), withdrawn: sum(mine, 'withdrawn') };
    });
  }

  @ResolveField('sites')
  async sites(@Parent() trial: TrialView, @Context() ctx: GraphqlContext) {
    const [sites, counts] = await Promise.all([trial.foldedSites ?? this.loaders(ctx).sites.load(trial.id), this.counts(trial, ctx)]);
    return sites
      .filter((s) => trial.siteScope === 'all' || trial.siteScope.includes(s.id))
      .map((s) => {
        const mine = counts.filter((c) => c.siteId === s.id);
        return { ...s, status: s.status.toUpperCase(), enrolled: sum(mine, 'subjects'), withdrawn: sum(mine, 'withdrawn') };
      });
  }

  @ResolveField('enrolment')
  async enrolment(@Parent() trial: TrialView, @Context() ctx: GraphqlContext) {
    const counts = await this.counts(trial, ctx);
    return {
      enrolled: sum(counts, 'subjects'),
      randomised: sum(
        counts.filter((c) => c.armCode !== null),
        'subjects',
      ),
      withdrawn: sum(counts, 'withdrawn'),
      byArmAndSite: counts,
    };
  }

  @ResolveField('identifiers')
  identifiers(@Parent() trial: TrialView) {
    return trial.identifiers;
  }

  /** A site-confined actor counts only its sites' subjects. */
  private async counts(trial: TrialView, ctx: GraphqlContext): Promise<ArmSiteCount[]> {
    const all = await this.loaders(ctx).enrolment(trial.asOf).load(trial.id);
    return trial.siteScope === 'all' ? all : all.filter((c) => trial.siteScope.includes(c.siteId));
  }
}

function sum(rows: readonly ArmSiteCount[], key: 'subjects' | 'withdrawn'): number {
  return rows.reduce((n, r) => n + r[key], 0);
}
