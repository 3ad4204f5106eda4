import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '../graphql/error-mapping.js';
import { pageSize } from './audit.queries.js';

export interface AccessLogFilter {
  readonly actorId?: string | null;
  readonly trialId?: string | null;
  readonly programmeId?: string | null;
  readonly from?: Date | null;
  readonly to?: Date | null;
}

interface Row {
  id: string;
  at: Date;
  actor_id: string;
  actor_role: string;
  channel: string;
  operation_type: string;
  operation_name: string | null;
  root_fields: string[];
  trial_ids: string[];
  programme_ids: string[];
  variables_hash: string;
  correlation_id: string | null;
}

/** Newest first; the cursor is the last id of a page. */
@Injectable()
export class AccessLogQueries {
  constructor(private readonly dataSource: DataSource) {}

  async page(filter: AccessLogFilter | null | undefined, first: number | null | undefined, after: string | null | undefined) {
    const limit = pageSize(first);
    const f = filter ?? {};
    const where: string[] = ['true'];
    const params: unknown[] = [];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    if (after !== null && after !== undefined) {
      if (!/^\d{1,19}$/.test(after)) throw new ApiError('BAD_USER_INPUT', 'after must be a cursor returned by a previous page', 'after');
      where.push(`id < ${p(after)}::bigint`);
    }
    if (f.actorId) where.push(`actor_id = ${p(f.actorId)}`);
    if (f.trialId) where.push(`${p(f.trialId)} = ANY(trial_ids)`);
    if (f.programmeId) where.push(`${p(f.programmeId)} = ANY(programme_ids)`);
    if (f.from) where.push(`at >= ${p(f.from)}`);
    if (f.to) where.push(`at < ${p(f.to)}`);
    const rows = (await this.dataSource.query(
      `SELECT id::text, at, actor_id, actor_role, channel, operation_type, operation_name, root_fields, trial_ids, programme_ids, variables_hash, correlation_id
         FROM audit.access_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${p(limit + 1)}`,
      params,
    )) as Row[];
    const page = rows.slice(0, limit);
    return {
      entries: page.map((r) => ({
        id: r.id,
        at: r.at,
        actorId: r.actor_id,
        actorRole: r.actor_role,
        channel: r.channel,
        operationType: r.operation_type,
        operationName: r.operation_name,
        rootFields: r.root_fields,
        trialIds: r.trial_ids,
        programmeIds: r.programme_ids,
        variablesHash: r.variables_hash,
        correlationId: r.correlation_id,
      })),
      nextCursor: rows.length > limit ? page.at(-1)!.id : null,
    };
  }
}
