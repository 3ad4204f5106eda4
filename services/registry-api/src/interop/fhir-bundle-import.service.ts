import { createHash } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Bundle } from '@medplum/fhirtypes';
import { DataSource } from 'typeorm';
import { subjectDecider, subjectStreamId, type SubjectState } from '#domain';
import {
  informationOutcome,
  issuesOfProblems,
  loadFhirValidator,
  mapFhirBundle,
  resolveMeasurementReport,
  type FhirIssue,
  type ResolvedMeasurement,
  type TransactionEntryResult,
} from '#interop';
import type { VerifiedActor } from '../auth/actor.js';
import { originFor } from '../commands/command-origin.js';
import { CommandRunner } from '../commands/command-runner.js';
import { RequestRateLimiter } from '../hardening/rate-limit.middleware.js';
import { MAX_BATCH_ITEMS, SubjectBatchCommand, type BatchInputItem, type BatchReceipt } from '../subjects/subject-batch.handler.js';
import { SubjectCommandHandler } from '../subjects/subject-command.handler.js';
import { sameMeasurement } from './same-measurement.js';
import { ReadModelRegistryResolver, subjectAccess } from './read-model.registry-resolver.js';

/** Most measurements one Bundle may record: one batch of the recordMeasurements path (a Bundle is one write). */
export const MAX_BUNDLE_MEASUREMENTS = MAX_BATCH_ITEMS;

/**
 * The answer to a posted Bundle: recorded (every measurement new or recorded before: the transaction-response
 * entries, index-aligned with the request's), or refused with every issue and nothing stored. `status` is the
 * HTTP status a FHIR server gives: 400 the Bundle is invalid (structure, validator, references), 422 it is valid
 * but not acceptable here (unknown subject, algorithm, concept; unit; the subject's own rules), 409 a measurement
 * with one of its identifiers is recorded with other content, 413 too many measurements.
 */
export type FhirBundleOutcome =
  | { readonly kind: 'recorded'; readonly entries: readonly TransactionEntryResult[]; readonly created: number; readonly replayed: number }
  | { readonly kind: 'refused'; readonly status: 400 | 409 | 413 | 422; readonly issues: readonly FhirIssue[] };

/** Problems of the Bundle itself (not of what it says about the registry): answered 400, as FHIR servers do. */
const STRUCTURAL = new Set([
  'FHIR_INVALID_RESOURCE',
  'FHIR_UNSUPPORTED_RESOURCE',
  'FHIR_UNRESOLVED_REFERENCE',
  'MISSING_ELEMENT',
  'INVALID_VALUE',
  'INVALID_DICOM_UID',
  'INVALID_DATE_TIME',
  'INVALID_JSON',
  'AMBIGUOUS_STUDY',
  'DUPLICATE_IDEMPOTENCY_KEY',
]);

/**
 * POST /fhir/Bundle behind the controller: validate (@medplum/core over the R4 definitions) → map (libs/interop) →
 * resolve against the read models (the same ReadModelRegistryResolver as /import: scope, active algorithm, catalogue)
 * → one SubjectBatchCommand, the recordMeasurements write path. The Bundle is all or nothing: it must name one
 * subject, because the batch path records a subject's items together or not at all, and that is the unit that is
 * atomic; a Bundle for several subjects could otherwise be half written when the decider refuses one of them.
 *
 * Idempotent: measurement ids derive from the Observations' identifiers (libs/interop `measurementIdFor`) and the
 * batch's commandId from its content, so the same Bundle again is replayed by the handler (nothing appended); a
 * Bundle whose Observations were recorded by another Bundle finds them DUPLICATE_MEASUREMENT with the same content
 * (200, nothing appended for them), and one with the same identifiers and other content is refused (409).
 */
@Injectable()
export class FhirBundleImportService {
  constructor(
    private readonly commands: CommandBus,
    private readonly runner: CommandRunner,
    private readonly subjects: SubjectCommandHandler,
    private readonly dataSource: DataSource,
    @Optional() private readonly rateLimit?: RequestRateLimiter,
  ) {}

