import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '#runtime';
import { AccessLogPlugin } from './access-log.plugin.js';
import { AccessLogQueries } from './access-log.queries.js';
import { AuditExportController } from './audit-export.controller.js';
import { AuditSealService } from './audit-seal.service.js';
import { AuditQueries } from './audit.queries.js';
import { AuditResolver } from './audit.resolver.js';
import { anchorFileName, FileSealAnchor, SEAL_ANCHOR } from './seal-anchor.js';

/** Seals are also kept outside the database, in AUDIT_ANCHOR_DIR (default DATA_DIR/audit-anchor), one file per database. */
const sealAnchor = {
  provide: SEAL_ANCHOR,
  inject: [DataSource, { token: APP_CONFIG, optional: true }],
  useFactory: (ds: DataSource, config?: AppConfig) => {
    const url = (ds.options as { url?: string }).url ?? 'postgres://localhost/registry';
    return new FileSealAnchor(config?.AUDIT_ANCHOR_DIR ?? join(config?.DATA_DIR ?? './.data', 'audit-anchor'), anchorFileName(url));
  },
};

@Module({
  controllers: [AuditExportController],
  providers: [AuditQueries, AccessLogQueries, sealAnchor, AuditSealService, AuditResolver, AccessLogPlugin],
  exports: [AuditSealService, AuditQueries, SEAL_ANCHOR],
})
export class AuditModule {}
