import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, GENESIS_HASH, canonicalJson, formatPosition, parsePosition, type EventStore, type JsonObject } from '#event-store';
import { DataSource } from 'typeorm';
import { ApiError } from '../graphql/error-mapping.js';
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

interface EventRow {
  global_position: string;
  commit_position: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  data: JsonObject;
  metadata: JsonObject;
  hash: string;
  previous_hash: string | null;
  recorded_at: Date;
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

function cursorPosition(after: string | null | undefined): { commit: bigint; prepare: bigint } | undefined {
  if (after === null || after === undefined) return undefined;
  try {
    return parsePosition(after);
  } catch {
    throw new ApiError('BAD_USER_INPUT', 'after must be a cursor returned by a previous page', 'after');
  }
}

/**
 * Reads the event store for auditors. Filters run in SQL over event_store.events in the store's gap-safe read
 * order (transaction, position), so paging never skips an event that committed late.
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
    return events
      .filter((e) => !entityId || mentions(e.data))
      .map((e) =>
        view({
          global_position: e.position.prepare.toString(),
          commit_position: e.position.commit.toString(),
          stream_id: e.streamId,
          stream_revision: e.revision.toString(),
          event_id: e.id,
          event_type: e.type,
          data: e.data,
          metadata: e.metadata,
          hash: e.hash,
          previous_hash: null,
          recorded_at: e.recordedAt,
        }, changes.get(e.id) ?? null),
      );
  }

  async auditLog(filter: AuditLogFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<{ events: AuditEventView[]; nextCursor: string | null }> {
    const limit = pageSize(first);
    const rows = await this.rows(filter ?? {}, limit + 1, cursorPosition(after));
    const page = rows.slice(0, limit);
    // Corrections need their stream's earlier events to show the value before.
    const streams = new Map<string, Map<string, FieldChange[]>>();
    for (const r of page) {
      if (isCorrection(r.event_type) && !streams.has(r.stream_id)) streams.set(r.stream_id, describeCorrections(await this.store.readStream(r.stream_id)));
    }
    const events = page.map((r) => view(r, streams.get(r.stream_id)?.get(r.event_id) ?? (isCorrection(r.event_type) ? [] : null)));
    const lastRow = page.at(-1);
    return { events, nextCursor: rows.length > limit && lastRow ? formatPosition({ commit: BigInt(lastRow.commit_position), prepare: BigInt(lastRow.global_position) }) : null };
  }

  /** Every matching event as export lines, in batches (for NDJSON streaming). */
  async *exportLines(filter: AuditLogFilter): AsyncGenerator<ExportLine> {
    let after: { commit: bigint; prepare: bigint } | undefined;
    for (;;) {
      const rows = await this.rows(filter, 1000, after);
      for (const r of rows) {
        yield {
          globalPosition: r.global_position,
          commitPosition: r.commit_position,
          streamId: r.stream_id,
          revision: r.stream_revision,
          eventId: r.event_id,
          type: r.event_type,
          data: r.data,
          metadata: r.metadata,
          recordedAt: r.recorded_at.toISOString(),
          previousHash: r.previous_hash ?? GENESIS_HASH,
          hash: r.hash,
        };
      }
      if (rows.length < 1000) return;
      const last = rows.at(-1)!;
      after = { commit: BigInt(last.commit_position), prepare: BigInt(last.global_position) };
    }
  }

  private async rows(f: AuditLogFilter, limit: number, after?: { commit: bigint; prepare: bigint }): Promise<EventRow[]> {
    const where: string[] = ['e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())'];
    const params: unknown[] = [];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    if (after) where.push(`(e.transaction_id, e.global_position) > (${p(after.commit.toString())}::text::xid8, ${p(after.prepare.toString())}::bigint)`);
    if (f.actorId) where.push(`e.metadata->>'actorId' = ${p(f.actorId)}`);
    if (f.actorRole) where.push(`e.metadata->>'actorRole' = ${p(f.actorRole)}`);
    if (f.trialId) {
      const t = p(f.trialId);
      where.push(`(e.stream_id = 'trial-' || ${t} OR e.data->>'trialId' = ${t})`);
    }
    if (f.programmeId) {
      const t = p(f.programmeId);
      where.push(`(e.stream_id = 'programme-' || ${t} OR e.data->>'programmeId' = ${t})`);
    }
    if (f.eventTypes?.length) where.push(`e.event_type = ANY(${p([...f.eventTypes])}::text[])`);
    if (f.streamId) where.push(`e.stream_id = ${p(f.streamId)}`);
    if (f.from) where.push(`e.recorded_at >= ${p(f.from)}`);
    if (f.to) where.push(`e.recorded_at < ${p(f.to)}`);
    return (await this.dataSource.query(
      `SELECT e.global_position::text, e.transaction_id::text AS commit_position, e.stream_id, e.stream_revision::text, e.event_id, e.event_type,
              e.data, e.metadata, e.hash, prev.hash AS previous_hash, e.recorded_at
         FROM event_store.events e
         LEFT JOIN event_store.events prev ON prev.stream_id = e.stream_id AND prev.stream_revision = e.stream_revision - 1
        WHERE ${where.join(' AND ')}
        ORDER BY e.transaction_id, e.global_position
        LIMIT ${p(limit)}`,
      params,
    )) as EventRow[];
  }
}

function view(r: EventRow, changes: FieldChange[] | null): AuditEventView {
  const m = r.metadata;
  return {
    globalPosition: r.global_position,
    commitPosition: r.commit_position,
    streamId: r.stream_id,
    revision: Number(r.stream_revision),
    eventId: r.event_id,
    type: r.event_type,
    actorId: str(m['actorId']),
    actorRole: str(m['actorRole']),
    reason: str(m['reason']) ?? str(r.data['reason']),
    commandId: str(m['commandId']),
    correlationId: str(m['correlationId']),
    causationId: str(m['causationId']),
    recordedAt: r.recorded_at,
    occurredAt: str(m['occurredAt']) ?? str(r.data['occurredAt']),
    data: canonicalJson(r.data),
    hash: r.hash,
    changes,
  };
}
