import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Inject, Param, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '#domain';
import { DataSource } from 'typeorm';
import { ApiErrorHttpFilter } from '../auth/api-error.http-filter.js';
import { actorOf } from '../auth/authentication.middleware.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { accessLogHashKey, recordAccess } from '../audit/access-log.writer.js';
import { verifiedActor } from '../commands/command-origin.js';
import { ApiError } from '../graphql/error-mapping.js';
import { PRIVACY_MASTER_KEY, type MasterKey } from '../privacy/master-key.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import { EXPORT_FORMATS, exportFileName, formatOfSlug } from './snapshot-export.formats.js';
import { exportSnapshot } from './snapshot-export.writer.js';
import { SnapshotQueries } from './snapshots.queries.js';
import { SNAPSHOT_READERS } from './snapshots.scope.js';

/**
 * `GET /exports/snapshots/<id>.<format>`: a frozen snapshot in one export format (snapshot-export.formats.ts), for the
 * roles that may read the snapshot, within their scope. The file is built from the kept rows into a scratch file first,
 * so the answer carries its SHA-256 (`x-content-sha256`, `digest`) and length; its name carries the snapshot's hash.
 * Every download is in the access log (who, which snapshot, which format) before a byte is sent.
 */
@Controller('exports/snapshots')
@UseFilters(ApiErrorHttpFilter)
export class SnapshotExportController {
  private readonly hashKey: Buffer;

  constructor(
    private readonly snapshots: SnapshotQueries,
    private readonly dataSource: DataSource,
    @Inject(PRIVACY_MASTER_KEY) masterKey: MasterKey,
    private readonly privacy: PrivacyService,
  ) {
    this.hashKey = accessLogHashKey(masterKey.key);
  }

  @Get(':file')
  @Authorize({ roles: SNAPSHOT_READERS, scope: { inHandler: true } })
  async download(@Param('file') file: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const dot = file.lastIndexOf('.');
    const format = dot > 0 ? formatOfSlug(file.slice(dot + 1)) : undefined;
    if (!format) {
      throw new ApiError(
        'BAD_USER_INPUT',
        `name the file <snapshot id>.<format>, format one of ${Object.values(EXPORT_FORMATS)
          .map((f) => f.slug)
          .join(', ')}`,
        'format',
      );
    }
    const actor = verifiedActor({ actor: actorOf(req) });
    const snapshot = await this.snapshots.get(actor, file.slice(0, dot)).catch((err: unknown) => {
      // A plain route answers with the code's REST status (SNAPSHOT_NOT_FOUND: 404), as ApiErrorHttpFilter maps it.
      throw err instanceof DomainError ? new ApiError(err.code, err.message, err.field) : err;
    });
    if (snapshot.scope.kind === 'programme' && !EXPORT_FORMATS[format].programmes) {
      throw new ApiError('BAD_USER_INPUT', `${EXPORT_FORMATS[format].slug} describes a trial; a programme snapshot has no such export`, 'format');
    }
    await recordAccess(
      (sql, params) => this.dataSource.query(sql, params),
      {
        actorId: actor.id,
        actorRole: actor.role,
        channel: 'http-export',
        operationType: 'export',
        operationName: 'snapshotExport',
        rootFields: ['snapshotExport'],
        trialIds: snapshot.scope.kind === 'trial' ? [snapshot.scope.trialId] : [],
        programmeIds: snapshot.scope.kind === 'programme' ? [snapshot.scope.programmeId] : [],
        variables: { snapshotId: snapshot.id, format: EXPORT_FORMATS[format].slug },
        correlationId: typeof req.headers['x-correlation-id'] === 'string' ? req.headers['x-correlation-id'] : null,
      },
      this.hashKey,
    );
    await this.snapshots.ensureRows(snapshot);
    const dir = await mkdtemp(join(tmpdir(), 'registry-export-'));
    try {
      const path = join(dir, 'export');
      const written = await exportSnapshot(this.dataSource, snapshot, format, path, (ids, upTo) => this.privacy.openAtCut(ids, upTo));
      res.status(200);
      res.setHeader('content-type', EXPORT_FORMATS[format].mediaType);
      res.setHeader('content-length', String(written.bytes));
      res.setHeader('content-disposition', `attachment; filename="${exportFileName(snapshot, format)}"`);
      res.setHeader('x-content-sha256', written.sha256);
      res.setHeader('digest', `sha-256=${Buffer.from(written.sha256, 'hex').toString('base64')}`);
      res.setHeader('x-snapshot-id', snapshot.id);
      res.setHeader('x-snapshot-content-hash', snapshot.manifest.contentHash);
      await pipeline(createReadStream(path), res);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
