import { createHash } from 'node:crypto';
import { sameMeasurement } from './same-measurement.js';
import { Injectable, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { DomainError, subjectDecider, subjectStreamId, type RecordMeasurement, type SubjectState } from '#domain';
import {
  parseMeasurementRows,
  resolveMeasurementReport,
  rowIdempotencyKey,
  rowReport,
  type InteropProblem,
  type SubjectReference,
  type RowFormat,
  type RowSource,
} from '#interop';
import type { VerifiedActor } from '../auth/actor.js';
import { originFor } from '../commands/command-origin.js';
import { CommandRunner } from '../commands/command-runner.js';
import { RequestRateLimiter } from '../hardening/rate-limit.middleware.js';
import { SubjectBatchCommand, type BatchInputItem, type BatchReceipt } from '../subjects/subject-batch.handler.js';
import { SubjectCommandHandler } from '../subjects/subject-command.handler.js';
import { ReadModelRegistryResolver, subjectAccess } from './read-model.registry-resolver.js';
import { columnOf } from './registry-resolver.mapping.js';

/** Rows written per batch (the batch allows 1,000): a subject's rows within one chunk are recorded together or not at all. */
export const IMPORT_CHUNK_ROWS = 500;
/** Refused rows kept for the answer; beyond it they are counted only (the file itself is the record). */
export const MAX_REPORTED_REFUSALS = 10_000;

export interface RowProblem {
  readonly code: string;
  readonly column: string;
  readonly message: string;
}

export interface RefusedRow {
  readonly row: number;
  readonly problems: readonly RowProblem[];
  /** The row's fields as read (null when the row could not be read at all). */
  readonly fields: Readonly<Record<string, string>> | null;
}

export interface ImportSummary {
  readonly format: RowFormat;
  rows: number;
  accepted: number;
  replayed: number;
  refused: number;
  /** False when the file stopped being readable (a broken CSV quote) or the size limit was hit: rows after it were not read. */
  complete: boolean;
  readonly refusedRows: RefusedRow[];
  /** Refused rows counted but not listed (beyond MAX_REPORTED_REFUSALS). */
  refusedRowsOmitted: number;
}

type Pending =
  | {
      readonly kind: 'command';
      readonly row: number;
      readonly key: string;
      readonly command: RecordMeasurement;
      readonly fields: Readonly<Record<string, string>> | null;
    }
  | { readonly kind: 'refused'; readonly row: number; readonly key: string; readonly subjectId: string };

/**
 * Loads a measurement file (CSV / NDJSON, libs/interop columns) row by row: parse and validate (libs/interop), resolve
 * against the read models, then write in chunks through the one batch write path (SubjectBatchCommand, the handler of
 * `recordMeasurements`). Nothing is buffered beyond one chunk.
 *
 * Idempotent per row and resumable: a row's measurement id is a UUID v5 of its key (libs/interop `measurementIdFor`)
 * and a chunk's commandId a hash of its rows, so the same file again replays chunk by chunk (nothing appended,
 * counted `replayed`); a file resumed after a crash, or chunked differently, finds its rows already recorded
 * (DUPLICATE_MEASUREMENT on the same id with the same content → replayed) and sends the rest of their subjects again.
 */
@Injectable()
export class MeasurementImportService {
  constructor(
    private readonly commands: CommandBus,
    private readonly runner: CommandRunner,
    private readonly subjects: SubjectCommandHandler,
    private readonly dataSource: DataSource,
    @Optional() private readonly rateLimit?: RequestRateLimiter,
  ) {}

  async import(
    source: RowSource,
    format: RowFormat,
    actor: VerifiedActor,
    correlationId: string,
    onProgress?: (s: ImportSummary) => void,
  ): Promise<ImportSummary> {
    const resolver = new ReadModelRegistryResolver(
      (sql, params) => this.dataSource.query(sql, [...params]),
      actor,
      subjectAccess(this.runner, (a, c, s) => this.subjects.authorizeScope(a, c, s)),
    );
    const summary: ImportSummary = { format, rows: 0, accepted: 0, replayed: 0, refused: 0, complete: true, refusedRows: [], refusedRowsOmitted: 0 };
    const refuse = (row: number, problems: readonly RowProblem[], fields: Readonly<Record<string, string>> | null) => {
      summary.refused += 1;
      if (summary.refusedRows.length < MAX_REPORTED_REFUSALS) summary.refusedRows.push({ row, problems, fields });
      else summary.refusedRowsOmitted += 1;
    };
    const fromInterop = (problems: readonly InteropProblem[], fields: Readonly<Record<string, string>> | null): RowProblem[] =>
      problems.map((p) => ({ code: p.code, column: columnOf(p.path, fields), message: p.message }));

    let chunk: Pending[] = [];
    for await (const r of parseMeasurementRows(source, format)) {
      if (r.row === 0) {
        // The header (or, for NDJSON, nothing readable): the whole file is refused before any row.
        throw new DomainError('IMPORT_INVALID_HEADER', r.problems[0]?.path || undefined, r.problems.map((p) => p.message).join('; '), {
          problems: fromInterop(r.problems, null),
        });
      }
      summary.rows += 1;
      if (!r.item) {
        refuse(r.row, fromInterop(r.problems, r.fields), r.fields);
        await this.holdSubject(chunk, r.row, r.fields, resolver);
        if (r.problems.some((p) => p.code === 'INVALID_CSV' && p.path === '' && r.fields === null && /^Unreadable/.test(p.message))) summary.complete = false;
        continue;
      }
      const resolved = await resolveMeasurementReport(rowReport(r, format), resolver);
      if (!resolved.ok) {
        refuse(r.row, fromInterop(resolved.problems, r.fields), r.fields);
        await this.holdSubject(chunk, r.row, r.fields, resolver);
      } else {
        for (const m of resolved.measurements) chunk.push({ kind: 'command', row: r.row, key: m.idempotencyKey, command: m.command, fields: r.fields });
      }
      if (chunk.length >= IMPORT_CHUNK_ROWS) {
        await this.write(chunk, actor, correlationId, summary, refuse);
        chunk = [];
        onProgress?.(summary);
      }
    }
    if (chunk.length) await this.write(chunk, actor, correlationId, summary, refuse);
    onProgress?.(summary);
    summary.refusedRows.sort((a, b) => a.row - b.row);
    return summary;
  }

  /**
   * A refused row still goes with its chunk (as an input refusal, like an item recordMeasurements refuses before
   * deciding) when it names a subject in scope: the batch then records none of that subject's rows in the chunk.
   */
  private async holdSubject(
    chunk: Pending[],
    row: number,
    fields: Readonly<Record<string, string>> | null,
    resolver: ReadModelRegistryResolver,
  ): Promise<void> {
    const ref: SubjectReference | null = fields?.['subject_id']
      ? { kind: 'id', subjectId: fields['subject_id'] }
      : fields?.['subject_pseudonym']
        ? { kind: 'pseudonym', pseudonym: fields['subject_pseudonym'] }
        : null;
    if (!ref) return;
    const subject = await resolver.resolveSubject(ref);
    if (subject.ok) chunk.push({ kind: 'refused', row, key: rowIdempotencyKey(fields!), subjectId: subject.value.subjectId });
  }

  /** One chunk through the batch handler; rows found recorded already are replays, and their subjects' other rows go again. */
  private async write(
    chunk: readonly Pending[],
    actor: VerifiedActor,
    correlationId: string,
    summary: ImportSummary,
    refuse: (row: number, p: RowProblem[], f: Readonly<Record<string, string>> | null) => void,
  ): Promise<void> {
    let pending = chunk;
    for (let round = 0; round < 3 && pending.some((p) => p.kind === 'command'); round++) {
      const items = pending.map((p, index): BatchInputItem =>
        p.kind === 'command'
          ? { index, command: p.command, fingerprint: { key: p.key, command: p.command } }
          : {
              index,
              error: new DomainError('IMPORT_ROW_REFUSED', undefined, `Row ${p.row} was refused`),
              fingerprint: { subjectId: p.subjectId, key: p.key, refused: true },
            },
      );
      await this.rateLimit?.chargeBatch(actor, items.length);
      // The commandId is the chunk's content: the same rows again are the same batch (replayed by the handler).
      const commandId = `import:${createHash('sha256')
        .update(JSON.stringify(items.map((i) => i.fingerprint)))
        .digest('hex')
        .slice(0, 48)}`;
      const receipt: BatchReceipt = await this.commands.execute(new SubjectBatchCommand(items, originFor(actor, { commandId }, correlationId), actor));

      const duplicateOnly = new Map<string, boolean>();
      const results = receipt.items.map((res) => ({ res, p: pending[res.index]! }));
      for (const { res, p } of results) {
        if (p.kind !== 'command' || !res.error || res.error.code === 'BATCH_SUBJECT_REJECTED') continue;
        const dup = res.error.code === 'DUPLICATE_MEASUREMENT';
        duplicateOnly.set(p.command.subjectId, (duplicateOnly.get(p.command.subjectId) ?? true) && dup);
      }
      for (const p of pending) if (p.kind === 'refused') duplicateOnly.set(p.subjectId, false);

      const again: Pending[] = [];
      const states = new Map<string, Promise<SubjectState>>();
      for (const { res, p } of results) {
        if (p.kind !== 'command') continue;
        if (res.receipt) {
          if (res.receipt.replayed) summary.replayed += 1;
          else summary.accepted += 1;
          continue;
        }
        const error = res.error!;
        if (error.code === 'DUPLICATE_MEASUREMENT') {
          const subjectId = p.command.subjectId;
          if (!states.has(subjectId)) states.set(subjectId, this.runner.load(subjectStreamId(subjectId), subjectDecider));
          if (sameMeasurement(await states.get(subjectId)!, p.command)) summary.replayed += 1;
          else
            refuse(
              p.row,
              [{ code: 'IMPORT_KEY_CONFLICT', column: 'measurement_key', message: 'A measurement with this row key is recorded already, with other content' }],
              p.fields,
            );
        } else if (error.code === 'BATCH_SUBJECT_REJECTED' && duplicateOnly.get(p.command.subjectId) === true) {
          again.push(p);
        } else if (error.code === 'BATCH_SUBJECT_REJECTED') {
          refuse(
            p.row,
            [
              {
                code: error.code,
                column: '',
                message: "Not recorded: another row of this subject in the same chunk was refused, and a subject's rows are recorded together or not at all",
              },
            ],
            p.fields,
          );
        } else {
          refuse(p.row, [{ code: error.code, column: columnOf(error.field ?? '', p.fields), message: error.message }], p.fields);
        }
      }
      pending = again;
    }
    for (const p of pending)
      if (p.kind === 'command')
        refuse(p.row, [{ code: 'BUSY', column: '', message: 'Not recorded: its subject kept changing under the import; send the file again' }], p.fields);
  }
}
