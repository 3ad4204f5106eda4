import DataLoader from 'dataloader';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { textArrayLiteral } from '#read-model';
import { iso } from '../read-side/connection.queries.js';
import { readModelQueries } from '../read-side/read-model.sql.js';
import { columnsForSelection, measurementSelectList, toMeasurementView, versionAt, type MeasurementRecord } from '../measurements/measurements.queries.js';

export interface TimelineEntry {
  kind: 'MILESTONE' | 'IMAGING_STUDY' | 'MEASUREMENT' | 'OUTCOME' | 'SCREENING';
  occurredAt: string;
  recordedAt: string;
  position: string;
  milestone: { type: string; detailsJson: string } | null;
  imagingStudy: Record<string, unknown> | null;
  measurement: ReturnType<typeof toMeasurementView> | null;
  outcome: Record<string, unknown> | null;
  screening: Record<string, unknown> | null;
}

type Row = Record<string, unknown> & { subject_id: string; position: string; occurred_at: string; recorded_at: string };

const empty = { milestone: null, imagingStudy: null, measurement: null, outcome: null, screening: null };
const KIND_ORDER: Record<TimelineEntry['kind'], number> = { MILESTONE: 0, IMAGING_STUDY: 1, MEASUREMENT: 2, OUTCOME: 3, SCREENING: 4 };

/**
 * The five statements (one per kind of entry) behind the timelines of `ids`, sent together in one round trip:
 * a page of subjects with their timelines costs what one subject costs. Several statements travel together only
 * in the simple query protocol, which takes no bind parameters: the values go in as literals quoted by the driver
 * (escapeLiteral doubles quotes and escapes backslashes). With `asOf`, each table answers what was recorded by
 * then (versioned rows for measurements and outcomes).
 */
export function timelineStatements(ids: readonly string[], asOf: Date | null, measurementColumns: readonly string[] | null = null): string[] {
  const idList = textArrayLiteral(ids);
  const at = asOf ? `${pg.escapeLiteral(asOf.toISOString())}::timestamptz` : null;
  const recordedBy = (col: string): string => (at ? `AND ${col} <= ${at}` : '');
  const current = `AND ${versionAt(at)}`;
  return [
    `SELECT * FROM read_model.subject_milestones WHERE subject_id = ANY (${idList}) ${recordedBy('recorded_at')}`,
    `SELECT * FROM read_model.imaging_studies WHERE subject_id = ANY (${idList}) ${recordedBy('recorded_at')}`,
    `SELECT ${measurementSelectList(measurementColumns, at)} FROM read_model.measurements m WHERE m.subject_id = ANY (${idList}) ${current}`,
    `SELECT * FROM read_model.outcomes m WHERE subject_id = ANY (${idList}) ${current}`,
    `SELECT * FROM read_model.screenings WHERE subject_id = ANY (${idList}) ${recordedBy('recorded_at')}`,
  ];
}

/**
 * The measurement columns a timeline needs for the Measurement fields it selects: those (columnsForSelection) and
 * the entry's own times; null (all) for a field the list does not know.
 */
export function timelineMeasurementColumns(measurementFields: Iterable<string>): string[] | null {
  const columns = columnsForSelection(measurementFields);
  return columns && [...new Set([...columns, 'occurred_at', 'recorded_at'])];
}

/** Timelines of many subjects in one round trip (timelineStatements). */
export async function loadTimelines(ds: DataSource, subjectIds: readonly string[], asOf: Date | null): Promise<TimelineEntry[][]> {
  return assembleTimelines(subjectIds, await readModelQueries(ds, timelineStatements(subjectIds, asOf)), asOf);
}

/**
 * A subject's row and its timeline in one round trip, for `subject(id) { timeline }`: the row is only handed out
 * after the caller's scope check, and the timeline with it.
 */
export async function loadSubjectWithTimeline(
  ds: DataSource,
  id: string,
  measurementColumns: readonly string[] | null = null,
): Promise<{ row: Record<string, unknown> | undefined; timeline: TimelineEntry[] }> {
  const [subjects, ...timelines] = await readModelQueries(ds, [
    `SELECT * FROM read_model.subjects WHERE subject_id = ${pg.escapeLiteral(id)}`,
    ...timelineStatements([id], null, measurementColumns),
  ]);
  return { row: subjects![0], timeline: assembleTimelines([id], timelines, null)[0]! };
}

