import type { OutcomeType, RecistInput, RecistResult } from '#domain';
import type { CodedConcept } from '../model/coded-concept.js';

/**
 * The neutral input of every export builder: what a trial's or a programme's dataset holds at one global position
 * of the event log (a frozen analysis snapshot, or "now"). Each type maps 1:1 from read-model rows (libs/read-model:
 * `trials` + `trial_arms` + `trial_sites`, `subjects`, `imaging_studies`, `measurements` (current version:
 * `superseded_at IS NULL`, not retracted), `outcomes` (current version), `biomarkers`, `algorithm_versions`),
 * with column names in camelCase and timestamps as ISO-8601 strings (UTC), so a snapshot's rows feed it unchanged.
 *
 * What is big (subjects and everything they carry) is a stream: `subjects` yields one `ExportSubject` at a time, in
 * subject id order, each with its own studies, measurements and outcomes. A builder therefore holds one subject in
 * memory, never the dataset. `subjectRecords` builds that stream from four row streams sorted by subject id (one
 * SQL cursor per table). What is small (the trial, the catalogue) is given whole.
 */
export interface ExportDataset {
  readonly scope: ExportScope;
  /** The global position of the log the rows reflect (a snapshot's position). */
  readonly position: string;
  /** The frozen snapshot the rows come from, when there is one: named in define.xml and the FHIR Bundle meta. */
  readonly snapshot: { readonly snapshotId: string; readonly contentHash: string } | null;
  /** Catalogue entries the measurements name (`biomarkers` rows), in code order: the wide CSV has a column per entry. */
  readonly biomarkers: readonly ExportBiomarker[];
  /** Algorithm versions the measurements name (`algorithm_versions` rows). */
  readonly algorithmVersions: readonly ExportAlgorithmVersion[];
  readonly subjects: ExportRows<ExportSubject>;
}

export type ExportRows<T> = AsyncIterable<T> | Iterable<T>;

export type ExportScope =
  | { readonly kind: 'trial'; readonly trial: ExportTrial }
  | { readonly kind: 'programme'; readonly programme: { readonly programmeId: string; readonly name: string } };

/** `trials` + `trial_arms` + `trial_sites`; `visits` is the visit schedule (`trials.schedule`), in target-day order. */
export interface ExportTrial {
  readonly trialId: string;
  readonly title: string;
  readonly phase: string;
  readonly sponsor: string;
  readonly arms: readonly { readonly armCode: string; readonly name: string; readonly armType: string }[];
  readonly sites: readonly { readonly siteId: string; readonly name: string; readonly country: string | null }[];
  /** Schedule time points: `code` is what measurements' `timePoint` says; VISITNUM is the 1-based index here. */
  readonly visits: readonly { readonly code: string; readonly label: string; readonly targetDay: number }[];
}

/** A `biomarkers` row: `code` is the catalogue's unique short code; `concepts` its coded concepts (may be empty). */
export interface ExportBiomarker {
  readonly biomarkerId: string;
  readonly code: string;
  readonly name: string;
  readonly description: string | null;
  readonly modality: string;
  readonly bodySite: string | null;
  readonly valueKind: 'quantitative' | 'categorical';
  /** Canonical UCUM unit of a quantitative biomarker. */
  readonly unit: string | null;
  readonly categories: readonly string[] | null;
  readonly version: number;
  readonly concepts: readonly CodedConcept[];
}

/** An `algorithm_versions` row; `uri` identifies the version (OMOP `alg_system`, FHIR Device identifier). */
export interface ExportAlgorithmVersion {
  readonly algorithmVersionId: string;
  readonly manufacturer: string;
  readonly name: string;
  readonly version: string;
  readonly uri: string;
  /** DICOM Device UID when the catalogue knows one. */
  readonly deviceUid: string | null;
}

/**
 * A `subjects` row with its rows of the other tables. `yearOfBirth` / `sex` are the sealed personal fields, opened
 * for the export: null when never given, or unreadable because the subject was erased (`erased` says which).
 */
