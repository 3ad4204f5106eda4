import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  decideExportStart,
  DomainError,
  effectiveExportJobState,
  EXPORT_JOB_STALE_MS,
  ExportJobErrors,
  reject,
  type ExportJobState,
  type SnapshotScope,
} from '#domain';
import { canonicalJson } from '#event-store';
import { APP_CONFIG, type AppConfig } from '#runtime';
import { DataSource } from 'typeorm';
import type { SnapshotExportFormat } from '../../../../graphql/generated/graphql.types.js';
import type { VerifiedActor } from '../auth/actor.js';
import { accessLogHashKey, recordAccess } from '../audit/access-log.writer.js';
import { inProcessActor, originFor } from '../commands/command-origin.js';
import { recordId } from '../commands/record-id.js';
import { ApiError } from '../graphql/error-mapping.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import { PRIVACY_MASTER_KEY, type MasterKey } from '../privacy/master-key.js';
import { FreezeAnalysisSnapshotCommand } from '../snapshots/freeze-analysis-snapshot.handler.js';
import { EXPORT_FORMATS, exportFileName } from '../snapshots/snapshot-export.formats.js';
import { exportSnapshot, type WrittenExport } from '../snapshots/snapshot-export.writer.js';
import { SnapshotQueries, type FrozenSnapshot } from '../snapshots/snapshots.queries.js';
import { assertExportScope, assertMayFreezeForExport } from './export-jobs.scope.js';

export interface ExportJobFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

interface JobRow {
  job_id: string;
  command_id: string;
  fingerprint: unknown;
  actor_id: string;
  actor_role: string;
  trial_id: string | null;
  programme_id: string | null;
  format: SnapshotExportFormat;
  snapshot_id: string | null;
  content_hash: string | null;
  state: ExportJobState;
  attempt: number;
  rows_done: number;
  rows_total: number | null;
  files: ExportJobFile[];
  error_code: string | null;
  error_message: string | null;
  created_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
}

export interface StartExportRequest {
  readonly commandId: string;
  readonly snapshotId?: string | null;
  readonly scope: SnapshotScope;
  readonly format: SnapshotExportFormat;
}

/** How often a running job writes its progress and heartbeat (far below EXPORT_JOB_STALE_MS). */
const HEARTBEAT_MS = 2_000;

const scopeOfRow = (r: Pick<JobRow, 'trial_id' | 'programme_id'>): SnapshotScope =>
  r.trial_id !== null ? { kind: 'trial', trialId: r.trial_id } : { kind: 'programme', programmeId: r.programme_id! };

export const exportJobFileUrl = (jobId: string, name: string) => `/exports/jobs/${encodeURIComponent(jobId)}/${encodeURIComponent(name)}`;

/** The job as the API shows it (graphql/export-jobs.graphql ExportJob). */
function viewOf(r: JobRow, now = new Date()) {
  const { state, interrupted } = effectiveExportJobState({ state: r.state, heartbeatAt: r.heartbeat_at }, now);
  return {
    id: r.job_id,
    commandId: r.command_id,
    state,
    format: r.format,
    trialId: r.trial_id,
    programmeId: r.programme_id,
    snapshotId: r.snapshot_id,
    snapshotContentHash: r.content_hash,
    rowsDone: r.rows_done,
    rowsTotal: r.rows_total,
    attempt: r.attempt,
    files: state === 'SUCCEEDED' ? r.files.map((f) => ({ ...f, mediaType: EXPORT_FORMATS[r.format].mediaType, url: exportJobFileUrl(r.job_id, f.name) })) : [],
    errorCode: interrupted ? ExportJobErrors.EXPORT_INTERRUPTED : r.error_code,
    errorMessage: interrupted ? 'The process running the export stopped; start it again with the same commandId' : r.error_message,
    startedBy: r.actor_id,
    createdAt: r.created_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
  };
}
export type ExportJobView = ReturnType<typeof viewOf>;

/**
 * Export jobs (issue 17): `startExport` records a job row and runs it in this process without the client waiting;
 * the row is the job's state, written as it runs (freezing, then exporting with subjects done of total, a heartbeat),
 * so any API instance answers `exportJob`. The file goes to DATA_DIR/exports/<job id>/<file name>; the same snapshot
 * gives the same bytes, so a file lost with a machine is rebuilt from the snapshot on download and checked against
 * the recorded SHA-256. Every update names the attempt it belongs to: a run that was given up (its heartbeat went
 * stale, the client restarted it) can no longer overwrite the new attempt's state.
 */
