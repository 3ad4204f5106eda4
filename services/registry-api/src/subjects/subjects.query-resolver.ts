import { Args, Context, Info, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { fieldsOfResolvedField, selectedFields } from '../graphql/selection.util.js';
import { timelineMeasurementColumns } from './subjects.loaders.js';
import { QueryBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Authorize } from '../auth/authorize.decorator.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { requestScoped, verifiedActor } from '../read-side/request.loaders.js';
import { TimelineLoaders } from './subjects.loaders.js';
import { GetSubjectQuery, ListSubjectsQuery, type SubjectView } from './subjects.queries.js';

/** Who reads subjects: everyone who works with subject data; scope is checked against the subject loaded. */
const SUBJECT_READERS = ['coordinator', 'reader', 'screening_manager', 'biostatistician', 'regulator', 'admin'] as const;

@Resolver('Subject')
export class SubjectsQueryResolver {
  constructor(
    private readonly queries: QueryBus,
    private readonly dataSource: DataSource,
  ) {}

  @Query('subject')
  @Authorize({ roles: SUBJECT_READERS, scope: { inHandler: true } })
  subject(
    @Args('id') id: string,
    @Args('consistentWith') consistentWith: bigint | null,
    @Args('asOf') asOf: Date | null,
    @Context() ctx: GraphqlContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const timelines = fieldsOfResolvedField(info).filter((f) => f.name === 'timeline');
    // The measurement fields the timelines select: their rows are read with those columns only.
    const measurementFields = timelines
      .flatMap((t) => selectedFields(info, t.selectionSet).filter((e) => e.name === 'measurement'))
      .flatMap((m) => selectedFields(info, m.selectionSet).map((f) => f.name));
    return this.queries.execute(
      new GetSubjectQuery(verifiedActor(ctx), id, consistentWith ?? null, asOf ?? null, timelines.length > 0, timelineMeasurementColumns(measurementFields)),
    );
  }

  @Query('subjects')
  @Authorize({ roles: SUBJECT_READERS, scope: { inHandler: true } })
  subjects(
    @Args('filter') filter: Record<string, string | null> | null,
    @Args('first') first: number | null,
    @Args('after') after: string | null,
    @Args('consistentWith') consistentWith: bigint | null,
    @Context() ctx: GraphqlContext,
  ) {
    return this.queries.execute(new ListSubjectsQuery(verifiedActor(ctx), filter ?? {}, first, after ?? null, consistentWith ?? null));
  }

  @ResolveField('timeline')
  timeline(@Parent() subject: SubjectView, @Context() ctx: GraphqlContext) {
    if (subject.timeline) return subject.timeline;
    return requestScoped(ctx, 'timeline', () => new TimelineLoaders(this.dataSource))
      .for(subject.asOf)
      .load(subject.id);
  }
}
