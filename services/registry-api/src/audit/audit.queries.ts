import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  canonicalJson,
  formatPosition,
  parsePosition,
  type EventSearch,
  type EventStore,
  type JsonObject,
  type Position,
  type RecordedEvent,
  type SearchedEvent,
} from '#event-store';
import { DataSource } from 'typeorm';
import { ApiError } from '../graphql/error-mapping.js';
import { isStorableText } from '../http/query-parameters.js';
import { describeCorrections, isCorrection, type FieldChange } from './corrections.js';

export interface AuditLogFilter {
  readonly actorId?: string | null;
  readonly actorRole?: string | null;
  readonly trialId?: string | null;
  readonly programmeId?: string | null;
  readonly eventTypes?: readonly string[] | null;
  readonly streamId?: string | null;
  readonly from?: Date | null;
  readonly to?: Date | null;
}

export interface AuditEventView {
  readonly globalPosition: string;
  readonly commitPosition: string;
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly actorId: string | null;
  readonly actorRole: string | null;
  readonly reason: string | null;
  readonly commandId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly recordedAt: Date;
  readonly occurredAt: string | null;
  readonly data: string;
  readonly hash: string;
  readonly changes: FieldChange[] | null;
}

/** The line format of `npm run audit:export` and GET /audit/export: each line verifies offline (README). */
export interface ExportLine {
  readonly globalPosition: string;
  readonly commitPosition: string;
  readonly streamId: string;
  readonly revision: string;
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly recordedAt: string;
  readonly previousHash: string;
  readonly hash: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function pageSize(first: number | null | undefined, max = 1000): number {
  const n = first ?? 100;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ApiError('BAD_USER_INPUT', `first must be between 1 and ${max}`, 'first');
  return n;
}

const TEXT_FILTERS = ['actorId', 'actorRole', 'trialId', 'programmeId', 'streamId'] as const;

/**
 * A filter field that is given must filter: an empty id would otherwise read as "no filter" and widen the selection
 * to the whole trail, and a NUL or unpaired surrogate cannot be compared as PostgreSQL text. Shared by GraphQL, the
 * HTTP export and the CLI.
 */
export function validateAuditFilter(f: AuditLogFilter): AuditLogFilter {
  for (const key of TEXT_FILTERS) {
    const v = f[key];
    if (v === null || v === undefined) continue;
    if (v.length === 0 || v.length > 200) throw new ApiError('BAD_USER_INPUT', `${key} must be 1 to 200 characters`, key);
    if (!isStorableText(v)) throw new ApiError('BAD_USER_INPUT', `${key} contains a NUL character or an unpaired surrogate`, key);
  }
  for (const [i, t] of (f.eventTypes ?? []).entries()) {
    if (t.length === 0 || t.length > 200 || !isStorableText(t))
      throw new ApiError('BAD_USER_INPUT', 'each event type must be 1 to 200 characters of text', `eventTypes.${i}`);
  }
  for (const key of ['from', 'to'] as const) {
    const d = f[key];
    if (d !== null && d !== undefined && Number.isNaN(d.getTime())) throw new ApiError('BAD_USER_INPUT', `${key} must be a valid date-time`, key);
  }
  return f;
}

/** The projection whose read model says which streams belong to which trial or programme (registry-projector). */
export const MEMBERSHIP_PROJECTION = 'audit-membership';

interface MemberScope {
  readonly streamIds: readonly string[];
  /** The membership read model's position; undefined only with an empty selection. */
  readonly upTo: Position | undefined;
}

function cursorPosition(after: string | null | undefined): Position | undefined {
  if (after === null || after === undefined) return undefined;
  try {
    return parsePosition(after);
  } catch {
    throw new ApiError('BAD_USER_INPUT', 'after must be a cursor returned by a previous page', 'after');
  }
}

/**
 * Reads the event log for auditors through the port (`searchEvents`), in the store's gap-safe read order (transaction,
 * position), so paging never skips an event that committed late. Trial and programme filters take their streams from
 * the audit-membership read model, which may live in another database than the events: no join between the two.
 */
@Injectable()
export class AuditQueries {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async history(streamId: string, entityId?: string | null): Promise<AuditEventView[]> {
    const events = await this.store.readStream(streamId);
    const changes = describeCorrections(events);
    const mentions = (data: JsonObject) => Object.values(data).some((v) => v === entityId);
    return events.filter((e) => !entityId || mentions(e.data)).map((e) => view(e, changes.get(e.id) ?? null));
  }