export interface ExportSubject {
  readonly subjectId: string;
  readonly pseudonym: string;
  readonly armCode: string | null;
  readonly siteId: string | null;
  readonly status: string;
  readonly enrolledAt: string | null;
  readonly randomisedAt: string | null;
  readonly withdrawnAt: string | null;
  readonly yearOfBirth: number | null;
  readonly sex: 'female' | 'male' | 'other' | 'unknown' | null;
  readonly erased: boolean;
  /** In occurred-at order. */
  readonly studies: readonly ExportImagingStudy[];
  /** In occurred-at, then measurement id order. */
  readonly measurements: readonly ExportMeasurement[];
  readonly outcomes: readonly ExportOutcome[];
  /** RECIST 1.1 input and result (libs/domain assessRecist) when the trial assesses RECIST and the subject has lesions. */
  readonly recist: ExportRecistAssessment | null;
}

/** An `imaging_studies` row; `seriesInstanceUids` are the series its measurements name (the read model keeps no series list). */
export interface ExportImagingStudy {
  readonly studyInstanceUid: string;
  readonly modality: string;
  readonly occurredAt: string;
  readonly siteId: string;
  readonly seriesInstanceUids: readonly string[];
}

/** The current version of a `measurements` row, with its biomarker's code and concepts. */
export interface ExportMeasurement {
  readonly measurementId: string;
  readonly version: number;
  readonly biomarkerId: string;
  readonly biomarkerCode: string;
  readonly biomarkerVersion: number;
  readonly concepts: readonly CodedConcept[];
  readonly valueKind: 'quantitative' | 'categorical';
  /** In the biomarker's canonical UCUM unit. */
  readonly value: number | null;
  readonly unit: string | null;
  readonly category: string | null;
  /** As reported (SDTM --ORRES/--ORRESU). */
  readonly originalValue: number | null;
  readonly originalUnit: string | null;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string | null;
  readonly timePoint: string;
  /** DICOM Tracking Unique Identifier (SDTM --LNKID), label, finding site and RECIST role of the lesion, when any. */
  readonly lesionTrackingUid: string | null;
  readonly lesionLabel: string | null;
  readonly lesionFindingSite: string | null;
  readonly lesionRole: 'target' | 'non_target' | 'new' | null;
  readonly method: 'manual' | 'semi_automatic' | 'ai';
  readonly readerId: string | null;
  readonly algorithmVersionId: string | null;
  /** acceptMeasurementReading: 'accepted' / 'not_accepted', null (or absent) when never adjudicated; RECIST reads it. */
  readonly adjudication?: string | null;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly correctionCount: number;
}

/** The current version of an `outcomes` row. */
export interface ExportOutcome {
  readonly outcomeId: string;
  readonly outcomeType: OutcomeType;
  readonly occurredAt: string;
  readonly source: string;
  readonly recistResponse: string | null;
  readonly timePoint: string | null;
  readonly stage: string | null;
}

export interface ExportRecistAssessment {
  readonly input: RecistInput;
  readonly result: RecistResult;
  /** SDTM TREVAL / RSEVAL, e.g. INDEPENDENT ASSESSOR. */
  readonly evaluator: string | null;
}

/** One piece of an export: `text` to append to the file `file` (a table's CSV, define.xml, an NDJSON file). */
export interface ExportChunk {
  readonly file: string;
  readonly text: string;
}

/** Rows of a subject's tables as the read model gives them, each stream sorted by subject id. */
export interface SubjectRowStreams {
  readonly subjects: ExportRows<Omit<ExportSubject, 'studies' | 'measurements' | 'outcomes' | 'recist'>>;
  readonly studies: ExportRows<ExportImagingStudy & { readonly subjectId: string }>;
  readonly measurements: ExportRows<ExportMeasurement & { readonly subjectId: string }>;
  readonly outcomes: ExportRows<ExportOutcome & { readonly subjectId: string }>;
  /** The RECIST assessment of a subject (computed per subject, from its measurements), or null. */
  readonly recist?: (subject: ExportSubject) => ExportRecistAssessment | null;
}

