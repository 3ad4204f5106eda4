import { DataQualityErrors, reject } from '#domain';
import type { DataQualityRuleRow, DataQueryRow, RowOf } from '#read-model';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { scopeFilter, type VerifiedActor } from '../auth/actor.js';
import { forbidden } from '../auth/auth.errors.js';
import { assertInScope } from '../auth/scope.js';
import { decodeCursor, iso, pageSize, toConnection, Where, type Connection } from '../read-side/connection.queries.js';
import { READS, ReadYourWrites } from '../read-your-writes/read-your-writes.queries.js';
import { dataQualityReport, type DataQualityReportView } from './data-quality.report.js';

type RuleRecord = RowOf<DataQualityRuleRow>;
type QueryRecord = RowOf<DataQueryRow>;

/** Exactly one of a trial and a programme: every data-quality read is about one dataset. */
export interface DataQualityTarget {
  readonly trialId?: string | null;
  readonly programmeId?: string | null;
}

export interface DataQueryFilter extends DataQualityTarget {
  readonly status?: readonly string[] | null;
  readonly siteId?: string | null;
  readonly subjectId?: string | null;
  readonly ruleId?: string | null;
}

/**
 * Checks the actor may read the dataset and adds its conditions: the trial or programme, and the actor's sites when
 * its role is site-bound. A coordinator reads trial queries only, a screening manager programme queries only.
 */
function scoped(actor: VerifiedActor, target: DataQualityTarget, w: Where, alias: string, sites: boolean): void {
  const trialId = target.trialId ?? null;
  const programmeId = target.programmeId ?? null;
  if ((trialId === null) === (programmeId === null))
    reject(DataQualityErrors.DATA_QUALITY_SCOPE_REQUIRED, 'trialId', 'Name exactly one of trialId and programmeId');
  if ((actor.role === 'coordinator' && trialId === null) || (actor.role === 'screening_manager' && programmeId === null)) throw forbidden();
  assertInScope(actor, { trial: trialId ?? undefined, programme: programmeId ?? undefined });
  w.add(`${alias}.trial_id = $?`, trialId).add(`${alias}.programme_id = $?`, programmeId);
  if (sites) {
    const granted = scopeFilter(actor, 'site');
    if (granted !== 'all') w.add(`${alias}.site_id = ANY ($?::text[])`, [...granted]);
  }
}

export interface DataQualityRuleView {
  id: string;
  trialId: string | null;
  programmeId: string | null;
  name: string;
  kind: string;
  params: string;
  version: number;
  retired: boolean;
  definedAt: string;
  updatedAt: string;
}

export interface DataQueryView {
  id: string;
  trialId: string | null;
  programmeId: string | null;
  ruleId: string;
  ruleVersion: number;
  ruleKind: string;
  subjectId: string;
  siteId: string | null;
  measurementId: string | null;
  field: string;
  message: string;
  status: string;
  answer: string | null;
  lastReason: string | null;
  openedAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface DataQuerySiteCountView {
  siteId: string | null;
  open: number;
  answered: number;
  resolved: number;
  closed: number;
}

const ruleView = (r: RuleRecord): DataQualityRuleView => ({
  id: r.rule_id,
  trialId: r.trial_id,
  programmeId: r.programme_id,
  name: r.name,
  kind: r.kind.toUpperCase(),
  params: JSON.stringify(r.params),
  version: r.rule_version,
  retired: r.status === 'retired',
  definedAt: iso(r.defined_at)!,
  updatedAt: iso(r.updated_at)!,
});

const queryView = (r: QueryRecord): DataQueryView => ({
  id: r.query_id,
  trialId: r.trial_id,
  programmeId: r.programme_id,
  ruleId: r.rule_id,
  ruleVersion: r.rule_version,
  ruleKind: r.rule_kind.toUpperCase(),
  subjectId: r.subject_id,
  siteId: r.site_id,
  measurementId: r.measurement_id,
  field: r.field,
  message: r.message,
  status: r.status.toUpperCase(),
  answer: r.answer,
  lastReason: r.last_reason,
  openedAt: iso(r.opened_at)!,
  updatedAt: iso(r.updated_at)!,
  closedAt: iso(r.closed_at),
});

/**
 * Open and answered data queries of a trial: what a hard lock must wait for (issue 19 → the lock workflow of the
 * Part 11 issue calls this; an answered query still needs the data manager's close).
 */
export async function countOpenDataQueries(ds: DataSource, trialId: string): Promise<number> {
  const [row] = (await ds.query(`SELECT count(*)::int AS n FROM read_model.data_queries WHERE trial_id = $1 AND status IN ('open', 'answered')`, [
    trialId,
  ])) as {
    n: number;
  }[];
  return row!.n;
}

/**
 * Open or answered data queries of a trial, or of some of its sites or subjects: what a hard lock of that scope must
 * wait for (a query still being worked on would be frozen unanswered). Read from the monitor's read model, so a query
 * the monitor has not opened yet does not count.
 */
export async function countOpenDataQueriesIn(ds: DataSource, trialId: string, scope: 'trial' | 'site' | 'subject', ids: readonly string[]): Promise<number> {
  const column = scope === 'site' ? 'site_id' : scope === 'subject' ? 'subject_id' : null;
  const [row] = (await ds.query(
    `SELECT count(*)::int AS n FROM read_model.data_queries
      WHERE trial_id = $1 AND status IN ('open', 'answered')${column ? ` AND ${column} = ANY($2::text[])` : ''}`,
    column ? [trialId, ids] : [trialId],
  )) as { n: number }[];
  return row!.n;
}

export class ListDataQualityRulesQuery extends Query<DataQualityRuleView[]> {
  constructor(
    readonly actor: VerifiedActor,
    readonly target: DataQualityTarget,
    readonly includeRetired: boolean,
    readonly consistentWith: bigint | null,
  ) {
    super();
  }
}

export class ListDataQueriesQuery extends Query<Connection<DataQueryView>> {
  constructor(
    readonly actor: VerifiedActor,
    readonly filter: DataQueryFilter,
    readonly first: number | null,
    readonly after: string | null,
    readonly consistentWith: bigint | null,
  ) {
    super();
  }
}

export class DataQueryCountsQuery extends Query<DataQuerySiteCountView[]> {
  constructor(
    readonly actor: VerifiedActor,
    readonly target: DataQualityTarget,
    readonly consistentWith: bigint | null,
  ) {
    super();
  }
}

export class OpenDataQueryCountQuery extends Query<number> {
  constructor(
    readonly actor: VerifiedActor,
    readonly trialId: string,
    readonly consistentWith: bigint | null,
  ) {
    super();
  }
}

@QueryHandler(ListDataQualityRulesQuery)
export class ListDataQualityRulesHandler implements IQueryHandler<ListDataQualityRulesQuery, DataQualityRuleView[]> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ryw: ReadYourWrites,
  ) {}

  async execute(q: ListDataQualityRulesQuery): Promise<DataQualityRuleView[]> {
    const w = new Where();
    scoped(q.actor, q.target, w, 'r', false);
    await this.ryw.waitFor(q.consistentWith, READS.quality);
    if (!q.includeRetired) w.raw(`r.status = 'active'`);
    const rows = (await this.dataSource.query(`SELECT * FROM read_model.dq_rules r ${w.sql} ORDER BY r.position`, w.params)) as RuleRecord[];
    return rows.map(ruleView);
  }
}

