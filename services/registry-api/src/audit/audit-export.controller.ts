import { Controller, Get, Inject, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { actorOf } from '../auth/authentication.middleware.js';
import { ApiErrorHttpFilter } from '../auth/api-error.http-filter.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { ApiError } from '../graphql/error-mapping.js';
import { PRIVACY_MASTER_KEY, type MasterKey } from '../privacy/master-key.js';
import { accessLogHashKey, recordAccess } from './access-log.writer.js';
import { AuditQueries, type AuditLogFilter } from './audit.queries.js';

export const AUDITORS = ['regulator', 'admin'] as const;

const FILTER_KEYS = ['actorId', 'actorRole', 'trialId', 'programmeId', 'streamId', 'from', 'to', 'eventTypes'] as const;

/** Query-string form of an AuditLogFilter; `auditExport` builds the link with it. */
export function exportPath(filter: AuditLogFilter | null | undefined): string {
  const q = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const v = filter?.[key];
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) v.forEach((x: string) => q.append(key, x));
    else q.set(key, v instanceof Date ? v.toISOString() : String(v));
  }
  const s = q.toString();
  return `/audit/export${s ? `?${s}` : ''}`;
}

function parseFilter(query: Record<string, unknown>): AuditLogFilter {
  const one = (k: string): string | undefined => {
    const v = query[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length > 200) throw new ApiError('BAD_USER_INPUT', `${k} must be given once, as text`, k);
    return v;
  };
  const date = (k: string): Date | undefined => {
    const v = one(k);
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new ApiError('BAD_USER_INPUT', `${k} must be an ISO-8601 date-time`, k);
    return d;
  };
  const types = query['eventTypes'];
  return {
    actorId: one('actorId'),
    actorRole: one('actorRole'),
    trialId: one('trialId'),
    programmeId: one('programmeId'),
    streamId: one('streamId'),
    from: date('from'),
    to: date('to'),
    eventTypes: types === undefined ? undefined : (Array.isArray(types) ? types : [types]).map(String),
  };
}

/** The auditor's download: JSON lines, one event each with its hash and its stream's previous hash. Logged. */
@Controller('audit')
@UseFilters(ApiErrorHttpFilter)
export class AuditExportController {
  private readonly hashKey: Buffer;

  constructor(
    private readonly queries: AuditQueries,
    private readonly dataSource: DataSource,
    @Inject(PRIVACY_MASTER_KEY) masterKey: MasterKey,
  ) {
    this.hashKey = accessLogHashKey(masterKey.key);
  }

  @Get('export')
  @Authorize({ roles: AUDITORS })
  async export(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    let filter: AuditLogFilter;
    try {
      filter = parseFilter(query);
    } catch (err) {
      res.status(400).json({ errors: [{ message: (err as Error).message, extensions: { code: 'BAD_USER_INPUT', field: (err as ApiError).field } }] });
      return;
    }
    const actor = actorOf(req);
    await recordAccess((sql, params) => this.dataSource.query(sql, params), {
      actorId: actor.id,
      actorRole: actor.role,
      channel: 'http-export',
      operationType: 'export',
      operationName: 'auditExport',
      rootFields: ['auditExport'],
      trialIds: filter.trialId ? [filter.trialId] : [],
      programmeIds: filter.programmeId ? [filter.programmeId] : [],
      variables: query,
      correlationId: typeof req.headers['x-correlation-id'] === 'string' ? req.headers['x-correlation-id'] : null,
    }, this.hashKey);
    res.status(200);
    res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="audit-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson"`);
    for await (const line of this.queries.exportLines(filter)) {
      if (!res.write(`${JSON.stringify(line)}\n`)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }
}
