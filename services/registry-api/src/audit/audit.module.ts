import { Module } from '@nestjs/common';
import { AccessLogPlugin } from './access-log.plugin.js';
import { AccessLogQueries } from './access-log.queries.js';
import { AuditExportController } from './audit-export.controller.js';
import { AuditSealService } from './audit-seal.service.js';
import { AuditQueries } from './audit.queries.js';
import { AuditResolver } from './audit.resolver.js';

@Module({
  controllers: [AuditExportController],
  providers: [AuditQueries, AccessLogQueries, AuditSealService, AuditResolver, AccessLogPlugin],
  exports: [AuditSealService, AuditQueries],
})
export class AuditModule {}