/** Entries of each subject from the five result sets (timestamps as ISO strings), in the order things happened. */
export function assembleTimelines(subjectIds: readonly string[], results: readonly Record<string, unknown>[][], asOf: Date | null): TimelineEntry[][] {
  const ids = [...subjectIds];
  const at = asOf?.toISOString() ?? null;
  const [milestones, studies, measurements, outcomes, screenings] = results as unknown as [Row[], Row[], (Row & MeasurementRecord)[], Row[], Row[]];

  const bySubject = new Map<string, TimelineEntry[]>(ids.map((id) => [id, []]));
  const push = (r: Row, entry: Omit<TimelineEntry, 'occurredAt' | 'recordedAt' | 'position'>): void => {
    bySubject.get(r.subject_id)?.push({ occurredAt: iso(r.occurred_at)!, recordedAt: iso(r.recorded_at)!, position: r.position, ...entry });
  };
  for (const r of milestones) push(r, { ...empty, kind: 'MILESTONE', milestone: { type: r['kind'] as string, detailsJson: JSON.stringify(r['details']) } });
  for (const r of studies) {
    push(r, {
      ...empty,
      kind: 'IMAGING_STUDY',
      imagingStudy: {
        studyInstanceUid: r['study_instance_uid'],
        modality: r['modality'],
        siteId: r['site_id'],
        scannerManufacturer: r['scanner_manufacturer'],
        scannerModel: r['scanner_model'],
        sliceThicknessMm: r['slice_thickness_mm'],
        kvp: r['kvp'],
        contrast: r['contrast'],
        ...acquisitionView(r),
        acquiredAt: iso(r.occurred_at),
        recordedAt: iso(r.recorded_at),
      },
    });
  }
  for (const r of measurements) push(r, { ...empty, kind: 'MEASUREMENT', measurement: toMeasurementView(r) });
  for (const r of outcomes) {
    push(r, {
      ...empty,
      kind: 'OUTCOME',
      outcome: {
        id: r['outcome_id'],
        type: (r['outcome_type'] as string).toUpperCase(),
        occurredAt: iso(r.occurred_at),
        source: r['source'],
        recistResponse: r['recist_response'],
        stage: r['stage'],
        timePoint: r['time_point'],
        notes: r['notes'],
        correctionCount: r['correction_count'],
        changeReason: r['change_reason'],
        recordedAt: iso(r.recorded_at),
        versionRecordedAt: iso(r['version_recorded_at'] as string),
      },
    });
  }
  for (const r of screenings) {
    const recallKnown = !at || (r['recall_recorded_at'] !== null && (r['recall_recorded_at'] as string) <= at);
    const assessmentKnown = !at || (r['assessment_recorded_at'] !== null && (r['assessment_recorded_at'] as string) <= at);
    push(r, {
      ...empty,
      kind: 'SCREENING',
      screening: {
        id: r['screening_id'],
        programmeId: r['programme_id'],
        roundId: r['round_id'],
        siteId: r['site_id'],
        modality: r['modality'],
        humanResult: r['human_result'],
        readerIds: r['reader_ids'],
        aiAlgorithmVersionId: r['ai_algorithm_version_id'],
        aiScore: r['ai_score'],
        aiPositive: r['ai_positive'],
        screenedAt: iso(r.occurred_at),
        recalledAt: recallKnown ? iso(r['recalled_at'] as string | null) : null,
        recallReason: recallKnown ? r['recall_reason'] : null,
        assessmentOutcome: assessmentKnown ? r['assessment_outcome'] : null,
        diagnosisDate: assessmentKnown ? r['diagnosis_date'] : null,
        stage: assessmentKnown ? r['stage'] : null,
      },
    });
  }
  const out = ids.map((id) => bySubject.get(id)!);
  for (const list of out) {
    // In the order things happened; same instant: the order they were recorded, then a fixed kind order.
    list.sort(
      (a, b) =>
        (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0) ||
        comparePositions(a.position, b.position) ||
        KIND_ORDER[a.kind] - KIND_ORDER[b.kind],
    );
  }
  return out;
}

type SeriesJson = {
  seriesInstanceUid: string;
  seriesDescription: string | null;
  sliceThicknessMm: number | null;
  reconstructionKernel: string | null;
  contrastPhase: string | null;
  pixelSpacingMm: number[] | null;
};

/** The further acquisition fields of a study row (read model columns of migration 1765730000000), coded values as the SDL's enums. */
function acquisitionView(r: Record<string, unknown>): Record<string, unknown> {
  const upper = (v: unknown): string | null => (typeof v === 'string' ? v.toUpperCase() : null);
  const row = r['pixel_spacing_row_mm'] as number | null;
  const column = r['pixel_spacing_column_mm'] as number | null;
  return {
    scannerSoftwareVersion: r['scanner_software_version'],
    tubeCurrentMa: r['tube_current_ma'],
    reconstructionKernel: r['reconstruction_kernel'],
    contrastPhase: upper(r['contrast_phase']),
    pixelSpacingMm: row === null || column === null ? null : [row, column],
    fieldStrengthT: r['field_strength_t'],
    protocolName: r['protocol_name'],
    series: ((r['series'] as SeriesJson[] | null) ?? []).map((s) => ({ ...s, contrastPhase: upper(s.contrastPhase) })),
    acquisitionCorrectionReason: r['acquisition_correction_reason'],
    protocolDeviations: ((r['protocol_deviations'] as { kind: string }[] | null) ?? []).map((d) => ({ ...d, kind: d.kind.toUpperCase() })),
    protocolVersion: r['protocol_version'],
  };
}

/** Positions are decimal strings without leading zeros: the shorter is smaller, else the text order is the number order. */
function comparePositions(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** One timeline loader per request and asOf moment. */
export class TimelineLoaders {
  private readonly loaders = new Map<string, DataLoader<string, TimelineEntry[]>>();

  constructor(private readonly ds: DataSource) {}

  for(asOf: Date | null): DataLoader<string, TimelineEntry[]> {
    const key = asOf?.toISOString() ?? 'now';
    let loader = this.loaders.get(key);
    if (!loader) this.loaders.set(key, (loader = new DataLoader((ids) => loadTimelines(this.ds, ids, asOf), { maxBatchSize: 1000 })));
    return loader;
  }
}