  async auditLog(
    filter: AuditLogFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<{ events: AuditEventView[]; nextCursor: string | null }> {
    const limit = pageSize(first);
    const rows = await this.rows(validateAuditFilter(filter ?? {}), limit + 1, cursorPosition(after));
    const page = rows.slice(0, limit);
    // Corrections need their stream's earlier events to show the value before.
    const streams = new Map<string, Map<string, FieldChange[]>>();
    for (const e of page) {
      if (isCorrection(e.type) && !streams.has(e.streamId)) streams.set(e.streamId, describeCorrections(await this.store.readStream(e.streamId)));
    }
    const events = page.map((e) => view(e, streams.get(e.streamId)?.get(e.id) ?? (isCorrection(e.type) ? [] : null)));
    const last = page.at(-1);
    return { events, nextCursor: rows.length > limit && last ? formatPosition(last.position) : null };
  }

  /** Every matching event as export lines, in batches (for NDJSON streaming). */
  async *exportLines(filter: AuditLogFilter): AsyncGenerator<ExportLine> {
    // One membership snapshot for the whole export: every page selects from the same streams up to the same position.
    const scope = await this.scope(validateAuditFilter(filter));
    let after: Position | undefined;
    for (;;) {
      const rows = await this.search(filter, scope, 1000, after);
      for (const e of rows) {
        yield {
          globalPosition: e.position.prepare.toString(),
          commitPosition: e.position.commit.toString(),
          streamId: e.streamId,
          revision: e.revision.toString(),
          eventId: e.id,
          type: e.type,
          data: e.data,
          metadata: e.metadata,
          recordedAt: e.recordedAt.toISOString(),
          previousHash: e.previousHash,
          hash: e.hash,
        };
      }
      if (rows.length < 1000) return;
      after = rows.at(-1)!.position;
    }
  }

  private async rows(f: AuditLogFilter, limit: number, after?: Position): Promise<SearchedEvent[]> {
    return this.search(f, await this.scope(f), limit, after);
  }

  /**
   * The streams a trial or programme filter selects, read from the audit-membership read model together with the
   * position that read model has reached (one statement, one snapshot): the selection is then exactly the events up
   * to that position of the streams that, by the events up to it, belong to the trial. Membership is by stream, so an
   * event is found whatever its type; it need not repeat the trial id. Undefined when the filter names neither.
   */
  private async scope(f: AuditLogFilter): Promise<MemberScope | undefined> {
    const scopes = [...(f.trialId ? [['trial', f.trialId]] : []), ...(f.programmeId ? [['programme', f.programmeId]] : [])];
    if (scopes.length === 0) return undefined;
    const rows = (await this.dataSource.query(
      `SELECT c.commit_position::text, c.prepare_position::text,
              ARRAY(SELECT m.stream_id FROM read_model.audit_stream_members m
                     WHERE m.scope_kind = $2 AND m.scope_id = $3
                       AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM read_model.audit_stream_members o
                                                       WHERE o.stream_id = m.stream_id AND o.scope_kind = $4 AND o.scope_id = $5))
                     ORDER BY m.stream_id) AS streams
         FROM read_model.projection_checkpoints c
        WHERE c.name = $1 AND c.live`,
      [MEMBERSHIP_PROJECTION, scopes[0]![0], scopes[0]![1], scopes[1]?.[0] ?? null, scopes[1]?.[1] ?? null],
    )) as { commit_position: string | null; prepare_position: string | null; streams: string[] }[];
    const row = rows[0];
    // Before the projector has applied anything, nothing is known to belong.
    if (!row || row.commit_position === null || row.prepare_position === null) return { streamIds: [], upTo: undefined };
    return { streamIds: row.streams, upTo: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) } };
  }

  private async search(f: AuditLogFilter, scope: MemberScope | undefined, limit: number, after?: Position): Promise<SearchedEvent[]> {
    let streamIds = scope?.streamIds;
    if (f.streamId) streamIds = streamIds ? streamIds.filter((s) => s === f.streamId) : [f.streamId];
    if (streamIds?.length === 0) return [];
    const metadata: Record<string, string> = {};
    if (f.actorId) metadata['actorId'] = f.actorId;
    if (f.actorRole) metadata['actorRole'] = f.actorRole;
    const search: EventSearch = {
      maxCount: limit,
      ...(after ? { after } : {}),
      ...(scope?.upTo ? { upTo: scope.upTo } : {}),
      ...(streamIds ? { streamIds } : {}),
      ...(f.eventTypes?.length ? { eventTypes: f.eventTypes } : {}),
      ...(Object.keys(metadata).length ? { metadata } : {}),
      ...(f.from ? { recordedFrom: f.from } : {}),
      ...(f.to ? { recordedBefore: f.to } : {}),
    };
    return this.store.searchEvents(search);
  }
}

function view(e: RecordedEvent, changes: FieldChange[] | null): AuditEventView {
  const m = e.metadata;
  return {
    globalPosition: e.position.prepare.toString(),
    commitPosition: e.position.commit.toString(),
    streamId: e.streamId,
    revision: Number(e.revision),
    eventId: e.id,
    type: e.type,
    actorId: str(m['actorId']),
    actorRole: str(m['actorRole']),
    reason: str(m['reason']) ?? str(e.data['reason']),
    commandId: str(m['commandId']),
    correlationId: str(m['correlationId']),
    causationId: str(m['causationId']),
    recordedAt: e.recordedAt,
    occurredAt: str(m['occurredAt']) ?? str(e.data['occurredAt']),
    data: canonicalJson(e.data),
    hash: e.hash,
    changes,
  };
}
