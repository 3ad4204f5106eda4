import { csvRecord, type CsvTable, type CsvValue } from './csv.writer.js';
import { exportContext, observerOf, type ExportContext } from './export-context.js';
import type { ExportChunk, ExportDataset, ExportMeasurement, ExportSubject } from './export-dataset.model.js';

/**
 * CSV for R and Python: `subjects.csv` (one row per subject), `measurements_long.csv` (one row per measurement),
 * `measurements_wide.csv` (one row per subject × time point × lesion × observer, and a `repeat` number for repeat reads of
 * one biomarker under that key; a column per catalogue biomarker)
 * and `data_dictionary.csv` (every column of the three, biomarker columns with their unit, categories and concepts).
 * RFC 4180, CRLF, UTF-8, header row; null is an empty field. Streamed: one chunk per file per subject.
 */
export const CsvFiles = {
  subjects: 'subjects.csv',
  long: 'measurements_long.csv',
  wide: 'measurements_wide.csv',
  dictionary: 'data_dictionary.csv',
} as const;

export interface Column<Row> {
  readonly name: string;
  readonly type: 'text' | 'integer' | 'number' | 'date-time' | 'year';
  readonly description: string;
  readonly value: (row: Row) => CsvValue;
}

export type SubjectRow = { readonly ctx: ExportContext; readonly s: ExportSubject };
export type LongRow = SubjectRow & { readonly m: ExportMeasurement };

export const SUBJECT_COLUMNS: readonly Column<SubjectRow>[] = [
  { name: 'study_id', type: 'text', description: 'Trial or programme id', value: (r) => r.ctx.studyId },
  { name: 'subject_pseudonym', type: 'text', description: 'The subject by pseudonym (the registry holds no direct identifier)', value: (r) => r.s.pseudonym },
  { name: 'arm_code', type: 'text', description: 'Randomised arm', value: (r) => r.s.armCode },
  { name: 'site_id', type: 'text', description: 'Enrolling site', value: (r) => r.s.siteId },
  { name: 'status', type: 'text', description: 'Subject status at the export position', value: (r) => r.s.status },
  { name: 'year_of_birth', type: 'year', description: 'Year of birth; empty when not given or erased', value: (r) => r.s.yearOfBirth },
  { name: 'sex', type: 'text', description: 'female, male, other, unknown; empty when not given or erased', value: (r) => r.s.sex },
  { name: 'erased', type: 'text', description: 'true when the subject exercised erasure (personal fields unreadable)', value: (r) => r.s.erased },
  { name: 'enrolled_at', type: 'date-time', description: 'Enrolment (UTC)', value: (r) => r.s.enrolledAt },
  { name: 'randomised_at', type: 'date-time', description: 'Randomisation (UTC)', value: (r) => r.s.randomisedAt },
  { name: 'withdrawn_at', type: 'date-time', description: 'Withdrawal (UTC)', value: (r) => r.s.withdrawnAt },
  {
    name: 'death_at',
    type: 'date-time',
    description: 'Death outcome (UTC)',
    value: (r) => r.s.outcomes.find((o) => o.outcomeType === 'death')?.occurredAt ?? null,
  },
];

export const LONG_COLUMNS: readonly Column<LongRow>[] = [
  { name: 'study_id', type: 'text', description: 'Trial or programme id', value: (r) => r.ctx.studyId },
  { name: 'subject_pseudonym', type: 'text', description: 'The subject by pseudonym', value: (r) => r.s.pseudonym },
  { name: 'arm_code', type: 'text', description: 'Randomised arm', value: (r) => r.s.armCode },
  { name: 'site_id', type: 'text', description: 'Enrolling site', value: (r) => r.s.siteId },
  { name: 'time_point', type: 'text', description: 'Visit / time point code', value: (r) => r.m.timePoint },
  {
    name: 'visit_num',
    type: 'integer',
    description: 'Position of the time point in the visit schedule (SDTM VISITNUM)',
    value: (r) => r.ctx.visitNumber(r.m.timePoint),
  },
  {
    name: 'biomarker_code',
    type: 'text',
    description: 'Catalogue code of the biomarker (data_dictionary.csv describes each)',
    value: (r) => r.m.biomarkerCode,
  },
  { name: 'biomarker_version', type: 'integer', description: 'Catalogue version the measurement was taken under', value: (r) => r.m.biomarkerVersion },
  { name: 'value', type: 'number', description: 'Value in the canonical unit (quantitative biomarkers)', value: (r) => r.m.value },
  { name: 'unit', type: 'text', description: 'Canonical UCUM unit', value: (r) => r.m.unit },
  { name: 'category', type: 'text', description: 'Category (categorical biomarkers)', value: (r) => r.m.category },
  { name: 'original_value', type: 'number', description: 'Value as reported', value: (r) => r.m.originalValue },
  { name: 'original_unit', type: 'text', description: 'UCUM unit as reported', value: (r) => r.m.originalUnit },
  {
    name: 'lesion_tracking_uid',
    type: 'text',
    description: 'DICOM Tracking Unique Identifier of the lesion (SDTM TULNKID)',
    value: (r) => r.m.lesionTrackingUid,
  },
  { name: 'lesion_label', type: 'text', description: 'Tracking Identifier of the lesion', value: (r) => r.m.lesionLabel },
  { name: 'lesion_finding_site', type: 'text', description: 'Finding site', value: (r) => r.m.lesionFindingSite },
  { name: 'lesion_role', type: 'text', description: 'target, non_target or new (RECIST)', value: (r) => r.m.lesionRole },
  { name: 'study_instance_uid', type: 'text', description: 'DICOM Study Instance UID measured on', value: (r) => r.m.studyInstanceUid },
  { name: 'series_instance_uid', type: 'text', description: 'DICOM Series Instance UID', value: (r) => r.m.seriesInstanceUid },
  { name: 'method', type: 'text', description: 'manual, semi_automatic or ai', value: (r) => r.m.method },
  { name: 'reader_id', type: 'text', description: 'Registry reader who measured', value: (r) => r.m.readerId },
  { name: 'algorithm_version_id', type: 'text', description: 'Registry algorithm version that measured', value: (r) => r.m.algorithmVersionId },
  { name: 'algorithm_uri', type: 'text', description: 'URI of that algorithm version', value: (r) => r.ctx.algorithm(r.m.algorithmVersionId)?.uri ?? null },
  { name: 'occurred_at', type: 'date-time', description: 'When the image was measured (UTC)', value: (r) => r.m.occurredAt },
  { name: 'recorded_at', type: 'date-time', description: 'When the registry learnt it (UTC)', value: (r) => r.m.recordedAt },
  { name: 'correction_count', type: 'integer', description: 'Corrections applied to the measurement', value: (r) => r.m.correctionCount },
  { name: 'measurement_id', type: 'text', description: 'Registry measurement id', value: (r) => r.m.measurementId },
];

