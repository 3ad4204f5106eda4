import { streamCategory, type JsonValue, type RecordedEvent } from '#event-store';
import type { EntityManager } from 'typeorm';
import type { Projection, ProjectionTarget } from './projection.js';

export type MembershipScope = 'trial' | 'programme';

export interface Membership {
  readonly scopeKind: MembershipScope;
  readonly scopeId: string;
}

/** What one event says about its stream's place: the trials/programmes it belongs to, and streams it belongs with. */
export interface MembershipFacts {
  readonly memberships: readonly Membership[];
  /** Streams whose memberships this event's stream shares (a study stream shares its subject's). */
  readonly parents: readonly string[];
  /** Streams that share this event's stream's memberships (an unattached study a measurement of this subject was taken on). */
  readonly children: readonly string[];
}

const text = (v: JsonValue | undefined): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const suffix = (streamId: string): string => streamId.slice(streamId.indexOf('-') + 1);

/**
 * The membership rules, by stream, so that every event of a member stream is in the trial's audit trail whatever its
 * type (also types added later, which need not repeat the trial id):
 * - `trial-T` / `programme-P` belong to T / P;
 * - a stream with an event naming `trialId` / `programmeId` belongs there (a subject by its enrolment or invitation);
 * - a stream with an event naming `subjectId` (an imaging study, an unblinding) belongs wherever that subject does;
 * - a measurement naming a study makes the study belong wherever the measured subject does (a study registered
 *   before its subject was known);
 * - a trial identifier's reservation belongs to the trial that claimed it; a pseudonym linkage to every scope it links.
 * Actor streams (role grants) are not members: one actor stream spans many trials.
 */
export function membershipFacts(e: RecordedEvent): MembershipFacts {
  const memberships: Membership[] = [];
  const parents: string[] = [];
  const children: string[] = [];
  const category = streamCategory(e.streamId);
  if (category === 'actor') return { memberships, parents, children };
  if (category === 'trial' || category === 'programme') memberships.push({ scopeKind: category, scopeId: suffix(e.streamId) });
  const trialId = text(e.data['trialId']);
  const programmeId = text(e.data['programmeId']);
  if (trialId) memberships.push({ scopeKind: 'trial', scopeId: trialId });
  if (programmeId) memberships.push({ scopeKind: 'programme', scopeId: programmeId });
  const subjectId = text(e.data['subjectId']);
  if (subjectId && e.streamId !== `subject-${subjectId}`) parents.push(`subject-${subjectId}`);
  const studyInstanceUid = text(e.data['studyInstanceUid']);
  if (studyInstanceUid && category === 'subject') children.push(`study-${studyInstanceUid}`);
  if (category === 'trialidentifier' && e.type === 'ReservationClaimed') {
    const owner = text(e.data['ownerId']);
    if (owner) memberships.push({ scopeKind: 'trial', scopeId: owner });
  }
  if (category === 'pseudonymlinkage' && Array.isArray(e.data['members'])) {
    for (const m of e.data['members']) {
      const scope = m !== null && typeof m === 'object' && !Array.isArray(m) ? text(m['scope']) : null;
      const match = scope ? /^(trial|programme):(.+)$/.exec(scope) : null;
      if (match) memberships.push({ scopeKind: match[1] as MembershipScope, scopeId: match[2]! });
    }
  }
  return { memberships, parents, children };
}

/**
 * Trial and programme membership of streams, for the audit trail (`auditLog(filter: {trialId})`, the export). Rows are
 * only ever added (a stream never leaves a trial), each at most once, so applying an event twice changes nothing and
 * a rebuild in log order gives the same rows.
 */
export class AuditMembershipProjection implements Projection {
  readonly name = 'audit-membership';
  readonly version = 1;
  readonly tables = ['audit_stream_members', 'audit_stream_links'];

  async apply(events: readonly RecordedEvent[], manager: EntityManager, { schema }: ProjectionTarget): Promise<void> {
    const members = new Map<string, [string, string, string]>();
    const links = new Map<string, [string, string]>();
    for (const e of events) {
      const facts = membershipFacts(e);
      for (const m of facts.memberships) members.set(`${e.streamId}\u0000${m.scopeKind}\u0000${m.scopeId}`, [e.streamId, m.scopeKind, m.scopeId]);
      for (const p of facts.parents) links.set(`${p}\u0000${e.streamId}`, [p, e.streamId]);
      for (const c of facts.children) links.set(`${e.streamId}\u0000${c}`, [e.streamId, c]);
    }
    if (members.size === 0 && links.size === 0) return;
    const m = [...members.values()];
    const l = [...links.values()];
    // Only what is new moves anything: the streams that gained a membership and the parents that gained a child.
    const newLinks =
      l.length === 0
        ? []
        : ((await manager.query(
            `INSERT INTO ${schema}.audit_stream_links (parent_stream_id, stream_id) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT DO NOTHING RETURNING parent_stream_id AS stream_id`,
            [l.map((x) => x[0]), l.map((x) => x[1])],
          )) as { stream_id: string }[]);
    const newMembers =
      m.length === 0
        ? []
        : ((await manager.query(
            `INSERT INTO ${schema}.audit_stream_members (stream_id, scope_kind, scope_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT DO NOTHING RETURNING stream_id`,
            [m.map((x) => x[0]), m.map((x) => x[1]), m.map((x) => x[2])],
          )) as { stream_id: string }[]);
    const sources = [...new Set([...newLinks, ...newMembers].map((r) => r.stream_id))];
    if (sources.length === 0) return;
    // Down the links from those streams, however deep: a child belongs wherever its parent does, also where the
    // parent is admitted after the link was made.
    await manager.query(
      `WITH RECURSIVE reach (stream_id, scope_kind, scope_id) AS (
         SELECT l.stream_id, m.scope_kind, m.scope_id
           FROM ${schema}.audit_stream_members m JOIN ${schema}.audit_stream_links l ON l.parent_stream_id = m.stream_id
          WHERE m.stream_id = ANY ($1::text[])
         UNION
         SELECT l.stream_id, r.scope_kind, r.scope_id FROM reach r JOIN ${schema}.audit_stream_links l ON l.parent_stream_id = r.stream_id
       )
       INSERT INTO ${schema}.audit_stream_members (stream_id, scope_kind, scope_id) SELECT * FROM reach ON CONFLICT DO NOTHING`,
      [sources],
    );
  }
}
