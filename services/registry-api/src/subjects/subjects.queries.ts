import type { SubjectEvent } from '#domain';
import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import type { RowOf, SubjectRow } from '#read-model';
import type { VerifiedActor } from '../auth/actor.js';
import { forbidden } from '../auth/auth.errors.js';
import { ApiError } from '../graphql/error-mapping.js';
import { pageSize, toConnection, decodeCursor, iso, Where, type Connection } from '../read-side/connection.queries.js';
import { isConfined, subjectScopeSql, subjectVisible } from '../read-side/subject-scope.js';
import { READS, ReadYourWrites } from '../read-your-writes/read-your-writes.queries.js';
import { loadSubjectWithTimeline, type TimelineEntry } from './subjects.loaders.js';

export interface SubjectView {
  readonly id: string;
  readonly kind: 'TRIAL' | 'SCREENING';
  readonly trialId: string | null;
  readonly programmeId: string | null;
  readonly pseudonym: string;
  readonly siteId: string | null;
  readonly armCode: string | null;
  readonly stratum: string | null;
  readonly status: string;
  readonly consentVersion: string | null;
  readonly consentDate: string | null;
  readonly enrolledAt: string | null;
  readonly randomisedAt: string | null;
  readonly withdrawnAt: string | null;
  readonly withdrawalReason: string | null;
  readonly firstInvitedAt: string | null;
  readonly version: number;
  readonly updatedAt: string;
  /** Not in the schema: the timeline resolver reads it. */
  readonly asOf: Date | null;
  /** Loaded with the subject when the query selects it (GetSubjectQuery.withTimeline); else the resolver loads it. */
  readonly timeline?: TimelineEntry[];
}

/** A subjects row: timestamps are Dates from TypeORM queries, ISO strings from readModelQueries. */
export type SubjectRecord = RowOf<SubjectRow>;

export function toSubjectView(r: SubjectRecord, asOf: Date | null = null): SubjectView {
  return {
    id: r.subject_id,
    kind: r.kind === 'trial' ? 'TRIAL' : 'SCREENING',
    trialId: r.trial_id,
    programmeId: r.programme_id,
    pseudonym: r.pseudonym,
    siteId: r.site_id,
    armCode: r.arm_code,
    stratum: r.stratum,
    status: r.status,
    consentVersion: r.consent_version,
    consentDate: r.consent_date,
    enrolledAt: iso(r.enrolled_at),
    randomisedAt: iso(r.randomised_at),
    withdrawnAt: iso(r.withdrawn_at),
    withdrawalReason: r.withdrawal_reason,
    firstInvitedAt: iso(r.first_invited_at),
    version: Number(r.last_revision),
    updatedAt: iso(r.updated_at)!,
    asOf,
  };
}

export class GetSubjectQuery extends Query<SubjectView | null> {
  constructor(
    readonly actor: VerifiedActor,
    readonly id: string,
    readonly consistentWith: bigint | null,
    readonly asOf: Date | null,
    /** Read the timeline in the same round trip as the subject (the query selects it). */
    readonly withTimeline = false,
    /** The measurement columns the timeline needs (timelineMeasurementColumns); null = all. */
    readonly timelineMeasurementColumns: readonly string[] | null = null,
  ) {
    super();
  }
}

export class ListSubjectsQuery extends Query<Connection<SubjectView>> {
  constructor(
    readonly actor: VerifiedActor,
    readonly filter: {
      trialId?: string | null;
      programmeId?: string | null;
      siteId?: string | null;
      armCode?: string | null;
      status?: string | null;
      search?: string | null;
    },
    readonly first: number | null,
    readonly after: string | null,
    readonly consistentWith: bigint | null,
  ) {
    super();
  }
}

/** Folds a subject's events recorded up to `asOf` into the fields the read model keeps (what was known then). */
function subjectAsOf(
  current: SubjectRecord,
  events: readonly { type: string; data: Record<string, unknown>; recordedAt: Date }[],
  asOf: Date,
): SubjectRecord | null {
  const known = events.filter((e) => e.recordedAt <= asOf);
  if (known.length === 0) return null;
  const r: SubjectRecord = {
    ...current,
    site_id: current.kind === 'trial' ? current.site_id : null,
    arm_code: null,
    stratum: null,
    randomised_at: null,
    withdrawn_at: null,
    withdrawal_reason: null,
    opted_out_at: null,
    status: current.kind === 'trial' ? 'enrolled' : 'invited',
    last_revision: String(known.length - 1),
    updated_at: known.at(-1)!.recordedAt,
  };
  for (const e of known) {
    const d = e.data;
    // Typed as the subject's event union so that lint checks this switch names every subject event.
    switch (e.type as SubjectEvent['type']) {
      case 'SubjectRandomised':
        Object.assign(r, { arm_code: d['armCode'], stratum: d['stratum'], status: 'randomised', randomised_at: new Date(d['occurredAt'] as string) });
        break;
      case 'SubjectWithdrawn':
        Object.assign(r, { status: 'withdrawn', withdrawn_at: new Date(d['occurredAt'] as string), withdrawal_reason: d['reason'] });
        break;
      case 'ParticipantInvited':
        r.status = 'invited';
        break;
      case 'ScreeningRecorded':
        Object.assign(r, { status: 'screened', site_id: d['siteId'] });
        break;
      case 'RecallRecorded':
        r.status = 'recalled';
        break;
      case 'AssessmentOutcomeRecorded':
        r.status = 'assessed';
        break;
      case 'ParticipantOptedOut':
        Object.assign(r, { status: 'opted_out', opted_out_at: new Date(d['occurredAt'] as string) });
        break;
      // The subject row as of then: enrolment is its start (kept from the current row), the rest are not its columns.
      case 'SubjectEnrolled':
      case 'IntervalCancerReported':
      case 'MeasurementRecorded':
      case 'MeasurementCorrected':
      case 'MeasurementRetracted':
      case 'MeasurementReadingAccepted':
      case 'OutcomeRecorded':
      case 'OutcomeCorrected':
      case 'PersonalDataRecorded':
      case 'SubjectErased':
      default:
        break;
    }
  }
  return r;
}

