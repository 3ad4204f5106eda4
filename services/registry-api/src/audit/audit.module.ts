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
import { FileSealSink, journalFileName, SEAL_JOURNAL, SealJournal } from './seal-journal.js';
import { loadSealSigner, SEAL_SIGNER } from './seal-signing.js';

/** Seals are also journaled outside the database, in AUDIT_ANCHOR_DIR (default DATA_DIR/audit-anchor), one file per database. */
const sealJournal = {
  provide: SEAL_JOURNAL,
  inject: [DataSource, { token: APP_CONFIG, optional: true }],
  useFactory: (ds: DataSource, config?: AppConfig) => {
    const url = (ds.options as { url?: string }).url ?? 'postgres://localhost/registry';
    return new SealJournal(new FileSealSink(config?.AUDIT_ANCHOR_DIR ?? join(config?.DATA_DIR ?? './.data', 'audit-anchor'), journalFileName(url)));
  },
};

/** The seal signing key (AUDIT_SEAL_SIGNING_KEY, or the development key file) and the keys accepted; a bad key stops the boot. */
const sealSigner = {
  provide: SEAL_SIGNER,
  inject: [{ token: APP_CONFIG, optional: true }],
  useFactory: (config?: AppConfig) =>
    loadSealSigner({
      NODE_ENV: config?.NODE_ENV ?? 'development',
      DATA_DIR: config?.DATA_DIR ?? './.data',
      AUDIT_SEAL_SIGNING_KEY: config?.AUDIT_SEAL_SIGNING_KEY,
      AUDIT_SEAL_VERIFY_KEYS: config?.AUDIT_SEAL_VERIFY_KEYS,
    }),
};

@Module({
  controllers: [AuditExportController],
  providers: [AuditQueries, AccessLogQueries, sealJournal, sealSigner, AuditSealService, AuditResolver, AccessLogPlugin],
  exports: [AuditSealService, AuditQueries, SEAL_JOURNAL],
})
export class AuditModule {}
