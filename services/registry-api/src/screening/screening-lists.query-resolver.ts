import { Args, Query, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { Authorize } from '../auth/authorize.decorator.js';
import { ListIntervalCancersQuery, ListScreeningRecallsQuery } from './screening-lists.queries.js';

/** Participant-level lists of a round: the roles that read the programme's KPIs, confined to their programmes. */
const LIST_READERS = ['biostatistician', 'screening_manager', 'regulator'] as const;

type RoundArgs = { programmeId: string; roundId: string; first: number | null; after: string | null; consistentWith: bigint | null };
const page = (a: RoundArgs) => ({
  programmeId: a.programmeId,
  roundId: a.roundId,
  first: a.first,
  after: a.after ?? null,
  consistentWith: a.consistentWith ?? null,
});

@Resolver()
export class ScreeningListsQueryResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query('screeningRecalls')
  @Authorize({ roles: LIST_READERS, scope: { programme: (args: RoundArgs) => args.programmeId } })
  screeningRecalls(@Args() args: RoundArgs) {
    return this.queries.execute(new ListScreeningRecallsQuery(page(args)));
  }

  @Query('intervalCancers')
  @Authorize({ roles: LIST_READERS, scope: { programme: (args: RoundArgs) => args.programmeId } })
  intervalCancers(@Args() args: RoundArgs) {
    return this.queries.execute(new ListIntervalCancersQuery(page(args)));
  }
}