/** The wide file's key columns; a column per catalogue biomarker follows them. */
const WIDE_KEY_COLUMNS: readonly Column<LongRow>[] = [
  LONG_COLUMNS[0]!,
  LONG_COLUMNS[1]!,
  LONG_COLUMNS[2]!,
  LONG_COLUMNS[3]!,
  LONG_COLUMNS[4]!,
  LONG_COLUMNS[5]!,
  LONG_COLUMNS[13]!,
  LONG_COLUMNS[14]!,
  { name: 'observer', type: 'text', description: 'reader:<id> and/or algorithm:<algorithm version id>', value: (r) => observerOf(r.m) },
];

const REPEAT_COLUMN: Column<LongRow> = {
  name: 'repeat',
  type: 'integer',
  description: '1, or 2, 3 … for repeat values of a biomarker under the same key (the long file has each as its own row)',
  value: () => null,
};

const table = <Row>(columns: readonly Column<Row>[]): CsvTable<Row> => ({
  columns: columns.map((c) => c.name),
  record: (row) => columns.map((c) => c.value(row)),
});

export async function* csvExport(dataset: ExportDataset): AsyncGenerator<ExportChunk> {
  const ctx = exportContext(dataset);
  const biomarkers = dataset.biomarkers;
  const subjects = table(SUBJECT_COLUMNS);
  const long = table(LONG_COLUMNS);
  const wideKeys = table(WIDE_KEY_COLUMNS);
  const column = new Map(biomarkers.map((b, i) => [b.biomarkerId, i]));
  yield { file: CsvFiles.dictionary, text: dictionary(dataset) };
  yield { file: CsvFiles.subjects, text: csvRecord(subjects.columns) };
  yield { file: CsvFiles.long, text: csvRecord(long.columns) };
  yield { file: CsvFiles.wide, text: csvRecord([...wideKeys.columns, REPEAT_COLUMN.name, ...biomarkers.map((b) => b.code)]) };
  for await (const s of dataset.subjects) {
    yield { file: CsvFiles.subjects, text: csvRecord(subjects.record({ ctx, s })) };
    if (s.measurements.length === 0) continue;
    let text = '';
    const wide = new Map<string, { readonly key: readonly CsvValue[]; readonly timePoint: string; readonly values: CsvValue[] }[]>();
    for (const m of s.measurements) {
      text += csvRecord(long.record({ ctx, s, m }));
      const i = column.get(m.biomarkerId);
      if (i === undefined) throw new Error(`Measurement ${m.measurementId} names biomarker ${m.biomarkerId}, which is not in the dataset's catalogue`);
      const key = wideKeys.record({ ctx, s, m });
      const id = JSON.stringify(key);
      const rows = wide.get(id) ?? [];
      wide.set(id, rows);
      // A second value of one biomarker for one key (a repeat read) goes to the next row of that key (repeat 2, …).
      let row = rows.find((r) => r.values[i] === null);
      if (!row) rows.push((row = { key: [...key, rows.length + 1], timePoint: m.timePoint, values: biomarkers.map(() => null) }));
      row.values[i] = m.valueKind === 'quantitative' ? m.value : m.category;
    }
    yield { file: CsvFiles.long, text };
    const rows = [...wide.values()].flat().sort((a, b) => ctx.compareTimePoints(a.timePoint, b.timePoint));
    yield { file: CsvFiles.wide, text: rows.map((r) => csvRecord([...r.key, ...r.values])).join('') };
  }
}

function dictionary(dataset: ExportDataset): string {
  let out = csvRecord(['file', 'column', 'type', 'unit', 'description', 'categories', 'concepts']);
  const describe = (file: string, columns: readonly Column<never>[]) => {
    for (const c of columns) out += csvRecord([file, c.name, c.type, null, c.description, null, null]);
  };
  describe(CsvFiles.subjects, SUBJECT_COLUMNS);
  describe(CsvFiles.long, LONG_COLUMNS);
  describe(CsvFiles.wide, [...WIDE_KEY_COLUMNS, REPEAT_COLUMN]);
  for (const b of dataset.biomarkers) {
    out += csvRecord([
      CsvFiles.wide,
      b.code,
      b.valueKind === 'quantitative' ? 'number' : 'text',
      b.unit,
      `${b.name} (catalogue version ${b.version}, ${b.modality}${b.bodySite ? `, ${b.bodySite}` : ''})${b.description ? `: ${b.description}` : ''}`,
      b.categories?.join('|') ?? null,
      b.concepts.map((c) => `${c.scheme}:${c.value} ${c.meaning}`).join('|') || null,
    ]);
  }
  return out;
}