@Injectable()
export class ExportJobs implements OnApplicationShutdown {
  private readonly logger = new Logger('ExportJobs');
  private readonly hashKey: Buffer;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly snapshots: SnapshotQueries,
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PRIVACY_MASTER_KEY) masterKey: MasterKey,
    private readonly privacy: PrivacyService,
  ) {
    this.hashKey = accessLogHashKey(masterKey.key);
  }

  async onApplicationShutdown(): Promise<void> {
    // Jobs still running are left to the heartbeat: they show as interrupted and are restarted by the client.
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => setTimeout(r, 1000))]);
  }

  filePath(jobId: string, name: string): string {
    return join(this.config.DATA_DIR, 'exports', jobId, name);
  }

  async start(actor: VerifiedActor, request: StartExportRequest, correlationId: string): Promise<ExportJobView> {
    assertExportScope(actor, request.scope);
    if (request.snapshotId == null) assertMayFreezeForExport(actor);
    originFor(actor, request, correlationId); // checks the commandId's form before it becomes an id
    if (request.scope.kind === 'programme' && !EXPORT_FORMATS[request.format].programmes) {
      throw new ApiError('BAD_USER_INPUT', `${EXPORT_FORMATS[request.format].slug} describes a trial; a programme snapshot has no such export`, 'format');
    }
    // An unknown trial or programme is refused now, with its field, rather than as a job that fails later.
    const known = (await this.dataSource.query(
      request.scope.kind === 'trial'
        ? `SELECT 1 FROM read_model.trials WHERE trial_id = $1`
        : `SELECT 1 FROM read_model.screening_programmes WHERE programme_id = $1`,
      [request.scope.kind === 'trial' ? request.scope.trialId : request.scope.programmeId],
    )) as unknown[];
    if (known.length === 0) {
      const field = request.scope.kind === 'trial' ? 'trialId' : 'programmeId';
      throw new ApiError('NOT_FOUND', `no ${request.scope.kind} with that id in the registry`, field);
    }
    if (request.snapshotId != null) {
      const snapshot = await this.snapshots.get(actor, request.snapshotId);
      if (canonicalJson(snapshot.scope as never) !== canonicalJson(request.scope as never)) {
        reject(ExportJobErrors.SNAPSHOT_SCOPE_MISMATCH, 'snapshotId', 'The snapshot is not of the trial or programme given');
      }
    }
    const jobId = recordId(request.commandId, 'export-job');
    const fingerprint = { scope: request.scope, snapshotId: request.snapshotId ?? null, format: request.format };
    const existing = await this.row(jobId);
    const decision = decideExportStart(
      existing && { state: existing.state, fingerprint: canonicalJson(existing.fingerprint as never), heartbeatAt: existing.heartbeat_at },
      canonicalJson(fingerprint as never),
      new Date(),
    );
    switch (decision.kind) {
      case 'conflict':
        throw new ApiError('IDEMPOTENCY_CONFLICT', 'this commandId was already used for a different export', 'commandId');
      case 'answer':
        return viewOf(existing!);
      case 'create': {
        const [created] = (await this.dataSource.query(
          `INSERT INTO read_model.export_jobs (job_id, command_id, fingerprint, actor_id, actor_role, trial_id, programme_id, format, snapshot_id, state)
           VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, 'QUEUED') ON CONFLICT (job_id) DO NOTHING RETURNING *`,
          [
            jobId,
            request.commandId,
            JSON.stringify(fingerprint),
            actor.id,
            actor.role,
            request.scope.kind === 'trial' ? request.scope.trialId : null,
            request.scope.kind === 'programme' ? request.scope.programmeId : null,
            request.format,
            request.snapshotId ?? null,
          ],
        )) as JobRow[];
        // A concurrent repeat inserted it first: answer that one (its fingerprint was checked by the same rule).
        if (!created) return this.start(actor, request, correlationId);
        this.launch(created, actor, correlationId);
        return viewOf(created);
      }
      case 'restart': {
        // TypeORM answers an UPDATE … RETURNING with [rows, affected].
        const [[restarted]] = (await this.dataSource.query(
          `UPDATE read_model.export_jobs SET state = 'QUEUED', attempt = attempt + 1, rows_done = 0, files = '[]'::jsonb, error_code = NULL,
             error_message = NULL, heartbeat_at = now(), finished_at = NULL
           WHERE job_id = $1 AND attempt = $2 AND (state = 'FAILED' OR heartbeat_at < now() - make_interval(secs => $3::double precision)) RETURNING *`,
          [jobId, existing!.attempt, EXPORT_JOB_STALE_MS / 1000],
        )) as [JobRow[], number];
        if (!restarted) return viewOf((await this.row(jobId))!);
        this.launch(restarted, actor, correlationId);
        return viewOf(restarted);
      }
    }
  }

  /** The job if the actor may see it; FORBIDDEN (confined actor) or EXPORT_JOB_NOT_FOUND otherwise. */
  async get(actor: VerifiedActor, jobId: string): Promise<ExportJobView> {
    const row = await this.row(jobId);
    assertExportScope(actor, row ? scopeOfRow(row) : undefined);
    if (!row) return reject(ExportJobErrors.EXPORT_JOB_NOT_FOUND, 'id', `No export job ${jobId}`);
    return viewOf(row);
  }

  /** The snapshot of a finished job, for its download (the caller has checked the job's scope). */
  snapshotOf(view: ExportJobView): Promise<FrozenSnapshot> {
    return this.snapshots.get(inProcessActor('export-job', 'admin'), view.snapshotId!);
  }

  /** Writes the job's file for `snapshot` to its place (via a scratch name: a half-written file is never served). */
  async writeFile(jobId: string, snapshot: FrozenSnapshot, format: SnapshotExportFormat, onSubject?: (n: number) => void) {
    const name = exportFileName(snapshot, format);
    const path = this.filePath(jobId, name);
    await mkdir(join(this.config.DATA_DIR, 'exports', jobId), { recursive: true });
    const scratch = `${path}.${process.pid}.part`;
    try {
      await this.snapshots.ensureRows(snapshot);
      const written: WrittenExport = await exportSnapshot(
        this.dataSource,
        snapshot,
        format,
        scratch,
        // Year of birth and sex opened at the snapshot's cut, as the download route does (never kept in the rows).
        (ids, upTo) => this.privacy.openAtCut(ids, upTo),
        onSubject,
      );
      await rename(scratch, path);
      return { name, path, ...written };
    } catch (err) {
      await rm(scratch, { force: true });
      throw err;
    }
  }

  async fileExists(path: string): Promise<boolean> {
    return access(path).then(
      () => true,
      () => false,
    );
  }

  private async row(jobId: string): Promise<JobRow | undefined> {
    const [r] = (await this.dataSource.query(`SELECT * FROM read_model.export_jobs WHERE job_id = $1`, [jobId])) as JobRow[];
    return r;
  }

  private launch(job: JobRow, actor: VerifiedActor, correlationId: string): void {
    const run = this.run(job, actor, correlationId).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async run(job: JobRow, actor: VerifiedActor, correlationId: string): Promise<void> {
    let done = 0;
    const update = (set: string, params: unknown[] = []) =>
      this.dataSource.query(`UPDATE read_model.export_jobs SET heartbeat_at = now(), ${set} WHERE job_id = $1 AND attempt = $2`, [
        job.job_id,
        job.attempt,
        ...params,
      ]);
    const beat = setInterval(() => {
      update('rows_done = $3', [done]).catch((err: unknown) => this.logger.warn(`export job ${job.job_id}: heartbeat not written: ${String(err)}`));
    }, HEARTBEAT_MS);
    try {
      let snapshotId = job.snapshot_id;
      if (snapshotId === null) {
        await update(`state = 'FREEZING'`);
        // The freeze's own commandId is the job id: a restarted job freezes nothing new, it finds the same snapshot.
        snapshotId = recordId(job.job_id, 'snapshot');
        const origin = { ...originFor(actor, { commandId: job.job_id }, correlationId), reason: `export ${EXPORT_FORMATS[job.format].slug}` };
        await this.commands.execute(
          new FreezeAnalysisSnapshotCommand(
            { snapshotId, scope: scopeOfRow(job), position: null, asOf: null, purpose: `export ${EXPORT_FORMATS[job.format].slug}`, reason: 'export' },
            origin,
            actor,
          ),
        );
      }
      const snapshot = await this.snapshots.get(inProcessActor('export-job', 'admin'), snapshotId);
      const subjects = snapshot.manifest.rowCounts.find((t) => t.table === 'subjects')?.rows ?? 0;
      await update(`state = 'EXPORTING', snapshot_id = $3, content_hash = $4, rows_total = $5, rows_done = 0`, [
        snapshot.id,
        snapshot.manifest.contentHash,
        subjects,
      ]);
      // Who exported which snapshot in which format, before a byte is written.
      await recordAccess(
        (sql, params) => this.dataSource.query(sql, params),
        {
          actorId: actor.id,
          actorRole: actor.role,
          channel: 'export-job',
          operationType: 'export',
          operationName: 'snapshotExport',
          rootFields: ['startExport'],
          trialIds: snapshot.scope.kind === 'trial' ? [snapshot.scope.trialId] : [],
          programmeIds: snapshot.scope.kind === 'programme' ? [snapshot.scope.programmeId] : [],
          variables: { jobId: job.job_id, snapshotId: snapshot.id, format: EXPORT_FORMATS[job.format].slug },
          correlationId,
        },
        this.hashKey,
      );
      const file = await this.writeFile(job.job_id, snapshot, job.format, (n) => (done = n));
      const files: ExportJobFile[] = [{ name: file.name, bytes: file.bytes, sha256: file.sha256 }];
      await update(`state = 'SUCCEEDED', rows_done = $3, files = $4::jsonb, finished_at = now()`, [done, JSON.stringify(files)]);
    } catch (err) {
      const code = err instanceof DomainError || err instanceof ApiError ? err.code : 'EXPORT_FAILED';
      const message = err instanceof DomainError || err instanceof ApiError ? err.message : 'The export failed; see the server log';
      this.logger.error(`export job ${job.job_id} attempt ${job.attempt} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      await update(`state = 'FAILED', error_code = $3, error_message = $4, finished_at = now()`, [code, message]).catch(() => undefined);
    } finally {
      clearInterval(beat);
    }
  }
}
