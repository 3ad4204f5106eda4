import { Controller, Get, Inject, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { actorOf } from '../auth/authentication.middleware.js';
import { ApiErrorHttpFilter } from '../auth/api-error.http-filter.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { ApiError } from '../graphql/error-mapping.js';
import { parseQueryParameters, type QueryParameterArity } from '../http/query-parameters.js';
import { PRIVACY_MASTER_KEY, type MasterKey } from '../privacy/master-key.js';
import { EVENT_STORE, type EventStore } from '#event-store';
import { accessLogHashKey, recordAccess } from './access-log.writer.js';
import { withInclusionProofs } from './audit-proofs.js';
import { AuditSealService } from './audit-seal.service.js';
import { AuditQueries, validateAuditFilter, type AuditLogFilter } from './audit.queries.js';

export const AUDITORS = ['regulator', 'admin'] as const;

const FILTER_KEYS = ['actorId', 'actorRole', 'trialId', 'programmeId', 'streamId', 'from', 'to', 'eventTypes'] as const;

/** Query-string form of an AuditLogFilter (and of `proofs`); `auditExport` builds the link with it. */
export function exportPath(filter: AuditLogFilter | null | undefined, proofs = false): string {
  const q = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const v = filter?.[key];
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) v.forEach((x: string) => q.append(key, x));
    else q.set(key, v instanceof Date ? v.toISOString() : String(v));
  }
  if (proofs) q.set('proofs', 'true');
  const s = q.toString();
  return `/audit/export${s ? `?${s}` : ''}`;
}

/**
 * The export's query parameters: exactly the AuditLogFilter fields, and `proofs=true` for each line's inclusion
 * proof in its seal (audit-proofs.ts); anything else is refused (never dropped).
 */
const EXPORT_PARAMETERS = {
  actorId: 'one',
  actorRole: 'one',
  trialId: 'one',
  programmeId: 'one',
  streamId: 'one',
  from: 'one',
  to: 'one',
  eventTypes: 'many',
  proofs: 'one',
} as const satisfies Record<(typeof FILTER_KEYS)[number] | 'proofs', QueryParameterArity>;

/** The filter a GET /audit/export URL asks for, and its parameters as sent (the raw query string, not Express's parse of it). */
export function parseExportFilter(url: string): { filter: AuditLogFilter; proofs: boolean; parameters: Record<string, string | string[]> } {
  const q = parseQueryParameters(url, EXPORT_PARAMETERS);
  const date = (k: 'from' | 'to'): Date | undefined => {
    const v = q[k];
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new ApiError('BAD_USER_INPUT', `${k} must be an ISO-8601 date-time`, k);
    return d;
  };
  const filter = {
    actorId: q.actorId,
    actorRole: q.actorRole,
    trialId: q.trialId,
    programmeId: q.programmeId,
    streamId: q.streamId,
    from: date('from'),
    to: date('to'),
    eventTypes: q.eventTypes,
  };
  if (q.proofs !== undefined && q.proofs !== 'true' && q.proofs !== 'false') throw new ApiError('BAD_USER_INPUT', 'proofs must be true or false', 'proofs');
  return { filter: validateAuditFilter(filter), proofs: q.proofs === 'true', parameters: q as Record<string, string | string[]> };
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
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly seals: AuditSealService,
  ) {
    this.hashKey = accessLogHashKey(masterKey.key);
  }

  @Get('export')
  @Authorize({ roles: AUDITORS })
  async export(@Req() req: Request, @Res() res: Response): Promise<void> {
    // Thrown before anything is written: ApiErrorHttpFilter answers 400 with the code and the parameter as field.
    const { filter, proofs, parameters } = parseExportFilter(req.originalUrl);
    const actor = actorOf(req);
    await recordAccess(
      (sql, params) => this.dataSource.query(sql, params),
      {
        actorId: actor.id,
        actorRole: actor.role,
        channel: 'http-export',
        operationType: 'export',
        operationName: 'auditExport',
        rootFields: ['auditExport'],
        trialIds: filter.trialId ? [filter.trialId] : [],
        programmeIds: filter.programmeId ? [filter.programmeId] : [],
        variables: parameters,
        correlationId: typeof req.headers['x-correlation-id'] === 'string' ? req.headers['x-correlation-id'] : null,
      },
      this.hashKey,
    );
    res.status(200);
    res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="audit-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson"`);
    const lines = this.queries.exportLines(filter);
    for await (const line of proofs ? withInclusionProofs(lines, this.store, await this.seals.seals()) : lines) {
      if (!res.write(`${JSON.stringify(line)}\n`)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }
}
