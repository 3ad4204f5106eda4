import { createHash } from 'node:crypto';
import { sameMeasurement } from './same-measurement.js';
import { Injectable, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { subjectDecider, subjectStreamId } from '#domain';
import { mapDicomSrPart10, resolveMeasurementReport, type StowInstanceResult, type StowProblem } from '#interop';
import type { VerifiedActor } from '../auth/actor.js';
import { originFor } from '../commands/command-origin.js';
import { CommandRunner } from '../commands/command-runner.js';
import { expectedError } from '../graphql/error-mapping.js';
import { RequestRateLimiter } from '../hardening/rate-limit.middleware.js';
import { MAX_BATCH_ITEMS, SubjectBatchCommand, type BatchInputItem, type BatchReceipt } from '../subjects/subject-batch.handler.js';
import { SubjectCommandHandler } from '../subjects/subject-command.handler.js';
import { ReadModelRegistryResolver, subjectAccess } from './read-model.registry-resolver.js';

/** Codes the write path adds to the mapper's and resolver's (libs/interop InteropProblems). */
export const SrWriteProblems = {
  /** The SOP Instance UID (with these Observation UIDs) is stored already, with other content: a changed report needs new UIDs. */
  REPORT_CHANGED: 'REPORT_CHANGED',
  /** More measurements than one atomic write holds (the batch path's limit). */
  REPORT_TOO_LARGE: 'REPORT_TOO_LARGE',
  /** A TID 1500 report whose measurement groups hold no measurement. */
  NO_MEASUREMENTS: 'NO_MEASUREMENTS',
} as const;

export interface SrStoreResult extends StowInstanceResult {
  /** Measurements the report holds (stored now or before). */
  readonly measurements: number;
  /** True when every measurement was recorded before (the same report again): nothing was appended. */
  readonly replayed: boolean;
}

/**
 * One DICOM SR TID 1500 document into the registry, all or nothing: libs/interop maps the content tree and resolves
 * it against the read models (ReadModelRegistryResolver: coded concepts → biomarkers, device → active algorithm
 * version, Patient ID → subject in the caller's scope, Study Instance UID → its registered study); then its
 * measurements go through the batch write path (SubjectBatchCommand, the handler of `recordMeasurements`) in one
 * batch. An SR names one patient, and a batch records a subject's items together or not at all, so a refused item
 * leaves nothing of the document written.
 *
 * Idempotent by SOP Instance UID + Observation UIDs: each measurement id is a UUID v5 of `<SOP Instance UID>/<Observation
 * UID>` (libs/interop measurementIdFor), and the batch's commandId a hash of the resolved items. The same report again
 * is the same batch (replayed by the handler, nothing appended); the same report resolved differently (a biomarker
 * revised since) finds every id recorded with the same content and counts as replayed too; a report that reuses the
 * UIDs with other content, or with measurements added, is refused with REPORT_CHANGED.
 */
@Injectable()
export class DicomSrImportService {
  constructor(
    private readonly commands: CommandBus,
    private readonly runner: CommandRunner,
    private readonly subjects: SubjectCommandHandler,
    private readonly dataSource: DataSource,
    @Optional() private readonly rateLimit?: RequestRateLimiter,
  ) {}

  /** A resolver for one request: its answers are cached across the request's instances. */
  resolverFor(actor: VerifiedActor): ReadModelRegistryResolver {
    return new ReadModelRegistryResolver(
      (sql, params) => this.dataSource.query(sql, [...params]),
      actor,
      subjectAccess(this.runner, (a, c, s) => this.subjects.authorizeScope(a, c, s)),
    );
  }

  async store(bytes: Uint8Array, actor: VerifiedActor, correlationId: string, resolver = this.resolverFor(actor)): Promise<SrStoreResult> {
    const mapped = mapDicomSrPart10(bytes);
    const sopInstanceUid = mapped.report.documentKey || null;
    const failed = (problems: readonly StowProblem[]): SrStoreResult => ({
      sopClassUid: mapped.sopClassUid,
      sopInstanceUid,
      problems,
      measurements: 0,
      replayed: false,
    });
    const resolved = await resolveMeasurementReport(mapped.report, resolver, { mappingProblems: mapped.problems });
    if (!resolved.ok) return failed(resolved.problems);
    // The read-model resolver never answers `register: true` (no registration policy yet): a study to register would
    // be a resolver change that this write path must learn about first.
    if (resolved.studiesToRegister.length)
      return failed(
        resolved.studiesToRegister.map((s) => ({ code: 'UNKNOWN_IMAGING_STUDY', path: '', message: `imaging study ${s.studyInstanceUid} is not registered` })),
      );
    const measurements = resolved.measurements;
    if (measurements.length === 0) return failed([{ code: SrWriteProblems.NO_MEASUREMENTS, path: '', message: 'The report holds no measurement' }]);
    if (measurements.length > MAX_BATCH_ITEMS)
      return failed([
        {
          code: SrWriteProblems.REPORT_TOO_LARGE,
          path: '',
          message: `The report holds ${measurements.length} measurements; one report is recorded at once, at most ${MAX_BATCH_ITEMS}`,
        },
      ]);
    const pathOf = new Map(mapped.report.items.map((i) => [i.idempotencyKey, i.source.path]));
    const items = measurements.map((m, index): BatchInputItem => ({ index, command: m.command, fingerprint: { key: m.idempotencyKey, command: m.command } }));
    await this.rateLimit?.chargeBatch(actor, items.length);
    const commandId = `dicom-sr:${createHash('sha256')
      .update(JSON.stringify(items.map((i) => i.fingerprint)))
      .digest('hex')
      .slice(0, 48)}`;
    let receipt: BatchReceipt;
    try {
      receipt = await this.commands.execute(new SubjectBatchCommand(items, originFor(actor, { commandId }, correlationId), actor));
    } catch (err) {
      const e = expectedError(err);
      if (!e || e.extensions.code === 'BUSY' || e.extensions.code === 'RATE_LIMITED') throw err;
      return failed([{ code: e.extensions.code, path: e.extensions.field ?? '', message: e.message }]);
    }
    if (receipt.items.every((r) => r.receipt))
      return {
        sopClassUid: mapped.sopClassUid,
        sopInstanceUid,
        problems: null,
        measurements: items.length,
        replayed: receipt.items.every((r) => r.receipt!.replayed),
      };

    const at = (index: number, field: string | null) => {
      const path = pathOf.get(measurements[index]!.idempotencyKey) ?? '';
      return field ? `${path}#${field}` : path;
    };
    const duplicates = receipt.items.filter((r) => r.error?.code === 'DUPLICATE_MEASUREMENT');
    if (duplicates.length) {
      const state = await this.runner.load(subjectStreamId(measurements[0]!.command.subjectId), subjectDecider);
      const changed = duplicates.filter((r) => !sameMeasurement(state, measurements[r.index]!.command));
      if (changed.length === 0 && duplicates.length === items.length)
        return { sopClassUid: mapped.sopClassUid, sopInstanceUid, problems: null, measurements: items.length, replayed: true };
      const dupIndexes = new Set(duplicates.map((r) => r.index));
      return failed([
        ...changed.map((r) => ({
          code: SrWriteProblems.REPORT_CHANGED,
          path: at(r.index, null),
          message: `${measurements[r.index]!.idempotencyKey} is stored with other content: a changed report needs a new SOP Instance UID and Observation UIDs`,
        })),
        ...items
          .filter((i) => !dupIndexes.has(i.index))
          .map((i) => ({
            code: SrWriteProblems.REPORT_CHANGED,
            path: at(i.index, null),
            message: `Not in the report stored under SOP Instance UID ${sopInstanceUid}: a changed report needs a new SOP Instance UID`,
          })),
      ]);
    }
    // Refusals of the deciders (e.g. a value outside the range an algorithm version may report); the other items of
    // the subject are BATCH_SUBJECT_REJECTED, which says only that the document is all or nothing.
    const refusals = receipt.items.filter((r) => r.error && r.error.code !== 'BATCH_SUBJECT_REJECTED');
    return failed(
      (refusals.length ? refusals : receipt.items.filter((r) => r.error)).map((r) => ({
        code: r.error!.code,
        path: at(r.index, r.error!.field),
        message: r.error!.message,
      })),
    );
  }
}
