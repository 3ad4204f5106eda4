import { createHash } from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { isValidDicomUid, isValidUcumUnit, LESION_ROLES } from '#domain';
import type { MeasuredValue, MeasurementReport, MeasurementReportItem, Observer, SubjectReference } from '../model/measurement-report.model.js';
import { InteropProblems, type InteropProblem, type InteropProblemCode } from '../model/interop.problems.js';
import { MEASUREMENT_ROW_COLUMN_NAMES, REGISTRY_CODE_SCHEME, type MeasurementRowColumn } from './measurement-row.columns.js';

/** One row of the file: its item when it is valid, else every problem of the row (row number and column each). */
export interface MeasurementRowResult {
  /** CSV: the data row number (the header is row 0). NDJSON: the line number (1-based). */
  readonly row: number;
  readonly item: MeasurementReportItem | null;
  readonly problems: readonly InteropProblem[];
  /** The row's non-empty fields by column, as read (for the refused-rows file); null when the row could not be read. */
  readonly fields: Readonly<Record<string, string>> | null;
}

export type RowSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
export type RowFormat = 'csv' | 'ndjson';

/**
 * Streams a measurement file row by row (nothing is buffered beyond the parser's chunk): yields one result per data
 * row, and stops with a result carrying INVALID_CSV / INVALID_JSON at the row where the file itself is broken.
 * A header problem (unknown or duplicate column) yields one row-0 result and nothing else: the file is refused.
 * Re-reading the same file gives the same idempotency keys (see `rowIdempotencyKey`), so an import can resume.
 */
export async function* parseMeasurementRows(source: RowSource, format: RowFormat): AsyncGenerator<MeasurementRowResult> {
  switch (format) {
    case 'csv':
      yield* csvRows(source);
      return;
    case 'ndjson':
      yield* ndjsonRows(source);
      return;
    default:
      format satisfies never;
  }
}

/** The report of one row, for `resolveMeasurementReport` (rows are accepted or refused one by one). */
export function rowReport(result: MeasurementRowResult, format: RowFormat): MeasurementReport {
  return { documentKey: result.item?.idempotencyKey ?? `row ${result.row}`, format, procedureReported: [], items: result.item ? [result.item] : [] };
}

async function* csvRows(source: RowSource): AsyncGenerator<MeasurementRowResult> {
  const input = Readable.from(source);
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let header: string[] | null = null;
  let row = 0;
  try {
    for await (const record of inOrder<string[]>(parser)) {
      if (!header) {
        const problems = headerProblems(record);
        if (problems.length) {
          yield { row: 0, item: null, problems, fields: null };
          return;
        }
        header = record;
        continue;
      }
      row += 1;
      if (record.length !== header.length) {
        yield {
          row,
          item: null,
          fields: null,
          problems: [{ code: InteropProblems.INVALID_CSV, path: '', row, message: `Row has ${record.length} fields, the header ${header.length}` }],
        };
        continue;
      }
      const fields: Record<string, string> = {};
      header.forEach((name, i) => {
        if (record[i] !== '') fields[name] = record[i]!;
      });
      yield mapRow(fields, row);
    }
  } catch (error) {
    yield {
      row: row + 1,
      item: null,
      fields: null,
      problems: [{ code: InteropProblems.INVALID_CSV, path: '', row: row + 1, message: `Unreadable CSV: ${(error as Error).message}` }],
    };
    return;
  } finally {
    // Stopped early (refused header, broken row, consumer break): release the source too.
    input.destroy();
  }
  if (!header)
    yield { row: 0, item: null, fields: null, problems: [{ code: InteropProblems.INVALID_CSV, path: '', row: 0, message: 'The file has no header row' }] };
}

/**
 * A stream's records, then its error: unlike the stream's own async iterator, which drops records still buffered
 * when the stream errors (the rows before a broken quote would be lost and the error's row number wrong).
 * Backpressure: the stream is paused while 256 records wait.
 */
