import type { TrialEvent } from '#domain';
import type { TrialRecord } from '#read-model';
import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '#event-store';
import { scopeFilter, type VerifiedActor } from '../auth/actor.js';
import { decodeCursor, iso, pageSize, toConnection, Where, type Connection } from '../read-side/connection.queries.js';
import { READS, ReadYourWrites } from '../read-your-writes/read-your-writes.queries.js';

export interface TrialArmView {
  code: string;
  name: string;
  type: string;
  plannedSize: number;
}

export interface TrialSiteView {
  id: string;
  name: string;
  country: string | null;
  status: string;
  activatedAt: string;
  closedAt: string | null;
}

export interface TrialView {
  id: string;
  title: string;
  phase: string;
  sponsor: string;
  primaryEndpoint: string;
  identifiers: unknown;
  status: string;
  locked: boolean;
  lockReason: string | null;
  lockedAt: string | null;
  scheduleVersion: number | null;
  schedule: unknown;
  registeredAt: string;
  version: number;
  updatedAt: string;
  /** Not in the schema: what the field resolvers need. */
  asOf: Date | null;
  /** The sites a site-confined actor may see ('all' otherwise). */
  siteScope: 'all' | readonly string[];
  /** Arms and sites folded from the stream when answering asOf; loaded by DataLoader otherwise. */
  foldedArms?: TrialArmView[];
  foldedSites?: TrialSiteView[];
}

function toTrialView(r: TrialRecord, siteScope: 'all' | readonly string[]): TrialView {
  return {
    id: r.trial_id,
    title: r.title,
    phase: r.phase,
    sponsor: r.sponsor,
    primaryEndpoint: r.primary_endpoint,
    identifiers: r.identifiers,
    status: r.status.toUpperCase(),
    locked: r.locked,
    lockReason: r.lock_reason,
    lockedAt: iso(r.locked_at),
    scheduleVersion: r.schedule_version,
    schedule: r.schedule,
    registeredAt: iso(r.registered_at)!,
    version: Number(r.last_revision),
    updatedAt: iso(r.updated_at)!,
    asOf: null,
    siteScope,
  };
}

/** The trial as its events recorded up to `asOf` describe it (the same rules as the trials projection). */
export function foldTrial(events: readonly RecordedEvent[], asOf: Date, siteScope: 'all' | readonly string[]): TrialView | null {
  const known = events.filter((e) => e.recordedAt <= asOf);
  const first = known[0];
  if (!first || first.type !== 'TrialRegistered') return null;
  const d0 = first.data as Record<string, never>;
  const view: TrialView = {
    id: d0['trialId'],
    title: d0['title'],
    phase: d0['phase'],
    sponsor: d0['sponsor'],
    primaryEndpoint: d0['primaryEndpoint'],
    identifiers: d0['identifiers'],
    status: 'REGISTERED',
    locked: false,
    lockReason: null,
    lockedAt: null,
    scheduleVersion: null,
    schedule: [],
    registeredAt: new Date(d0['registeredAt']).toISOString(),
    version: known.length - 1,
    updatedAt: known.at(-1)!.recordedAt.toISOString(),
    asOf,
    siteScope,
    foldedArms: [],
    foldedSites: [],
  };
  const sites = new Map<string, TrialSiteView>();
  for (const e of known.slice(1)) {
    const d = e.data as Record<string, never>;
    // Typed as the trial's event union so that lint checks this switch names every trial event.
    switch (e.type as TrialEvent['type']) {
      case 'TrialArmAdded':
        view.foldedArms!.push({ code: d['armCode'], name: d['name'], type: d['armType'], plannedSize: d['plannedSize'] });
        break;
      case 'TrialSiteActivated':
        sites.set(d['siteId'], {
          id: d['siteId'],
          name: d['name'],
          country: d['country'],
          status: 'active',
          activatedAt: new Date(d['activatedAt']).toISOString(),
          closedAt: null,
        });
        break;
      case 'TrialSiteClosed': {
        const s = sites.get(d['siteId']);
        if (s) sites.set(d['siteId'], { ...s, status: 'closed', closedAt: new Date(d['closedAt']).toISOString() });
        break;
      }
      case 'VisitScheduleDefined':
        Object.assign(view, { scheduleVersion: d['scheduleVersion'], schedule: d['timePoints'] });
        break;
      case 'EnrolmentOpened':
        view.status = 'ENROLMENT_OPEN';
        break;
      case 'EnrolmentClosed':
        view.status = 'ENROLMENT_CLOSED';
        break;
      case 'TrialLocked':
        Object.assign(view, { locked: true, lockReason: d['reason'], lockedAt: new Date(d['lockedAt']).toISOString() });
        break;
      case 'TrialUnlocked':
        Object.assign(view, { locked: false, lockReason: d['reason'], lockedAt: null });
        break;
      // The first event (above) and unblinding, which the trial view does not show.
      case 'TrialRegistered':
      case 'UnblindingRecorded':
      default:
        break;
    }
  }
  view.foldedSites = [...sites.values()].filter((s) => siteScope === 'all' || siteScope.includes(s.id));
  return view;
}