@QueryHandler(ListDataQueriesQuery)
export class ListDataQueriesHandler implements IQueryHandler<ListDataQueriesQuery, Connection<DataQueryView>> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ryw: ReadYourWrites,
  ) {}

  async execute(q: ListDataQueriesQuery): Promise<Connection<DataQueryView>> {
    const first = pageSize(q.first, 100);
    const f = q.filter;
    const w = new Where();
    scoped(q.actor, f, w, 'd', true);
    await this.ryw.waitFor(q.consistentWith, READS.quality);
    w.add('d.status = ANY ($?::text[])', f.status && f.status.length > 0 ? f.status.map((s) => s.toLowerCase()) : null)
      .add('d.site_id = $?', f.siteId)
      .add('d.subject_id = $?', f.subjectId)
      .add('d.rule_id = $?', f.ruleId);
    const countSql = `SELECT count(*)::int AS n FROM read_model.data_queries d ${w.sql}`;
    const countParams = [...w.params];
    w.add('d.position > $?::bigint', decodeCursor(q.after));
    const rows = (await this.dataSource.query(
      `SELECT * FROM read_model.data_queries d ${w.sql} ORDER BY d.position LIMIT ${first + 1}`,
      w.params,
    )) as QueryRecord[];
    return toConnection(rows, first, queryView, async () => ((await this.dataSource.query(countSql, countParams)) as { n: number }[])[0]!.n);
  }
}

@QueryHandler(DataQueryCountsQuery)
export class DataQueryCountsHandler implements IQueryHandler<DataQueryCountsQuery, DataQuerySiteCountView[]> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ryw: ReadYourWrites,
  ) {}

  async execute(q: DataQueryCountsQuery): Promise<DataQuerySiteCountView[]> {
    const w = new Where();
    scoped(q.actor, q.target, w, 'd', true);
    await this.ryw.waitFor(q.consistentWith, READS.quality);
    return (await this.dataSource.query(
      `SELECT d.site_id AS "siteId",
              count(*) FILTER (WHERE d.status = 'open')::int AS open,
              count(*) FILTER (WHERE d.status = 'answered')::int AS answered,
              count(*) FILTER (WHERE d.status = 'resolved')::int AS resolved,
              count(*) FILTER (WHERE d.status = 'closed')::int AS closed
         FROM read_model.data_queries d ${w.sql}
        GROUP BY d.site_id ORDER BY d.site_id NULLS LAST`,
      w.params,
    )) as DataQuerySiteCountView[];
  }
}

@QueryHandler(OpenDataQueryCountQuery)
export class OpenDataQueryCountHandler implements IQueryHandler<OpenDataQueryCountQuery, number> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ryw: ReadYourWrites,
  ) {}

  async execute(q: OpenDataQueryCountQuery): Promise<number> {
    assertInScope(q.actor, { trial: q.trialId });
    await this.ryw.waitFor(q.consistentWith, READS.quality);
    return countOpenDataQueries(this.dataSource, q.trialId);
  }
}

export class DataQualityReportQuery extends Query<DataQualityReportView> {
  constructor(
    readonly actor: VerifiedActor,
    readonly target: DataQualityTarget,
    readonly consistentWith: bigint | null,
  ) {
    super();
  }
}

@QueryHandler(DataQualityReportQuery)
export class DataQualityReportHandler implements IQueryHandler<DataQualityReportQuery, DataQualityReportView> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ryw: ReadYourWrites,
  ) {}

  async execute(q: DataQualityReportQuery): Promise<DataQualityReportView> {
    // Dataset-wide numbers: site-bound roles are not listed for this query, so no site filter applies.
    scoped(q.actor, q.target, new Where(), 'd', false);
    await this.ryw.waitFor(q.consistentWith, [...READS.quality, ...READS.measurements, ...READS.trials]);
    return dataQualityReport(this.dataSource, { trialId: q.target.trialId ?? null, programmeId: q.target.programmeId ?? null });
  }
}