async function* inOrder<T>(stream: Transform): AsyncGenerator<T> {
  const queue: T[] = [];
  let failure: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  stream.on('data', (record: T) => {
    queue.push(record);
    if (queue.length >= 256) stream.pause();
    notify();
  });
  stream.on('error', (error: Error) => {
    failure = error;
    notify();
  });
  stream.on('end', () => {
    ended = true;
    notify();
  });
  try {
    for (;;) {
      if (queue.length) {
        const next = queue.shift()!;
        if (queue.length < 64 && stream.isPaused()) stream.resume();
        yield next;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.destroy();
  }
}

async function* ndjsonRows(source: RowSource): AsyncGenerator<MeasurementRowResult> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let pending = '';
  let line = 0;
  const one = (text: string): MeasurementRowResult | null => {
    line += 1;
    if (text.trim() === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return {
        row: line,
        item: null,
        fields: null,
        problems: [{ code: InteropProblems.INVALID_JSON, path: '', row: line, message: `Not JSON: ${(error as Error).message}` }],
      };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return {
        row: line,
        item: null,
        fields: null,
        problems: [{ code: InteropProblems.INVALID_JSON, path: '', row: line, message: 'Each line must be one JSON object' }],
      };
    }
    const unknown = headerProblems(Object.keys(value), line);
    if (unknown.length) return { row: line, item: null, problems: unknown, fields: null };
    const fields: Record<string, string> = {};
    const problems: InteropProblem[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === '') continue;
      if (typeof v === 'string') fields[k] = v.trim();
      else if (typeof v === 'number' && Number.isFinite(v)) fields[k] = String(v);
      else problems.push({ code: InteropProblems.INVALID_VALUE, path: k, row: line, message: `${k} must be a string or a number` });
    }
    if (problems.length) return { row: line, item: null, problems, fields };
    return mapRow(fields, line);
  };
  for await (const chunk of source) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const result = one(pending.slice(0, nl).replace(/\r$/, ''));
      pending = pending.slice(nl + 1);
      if (result) yield result;
    }
  }
  pending += decoder.decode();
  if (pending !== '') {
    const result = one(pending.replace(/\r$/, ''));
    if (result) yield result;
  }
}

function headerProblems(names: readonly string[], row = 0): InteropProblem[] {
  const problems: InteropProblem[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (!(MEASUREMENT_ROW_COLUMN_NAMES as readonly string[]).includes(name)) {
      problems.push({
        code: InteropProblems.UNKNOWN_COLUMN,
        path: name,
        row,
        message: `Unknown column "${name}" (known: ${MEASUREMENT_ROW_COLUMN_NAMES.join(', ')})`,
      });
    } else if (seen.has(name)) {
      problems.push({ code: InteropProblems.UNKNOWN_COLUMN, path: name, row, message: `Column "${name}" appears twice` });
    }
    seen.add(name);
  }
  return problems;
}

/**
 * The row's stable key: `measurement_key` when the sender gives one, else a SHA-256 of the row's fields in column
 * order (not of its position, so a resumed or reordered file keeps its keys; two identical rows are one measurement).
 */