  async submit(body: unknown, actor: VerifiedActor, correlationId: string): Promise<FhirBundleOutcome> {
    const validate = await loadFhirValidator();
    const { report, problems } = mapFhirBundle(body, validate);
    const resolver = new ReadModelRegistryResolver(
      (sql, params) => this.dataSource.query(sql, [...params]),
      actor,
      subjectAccess(this.runner, (a, c, s) => this.subjects.authorizeScope(a, c, s)),
    );
    const resolved = await resolveMeasurementReport(report, resolver, { mappingProblems: problems });
    if (!resolved.ok) {
      const issues = issuesOfProblems(resolved.problems, report.items);
      return { kind: 'refused', status: resolved.problems.some((p) => STRUCTURAL.has(p.code)) ? 400 : 422, issues };
    }
    const measurements = resolved.measurements;
    const itemOf = new Map(report.items.map((i) => [i.idempotencyKey, i]));
    const entryOf = (m: ResolvedMeasurement) => {
      const source = itemOf.get(m.idempotencyKey)!.source;
      return source.kind === 'fhir' ? source.entry : undefined;
    };
    if (measurements.length === 0)
      return { kind: 'refused', status: 400, issues: [issue('MISSING_ELEMENT', 'Bundle.entry', 'The Bundle has no measurement Observation', 'required')] };
    if (measurements.length > MAX_BUNDLE_MEASUREMENTS)
      return {
        kind: 'refused',
        status: 413,
        issues: [
          issue(
            'BUNDLE_TOO_LARGE',
            'Bundle.entry',
            `A Bundle records at most ${MAX_BUNDLE_MEASUREMENTS} measurements, this one ${measurements.length}: split it`,
            'too-costly',
          ),
        ],
      };
    const subjects = new Set(measurements.map((m) => m.command.subjectId));
    if (subjects.size > 1)
      return {
        kind: 'refused',
        status: 422,
        issues: [
          issue(
            'BUNDLE_SEVERAL_SUBJECTS',
            'Bundle.entry',
            `The Bundle's measurements are of ${subjects.size} subjects: send one Bundle per subject (a Bundle is recorded all or nothing, and that holds per subject)`,
            'business-rule',
          ),
        ],
      };
    if (resolved.studiesToRegister.length > 0)
      // The read-model resolver never asks for it (no registration policy yet); refused rather than half-done.
      return {
        kind: 'refused',
        status: 422,
        issues: [
          issue('UNKNOWN_IMAGING_STUDY', 'Bundle.entry', 'Registering imaging studies through FHIR is not supported: register the study first', 'not-found'),
        ],
      };

    const written = await this.write(measurements, entryOf, actor, correlationId);
    if (written.kind === 'refused') return written;
    return {
      kind: 'recorded',
      ...responseEntries(body as Bundle, measurements, entryOf, written.created),
      created: written.created.size,
      replayed: measurements.length - written.created.size,
    };
  }