@QueryHandler(GetSubjectQuery)
export class GetSubjectHandler implements IQueryHandler<GetSubjectQuery, SubjectView | null> {
  constructor(
    private readonly ryw: ReadYourWrites,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ actor, id, consistentWith, asOf, withTimeline, timelineMeasurementColumns }: GetSubjectQuery): Promise<SubjectView | null> {
    const db = await this.ryw.waitFor(consistentWith, READS.subjects);
    // With its timeline selected and no asOf, one round trip reads both (the timeline is kept only if the row is visible).
    const prefetched = withTimeline && !asOf ? await loadSubjectWithTimeline(db, id, timelineMeasurementColumns) : null;
    const row = prefetched
      ? (prefetched.row as SubjectRecord | undefined)
      : ((await db.query(`SELECT * FROM read_model.subjects WHERE subject_id = $1`, [id])) as SubjectRecord[])[0];
    // Missing and out of scope look the same to a confined actor.
    if (!row) {
      if (isConfined(actor)) throw forbidden();
      return null;
    }
    if (!subjectVisible(actor, row)) throw forbidden();
    if (!asOf) return { ...toSubjectView(row), timeline: prefetched?.timeline };
    const events = await this.store.readStream(`subject-${id}`);
    const then = subjectAsOf(row, events as never, asOf);
    return then ? toSubjectView(then, asOf) : null;
  }
}

export const MAX_SEARCH_LENGTH = 40;

/**
 * The LIKE pattern of a subject search: upper-cased (the indexes hold upper(…)), LIKE's own characters escaped (backslash, LIKE's default escape) so
 * `%` or `_` typed by a person is matched as itself and cannot widen the match to a scan; null for no search.
 */
export function searchPrefix(search: string | null | undefined): string | null {
  const term = search?.trim() ?? '';
  if (term === '') return null;
  if (term.length > MAX_SEARCH_LENGTH) throw new ApiError('BAD_USER_INPUT', `search must be at most ${MAX_SEARCH_LENGTH} characters`, 'filter.search');
  return `${term.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

@QueryHandler(ListSubjectsQuery)
export class ListSubjectsHandler implements IQueryHandler<ListSubjectsQuery, Connection<SubjectView>> {
  constructor(private readonly ryw: ReadYourWrites) {}

  async execute(q: ListSubjectsQuery): Promise<Connection<SubjectView>> {
    const db = await this.ryw.waitFor(q.consistentWith, READS.subjects);
    const first = pageSize(q.first, 50);
    const w = new Where()
      .add('s.trial_id = $?', q.filter.trialId)
      .add('s.programme_id = $?', q.filter.programmeId)
      .add('s.site_id = $?', q.filter.siteId)
      .add('s.arm_code = $?', q.filter.armCode)
      .add('s.status = $?', q.filter.status);
    const prefix = searchPrefix(q.filter.search);
    // The three expression indexes of migration 1765710000000 (upper(…) text_pattern_ops) answer these as range scans.
    if (prefix !== null) w.add(`(upper(s.pseudonym) LIKE $? OR upper(s.subject_id) LIKE $? OR upper(s.site_id) LIKE $?)`, prefix);
    subjectScopeSql(q.actor, w);
    const countSql = `SELECT count(*)::int AS n FROM read_model.subjects s ${w.sql}`;
    const countParams = [...w.params];
    w.add('s.position > $?::bigint', decodeCursor(q.after));
    const rows = (await db.query(`SELECT * FROM read_model.subjects s ${w.sql} ORDER BY s.position LIMIT ${first + 1}`, w.params)) as SubjectRecord[];
    return toConnection(
      rows,
      first,
      (r) => toSubjectView(r),
      async () => ((await db.query(countSql, countParams)) as { n: number }[])[0]!.n,
    );
  }
}
