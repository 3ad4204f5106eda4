import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { decodeCursor, iso, pageSize, toConnection, Where, type Connection } from '../read-side/connection.queries.js';
import { READS, ReadYourWrites } from '../read-your-writes/read-your-writes.queries.js';

// A round's recall list and interval-cancer list: thin, paged reads of rows the subjects projection keeps already
// (screenings, interval-cancer milestones), each a range read of a partial index of migration 1765710000000. Scope is
// the programme, checked by @Authorize on the resolver: the round must be of that programme (else the page is empty).

interface RecallRecord {
  screening_id: string;
  subject_id: string;
  pseudonym: string;
  site_id: string;
  occurred_at: Date;
  human_result: string;
  ai_positive: boolean | null;
  recalled_at: Date;
  recall_reason: string | null;
  assessment_outcome: string | null;
  stage: string | null;
  position: string;
}

interface IntervalCancerRecord {
  subject_id: string;
  pseudonym: string;
  occurred_at: Date;
  recorded_at: Date;
  details: { reportId: string; source: string; stage: string | null };
  position: string;
}

const toRecallView = (r: RecallRecord) => ({
  screeningId: r.screening_id,
  subjectId: r.subject_id,
  pseudonym: r.pseudonym,
  siteId: r.site_id,
  screenedAt: iso(r.occurred_at)!,
  humanResult: r.human_result,
  aiPositive: r.ai_positive,
  recalledAt: iso(r.recalled_at)!,
  recallReason: r.recall_reason,
  assessmentOutcome: r.assessment_outcome,
  stage: r.stage,
});
export type RecallView = ReturnType<typeof toRecallView>;

const toIntervalCancerView = (r: IntervalCancerRecord) => ({
  reportId: r.details.reportId,
  subjectId: r.subject_id,
  pseudonym: r.pseudonym,
  diagnosedAt: iso(r.occurred_at)!,
  source: r.details.source,
  stage: r.details.stage ?? null,
  recordedAt: iso(r.recorded_at)!,
});
export type IntervalCancerView = ReturnType<typeof toIntervalCancerView>;

/** Which round's list, and which page of it. */
interface RoundPage {
  readonly programmeId: string;
  readonly roundId: string;
  readonly first: number | null;
  readonly after: string | null;
  readonly consistentWith: bigint | null;
}

export class ListScreeningRecallsQuery extends Query<Connection<RecallView>> {
  constructor(readonly page: RoundPage) {
    super();
  }
}

export class ListIntervalCancersQuery extends Query<Connection<IntervalCancerView>> {
  constructor(readonly page: RoundPage) {
    super();
  }
}

/** One page of `table` rows of a round in position order, joined with the subject's pseudonym, and its count. */
async function roundPage<R extends { position: string }, T>(
  ryw: ReadYourWrites,
  page: RoundPage,
  from: string,
  condition: string,
  map: (r: R) => T,
): Promise<Connection<T>> {
  const db = await ryw.waitFor(page.consistentWith, READS.subjects);
  const first = pageSize(page.first, 50);
  const w = new Where().add('x.programme_id = $?', page.programmeId).add('x.round_id = $?', page.roundId).raw(condition);
  const countSql = `SELECT count(*)::int AS n FROM ${from} x ${w.sql}`;
  const countParams = [...w.params];
  w.add('x.position > $?::bigint', decodeCursor(page.after));
  const rows = (await db.query(
    `SELECT x.*, s.pseudonym FROM ${from} x JOIN read_model.subjects s ON s.subject_id = x.subject_id ${w.sql} ORDER BY x.position LIMIT ${first + 1}`,
    w.params,
  )) as R[];
  return toConnection(rows, first, map, async () => ((await db.query(countSql, countParams)) as { n: number }[])[0]!.n);
}

@QueryHandler(ListScreeningRecallsQuery)
export class ListScreeningRecallsHandler implements IQueryHandler<ListScreeningRecallsQuery, Connection<RecallView>> {
  constructor(private readonly ryw: ReadYourWrites) {}

  execute({ page }: ListScreeningRecallsQuery): Promise<Connection<RecallView>> {
    return roundPage<RecallRecord, RecallView>(this.ryw, page, 'read_model.screenings', 'x.recalled_at IS NOT NULL', toRecallView);
  }
}

@QueryHandler(ListIntervalCancersQuery)
export class ListIntervalCancersHandler implements IQueryHandler<ListIntervalCancersQuery, Connection<IntervalCancerView>> {
  constructor(private readonly ryw: ReadYourWrites) {}

  execute({ page }: ListIntervalCancersQuery): Promise<Connection<IntervalCancerView>> {
    return roundPage<IntervalCancerRecord, IntervalCancerView>(
      this.ryw,
      page,
      'read_model.subject_milestones',
      `x.kind = 'interval_cancer'`,
      toIntervalCancerView,
    );
  }
}