  /**
   * The Bundle's measurements as one batch. Measurements recorded before with the same content are left out and the
   * rest sent again (the batch refuses the whole subject when one item is a duplicate); any other refusal refuses the
   * Bundle, and as all items are of one subject, nothing of it was appended.
   */
  private async write(
    measurements: readonly ResolvedMeasurement[],
    entryOf: (m: ResolvedMeasurement) => number | undefined,
    actor: VerifiedActor,
    correlationId: string,
  ): Promise<{ kind: 'written'; created: Set<string> } | Extract<FhirBundleOutcome, { kind: 'refused' }>> {
    const at = (m: ResolvedMeasurement) => {
      const entry = entryOf(m);
      return entry === undefined ? 'Bundle' : `Bundle.entry[${entry}].resource`;
    };
    let pending = [...measurements];
    const created = new Set<string>();
    let state: Promise<SubjectState> | undefined;
    for (let round = 0; round < 3 && pending.length > 0; round++) {
      const items = pending.map((m, index): BatchInputItem => ({ index, command: m.command, fingerprint: { key: m.idempotencyKey, command: m.command } }));
      await this.rateLimit?.chargeBatch(actor, items.length);
      // The commandId is the batch's content: the same Bundle again is the same batch, replayed by the handler.
      const commandId = `fhir:${createHash('sha256')
        .update(JSON.stringify(items.map((i) => i.fingerprint)))
        .digest('hex')
        .slice(0, 48)}`;
      const receipt: BatchReceipt = await this.commands.execute(new SubjectBatchCommand(items, originFor(actor, { commandId }, correlationId), actor));
      if (receipt.rejected === 0) {
        for (const r of receipt.items) if (r.receipt && !r.receipt.replayed) created.add(pending[r.index]!.command.measurementId);
        return { kind: 'written', created };
      }
      const issues: FhirIssue[] = [];
      const again: ResolvedMeasurement[] = [];
      for (const r of receipt.items) {
        const m = pending[r.index]!;
        const error = r.error;
        if (!error || error.code === 'BATCH_SUBJECT_REJECTED') {
          again.push(m);
          continue;
        }
        if (error.code === 'DUPLICATE_MEASUREMENT') {
          state ??= this.runner.load(subjectStreamId(m.command.subjectId), subjectDecider);
          if (sameMeasurement(await state, m.command)) continue; // recorded before, by this or another Bundle
          issues.push(
            issue(
              'IMPORT_KEY_CONFLICT',
              `${at(m)}.identifier`,
              'A measurement with this Observation identifier is recorded already, with other content (value, unit, code, study or lesion)',
              'conflict',
              entryOf(m),
            ),
          );
          continue;
        }
        issues.push(issue(error.code, `${at(m)}${fhirElementOfCommandField(error.field)}`, error.message, 'business-rule', entryOf(m)));
      }
      if (issues.length > 0) return { kind: 'refused', status: issues.every((i) => i.code === 'IMPORT_KEY_CONFLICT') ? 409 : 422, issues };
      pending = again;
      state = undefined;
    }
    if (pending.length === 0) return { kind: 'written', created };
    return {
      kind: 'refused',
      status: 409,
      issues: [issue('BUSY', 'Bundle', "Not recorded: the subject's record kept changing while the Bundle was written; send it again", 'transient')],
    };
  }
}

function issue(code: string, expression: string, message: string, type: FhirIssue['type'], entry?: number): FhirIssue {
  return { code, expression, message, type, ...(entry === undefined ? {} : { entry }) };
}

/** A RecordMeasurement field named by a decider refusal (`items.3.value.unit`) → the Observation element it came from. */
function fhirElementOfCommandField(field: string | null): string {
  const leaf = (field ?? '').replace(/^items\.\d+\.?/, '');
  switch (leaf.split('.')[0]) {
    case 'value':
      return '.value';
    case 'studyInstanceUid':
    case 'seriesInstanceUid':
      return '.derivedFrom';
    case 'biomarkerId':
    case 'biomarkerVersion':
      return '.code';
    case 'algorithmVersionId':
      return '.device';
    case 'readerId':
      return '.performer';
    case 'subjectId':
      return '.subject';
    case 'lesion':
      return '.identifier';
    case 'timePoint':
      return '.component';
    default:
      return '';
  }
}

/** The transaction-response entries, one per request entry, in its order. */
function responseEntries(
  bundle: Bundle,
  measurements: readonly ResolvedMeasurement[],
  entryOf: (m: ResolvedMeasurement) => number | undefined,
  created: ReadonlySet<string>,
): { entries: TransactionEntryResult[] } {
  const measured = new Map<number, ResolvedMeasurement>();
  for (const m of measurements) {
    const e = entryOf(m);
    if (e !== undefined) measured.set(e, m);
  }
  const entries = (bundle.entry ?? []).map((entry, i): TransactionEntryResult => {
    const m = measured.get(i);
    if (m) {
      const isNew = created.has(m.command.measurementId);
      return {
        status: isNew ? '201 Created' : '200 OK',
        location: `Observation/${m.command.measurementId}/_history/1`,
        etag: 'W/"1"',
        outcome: informationOutcome(
          isNew ? 'Recorded as a measurement' : 'Recorded before with the same content: nothing appended',
          isNew ? 'RECORDED' : 'REPLAYED',
        ),
      };
    }
    const type = entry.resource?.resourceType;
    const text =
      type === 'Observation'
        ? entry.resource && 'hasMember' in entry.resource && entry.resource.hasMember
          ? 'Measurement group: what it says (tracking identifier, finding, body site, time point) is recorded with its members'
          : 'Not a measurement: nothing recorded'
        : `${type ?? 'Entry'} referenced by the measurements: matched to the registry's own record, not stored as a resource`;
    return { status: '200 OK', outcome: informationOutcome(text) };
  });
  return { entries };
}
