import { createReadStream } from 'node:fs';
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
import { EXPORT_FORMATS } from '../snapshots/snapshot-export.formats.js';
import { ExportJobs } from './export-jobs.service.js';
import { EXPORT_ROLES } from './export-jobs.scope.js';

/**
 * `GET /exports/jobs/<job id>/<file name>`: a finished export job's file, for the roles and scopes that may see the
 * job. The name carries the snapshot's content hash; `x-content-sha256` and `digest` carry the file's. Every download
 * is in the access log before a byte is sent. A file no longer on this machine's disk is rebuilt from the snapshot
 * (the same bytes) and served only when its SHA-256 is the recorded one.
 */
@Controller('exports/jobs')
@UseFilters(ApiErrorHttpFilter)
export class ExportJobFileController {
  private readonly hashKey: Buffer;

  constructor(
    private readonly jobs: ExportJobs,
    private readonly dataSource: DataSource,
    @Inject(PRIVACY_MASTER_KEY) masterKey: MasterKey,
  ) {
    this.hashKey = accessLogHashKey(masterKey.key);
  }

  @Get(':jobId/:name')
  @Authorize({ roles: EXPORT_ROLES, scope: { inHandler: true } })
  async download(@Param('jobId') jobId: string, @Param('name') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const actor = verifiedActor({ actor: actorOf(req) });
    const job = await this.jobs.get(actor, jobId).catch((err: unknown) => {
      throw err instanceof DomainError ? new ApiError(err.code, err.message, err.field) : err;
    });
    if (job.state !== 'SUCCEEDED') throw new ApiError('EXPORT_NOT_READY', `The export job is ${job.state}; its files are there once it SUCCEEDED`, 'jobId');
    const file = job.files.find((f) => f.name === name);
    if (!file) throw new ApiError('NOT_FOUND', `The job has no file ${name}; its files: ${job.files.map((f) => f.name).join(', ')}`, 'name');
    await recordAccess(
      (sql, params) => this.dataSource.query(sql, params),
      {
        actorId: actor.id,
        actorRole: actor.role,
        channel: 'http-export',
        operationType: 'export',
        operationName: 'snapshotExport',
        rootFields: ['exportJobFile'],
        trialIds: job.trialId !== null ? [job.trialId] : [],
        programmeIds: job.programmeId !== null ? [job.programmeId] : [],
        variables: { jobId: job.id, snapshotId: job.snapshotId, format: EXPORT_FORMATS[job.format].slug },
        correlationId: typeof req.headers['x-correlation-id'] === 'string' ? req.headers['x-correlation-id'] : null,
      },
      this.hashKey,
    );
    let path = this.jobs.filePath(job.id, file.name);
    if (!(await this.jobs.fileExists(path))) {
      const rebuilt = await this.jobs.writeFile(job.id, await this.jobs.snapshotOf(job), job.format);
      if (rebuilt.sha256 !== file.sha256) throw new Error(`export job ${job.id}: the rebuilt ${file.name} does not have the recorded SHA-256`);
      path = rebuilt.path;
    }
    res.status(200);
    res.setHeader('content-type', file.mediaType);
    res.setHeader('content-length', String(file.bytes));
    res.setHeader('content-disposition', `attachment; filename="${file.name}"`);
    res.setHeader('x-content-sha256', file.sha256);
    res.setHeader('digest', `sha-256=${Buffer.from(file.sha256, 'hex').toString('base64')}`);
    res.setHeader('x-snapshot-id', job.snapshotId!);
    res.setHeader('x-snapshot-content-hash', job.snapshotContentHash!);
    await pipeline(createReadStream(path), res);
  }
}