/**
 * Merge-joins four row streams sorted by subject id into one `ExportSubject` per subject: memory holds one subject's
 * rows at a time. A row whose subject is not in `subjects` (or a stream out of order) is an error, not silently lost.
 */
export async function* subjectRecords(streams: SubjectRowStreams): AsyncGenerator<ExportSubject> {
  const studies = peekable(streams.studies);
  const measurements = peekable(streams.measurements);
  const outcomes = peekable(streams.outcomes);
  let previous: string | null = null;
  for await (const subject of streams.subjects) {
    if (previous !== null && subject.subjectId <= previous) throw new Error(`subjects are not sorted by subject id: ${subject.subjectId} after ${previous}`);
    previous = subject.subjectId;
    const take = async <T extends { readonly subjectId: string }>(source: Peekable<T>, what: string): Promise<Omit<T, 'subjectId'>[]> => {
      const out: Omit<T, 'subjectId'>[] = [];
      for (let next = await source.peek(); next !== undefined; next = await source.peek()) {
        if (next.subjectId < subject.subjectId) throw new Error(`${what} of subject ${next.subjectId}, which is not in the subjects (or not sorted)`);
        if (next.subjectId > subject.subjectId) break;
        const { subjectId: _omit, ...row } = (await source.next())!;
        out.push(row);
      }
      return out;
    };
    const record: ExportSubject = {
      ...subject,
      studies: await take(studies, 'an imaging study'),
      measurements: await take(measurements, 'a measurement'),
      outcomes: await take(outcomes, 'an outcome'),
      recist: null,
    };
    yield streams.recist ? { ...record, recist: streams.recist(record) } : record;
  }
  for (const [source, what] of [
    [studies, 'an imaging study'],
    [measurements, 'a measurement'],
    [outcomes, 'an outcome'],
  ] as const) {
    const left = await source.peek();
    if (left !== undefined) throw new Error(`${what} of subject ${left.subjectId}, which is not in the subjects (or not sorted)`);
  }
}

interface Peekable<T> {
  peek(): Promise<T | undefined>;
  next(): Promise<T | undefined>;
}

function peekable<T>(source: ExportRows<T>): Peekable<T> {
  const it: AsyncIterator<T> | Iterator<T> = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  let head: { value: T | undefined } | null = null;
  const pull = async () => {
    const r = await it.next();
    return { value: r.done ? undefined : r.value };
  };
  return {
    async peek() {
      head ??= await pull();
      return head.value;
    },
    async next() {
      const h = head ?? (await pull());
      head = null;
      return h.value;
    },
  };
}

/** A row source as an async iterable (a builder's one way to read it). */
export async function* rowsOf<T>(source: ExportRows<T>): AsyncGenerator<T> {
  for await (const row of source) yield row;
}

/** `Date.toISOString()`'s shape, as read-model timestamps arrive: sliced directly instead of parsed (a hot path at 1M rows). */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An ISO-8601 timestamp in `Date.toISOString()` form (UTC, milliseconds, Z); refuses what is not a timestamp. */
export function canonicalTimestamp(timestamp: string): string {
  if (timestamp.length === 24 && CANONICAL.test(timestamp)) return timestamp;
  const t = new Date(timestamp);
  if (Number.isNaN(t.getTime())) throw new Error(`Not an ISO-8601 timestamp: ${timestamp}`);
  return t.toISOString();
}

/** The UTC calendar date of an ISO timestamp (SDTM --DTC dates, OMOP *_date). */
export function isoDate(timestamp: string): string {
  return canonicalTimestamp(timestamp).slice(0, 10);
}

/** The ISO timestamp without milliseconds when they are zero; always UTC with Z. */
export function isoDateTime(timestamp: string): string {
  const t = canonicalTimestamp(timestamp);
  return t.endsWith('.000Z') ? `${t.slice(0, 19)}Z` : t;
}