export interface TrialFilter {
  status?: string | null;
  locked?: boolean | null;
  phase?: string | null;
  sponsor?: string | null;
  titleContains?: string | null;
  identifier?: string | null;
}

export class ListTrialsQuery extends Query<Connection<TrialView>> {
  constructor(
    readonly actor: VerifiedActor,
    readonly filter: TrialFilter,
    readonly first: number | null,
    readonly after: string | null,
    readonly consistentWith: bigint | null,
  ) {
    super();
  }
}

export class GetTrialQuery extends Query<TrialView | null> {
  constructor(
    readonly actor: VerifiedActor,
    readonly id: string,
    readonly consistentWith: bigint | null,
    readonly asOf: Date | null,
  ) {
    super();
  }
}

@QueryHandler(ListTrialsQuery)
export class ListTrialsHandler implements IQueryHandler<ListTrialsQuery, Connection<TrialView>> {
  constructor(private readonly ryw: ReadYourWrites) {}

  async execute(q: ListTrialsQuery): Promise<Connection<TrialView>> {
    const db = await this.ryw.waitFor(q.consistentWith, READS.trials);
    const first = pageSize(q.first, 50);
    const f = q.filter;
    const w = new Where()
      .add('t.status = $?', f.status?.toLowerCase())
      .add('t.locked = $?', f.locked)
      .add('t.phase = $?', f.phase)
      .add('t.sponsor = $?', f.sponsor)
      .add(
        `t.title ILIKE '%' || $? || '%'`,
        f.titleContains?.replace(/[\\%_]/g, (c) => `\\${c}`),
      )
      .add(`t.identifiers @> jsonb_build_array(jsonb_build_object('value', upper($?::text)))`, f.identifier);
    const trials = scopeFilter(q.actor, 'trial');
    if (trials !== 'all') w.add('t.trial_id = ANY ($?::text[])', [...trials]);
    const countSql = `SELECT count(*)::int AS n FROM read_model.trials t ${w.sql}`;
    const countParams = [...w.params];
    w.add('t.position > $?::bigint', decodeCursor(q.after));
    const rows = (await db.query(`SELECT * FROM read_model.trials t ${w.sql} ORDER BY t.position LIMIT ${first + 1}`, w.params)) as TrialRecord[];
    const sites = scopeFilter(q.actor, 'site');
    return toConnection(
      rows,
      first,
      (r) => toTrialView(r, sites),
      async () => ((await db.query(countSql, countParams)) as { n: number }[])[0]!.n,
    );
  }
}

@QueryHandler(GetTrialQuery)
export class GetTrialHandler implements IQueryHandler<GetTrialQuery, TrialView | null> {
  constructor(
    private readonly ryw: ReadYourWrites,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute(q: GetTrialQuery): Promise<TrialView | null> {
    const db = await this.ryw.waitFor(q.consistentWith, READS.trials);
    const sites = scopeFilter(q.actor, 'site');
    if (q.asOf) return foldTrial(await this.store.readStream(`trial-${q.id}`), q.asOf, sites);
    const [row] = (await db.query(`SELECT * FROM read_model.trials WHERE trial_id = $1`, [q.id])) as TrialRecord[];
    return row ? toTrialView(row, sites) : null;
  }
}