export function rowIdempotencyKey(fields: Readonly<Record<string, string>>): string {
  if (fields.measurement_key) return `row:key:${fields.measurement_key}`;
  const canonical = JSON.stringify(MEASUREMENT_ROW_COLUMN_NAMES.map((c) => fields[c] ?? null));
  return `row:sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Validates one row's fields and maps them to an item; every problem names the row and the column. */
export function mapRow(fields: Readonly<Record<string, string>>, row: number): MeasurementRowResult {
  const problems: InteropProblem[] = [];
  const add = (code: InteropProblemCode, column: MeasurementRowColumn | '', message: string) => problems.push({ code, path: column, row, message });
  const f = (c: MeasurementRowColumn) => fields[c];

  let subject: SubjectReference | null = null;
  if (f('subject_pseudonym') && f('subject_id')) add(InteropProblems.INVALID_VALUE, 'subject_id', 'Give subject_pseudonym or subject_id, not both');
  else if (f('subject_pseudonym')) subject = { kind: 'pseudonym', pseudonym: f('subject_pseudonym')! };
  else if (f('subject_id')) subject = { kind: 'id', subjectId: f('subject_id')! };
  else add(InteropProblems.MISSING_ELEMENT, 'subject_pseudonym', 'subject_pseudonym (or subject_id) is required');

  const uid = (c: 'study_instance_uid' | 'series_instance_uid' | 'lesion_tracking_uid', required: boolean): string | null => {
    const v = f(c);
    if (!v) {
      if (required) add(InteropProblems.MISSING_ELEMENT, c, `${c} is required`);
      return null;
    }
    if (!isValidDicomUid(v)) {
      add(InteropProblems.INVALID_DICOM_UID, c, `${c} "${v}" is not a DICOM UID (digits and dots, at most 64, no leading zeros)`);
      return null;
    }
    return v;
  };
  const study = uid('study_instance_uid', true);
  const series = uid('series_instance_uid', false);
  const trackingUid = uid('lesion_tracking_uid', false);

  const code = f('biomarker_code');
  if (!code) add(InteropProblems.MISSING_ELEMENT, 'biomarker_code', 'biomarker_code is required');

  let value: MeasuredValue | null = null;
  if (f('value') !== undefined && f('category') !== undefined) add(InteropProblems.INVALID_VALUE, 'category', 'Give value + unit or category, not both');
  else if (f('value') !== undefined) {
    const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(f('value')!) ? Number(f('value')) : NaN;
    if (!Number.isFinite(n)) add(InteropProblems.INVALID_VALUE, 'value', `value "${f('value')}" is not a number (use a dot as decimal separator)`);
    const unit = f('unit');
    if (!unit) add(InteropProblems.MISSING_ELEMENT, 'unit', 'unit is required with value');
    else if (!isValidUcumUnit(unit))
      add(InteropProblems.INVALID_UCUM_UNIT, 'unit', `"${unit}" is not a valid UCUM unit (codes are case-sensitive, e.g. mm, mm2, cm3)`);
    if (Number.isFinite(n) && unit && isValidUcumUnit(unit)) value = { kind: 'quantity', value: n, unit, unitMeaning: null };
  } else if (f('category') !== undefined) value = { kind: 'text', text: f('category')! };
  else add(InteropProblems.MISSING_ELEMENT, 'value', 'value + unit (or category) is required');

  let observer: Observer | null = null;
  let algorithm: MeasurementReportItem['algorithm'] = null;
  const device = (id: string): Observer => ({
    kind: 'device',
    uid: null,
    name: null,
    manufacturer: null,
    modelName: null,
    softwareVersion: null,
    algorithmName: null,
    algorithmVersionId: id,
  });
  if (f('reader_id')) {
    observer = { kind: 'person', name: null, id: f('reader_id')!, organization: null };
    if (f('algorithm_version_id')) algorithm = { name: '', version: null, parameters: null, versionId: f('algorithm_version_id')! };
  } else if (f('algorithm_version_id')) observer = device(f('algorithm_version_id')!);
  else add(InteropProblems.MISSING_ELEMENT, 'reader_id', 'reader_id or algorithm_version_id is required (who measured)');

  const timePoint = f('time_point') ?? null;
  if (!timePoint) add(InteropProblems.MISSING_ELEMENT, 'time_point', 'time_point is required');

  let occurredAt: string | null = null;
  if (f('occurred_at')) {
    const t = ISO_DATE_TIME.test(f('occurred_at')!) ? Date.parse(f('occurred_at')!) : NaN;
    if (Number.isNaN(t)) add(InteropProblems.INVALID_DATE_TIME, 'occurred_at', `occurred_at "${f('occurred_at')}" is not an ISO-8601 date-time`);
    else occurredAt = new Date(t).toISOString();
  }
  const role = f('lesion_role') ?? null;
  if (role && !(LESION_ROLES as readonly string[]).includes(role))
    add(InteropProblems.INVALID_VALUE, 'lesion_role', `lesion_role must be one of ${LESION_ROLES.join(', ')}`);
  if ((f('lesion_label') || role) && !f('lesion_tracking_uid'))
    add(InteropProblems.MISSING_ELEMENT, 'lesion_tracking_uid', 'A lesion needs lesion_tracking_uid (its identity across time points)');

  if (problems.length || !subject || !study || !code || !value || !observer || !timePoint) return { row, item: null, problems, fields };
  const scheme = f('biomarker_scheme') ?? REGISTRY_CODE_SCHEME;
  const site = f('finding_site');
  return {
    row,
    problems,
    fields,
    item: {
      idempotencyKey: rowIdempotencyKey(fields),
      source: { kind: 'row', row, path: '' },
      subject,
      study: { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUids: [] },
      observer,
      concept: { scheme, value: code, meaning: '' },
      value,
      lesion: trackingUid ? { uid: trackingUid, label: f('lesion_label') ?? null } : null,
      finding: null,
      findingSite: site ? { scheme: REGISTRY_CODE_SCHEME, value: site, meaning: site } : null,
      timePoint,
      derivation: null,
      method: null,
      group: null,
      occurredAt,
      lesionRole: role,
      algorithm,
    },
  };
}

/** Header of the refused-rows file an import writes: the row number, the reasons, then the file's columns. */
export const REFUSED_ROWS_CSV_HEADER = ['row', 'problems', ...MEASUREMENT_ROW_COLUMN_NAMES].join(',');

/** One line of the refused-rows file: `CODE column: message` per problem (mapping and resolution), then the fields. */
export function refusedRowCsvLine(result: Pick<MeasurementRowResult, 'row' | 'fields'>, problems: readonly InteropProblem[]): string {
  const reasons = problems.map((p) => `${p.code}${p.path ? ` ${p.path}` : ''}: ${p.message}`).join('; ');
  return [String(result.row), reasons, ...MEASUREMENT_ROW_COLUMN_NAMES.map((c) => result.fields?.[c] ?? '')].map(csvField).join(',');
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
