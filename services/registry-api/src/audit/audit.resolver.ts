import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authorize } from '../auth/authorize.decorator.js';
import { AccessLogQueries, type AccessLogFilter } from './access-log.queries.js';
import { AUDITORS, exportPath } from './audit-export.controller.js';
import { AuditQueries, pageSize, type AuditLogFilter } from './audit.queries.js';
import { AuditSealService, type SealData } from './audit-seal.service.js';

const sealView = (s: SealData) => ({ ...s, keyId: s.kid ?? null, signature: s.signature ?? null });

/** Regulators and admins read the audit trail; nothing here is tied to one trial, so no scope check applies. */
@Resolver()
export class AuditResolver {
  constructor(
    private readonly audit: AuditQueries,
    private readonly access: AccessLogQueries,
    private readonly seals: AuditSealService,
  ) {}

  @Query('history')
  @Authorize({ roles: AUDITORS })
  history(@Args('streamId') streamId: string, @Args('entityId') entityId?: string) {
    return this.audit.history(streamId, entityId);
  }

  @Query('auditLog')
  @Authorize({ roles: AUDITORS })
  auditLog(@Args('filter') filter?: AuditLogFilter, @Args('first') first?: number, @Args('after') after?: string) {
    return this.audit.auditLog(filter, first, after);
  }

  @Query('auditExport')
  @Authorize({ roles: AUDITORS })
  auditExport(@Args('filter') filter?: AuditLogFilter, @Args('proofs') proofs?: boolean) {
    return { url: exportPath(filter, proofs ?? false), format: 'application/x-ndjson' };
  }

  @Query('auditSeals')
  @Authorize({ roles: AUDITORS })
  async auditSeals(@Args('first') first?: number) {
    const n = pageSize(first, 1000);
    return (await this.seals.seals()).reverse().slice(0, n).map(sealView);
  }

  @Query('verifyAuditSeals')
  @Authorize({ roles: AUDITORS })
  async verifyAuditSeals() {
    const r = await this.seals.verify();
    return { ...r, journalEntries: r.journalEntries ?? 0, keyIds: r.keyIds ?? [] };
  }

  @Query('accessLog')
  @Authorize({ roles: AUDITORS })
  accessLog(@Args('filter') filter?: AccessLogFilter, @Args('first') first?: number, @Args('after') after?: string) {
    return this.access.page(filter, first, after);
  }

  @Mutation('sealAuditTrail')
  @Authorize({ roles: ['admin'] })
  async sealAuditTrail() {
    const seal = await this.seals.seal();
    return seal ? sealView(seal) : null;
  }
}
