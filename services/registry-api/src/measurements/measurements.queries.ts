import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { MeasurementRow, RowOf } from '#read-model';
import type { VerifiedActor } from '../auth/actor.js';
import { decodeCursor, iso, pageSize, toConnection, Where, type Connection } from '../read-side/connection.queries.js';
import { readModelQuery } from '../read-side/read-model.sql.js';
import { READS, ReadYourWrites } from '../read-your-writes/read-your-writes.queries.js';
import { subjectScopeSql } from '../read-side/subject-scope.js';

export interface MeasurementFilter {
  subjectId?: string | null;
  trialId?: string | null;
  programmeId?: string | null;
  armCode?: string | null;
  siteId?: string | null;
  timePoint?: string | null;
  biomarkerId?: string | null;
  biomarkerVersion?: number | null;
  method?: string | null;
  algorithmVersionId?: string | null;
  readerId?: string | null;
  lesionTrackingUid?: string | null;
  studyInstanceUid?: string | null;
  occurredFrom?: Date | null;
  occurredBefore?: Date | null;
  recordedFrom?: Date | null;
  recordedBefore?: Date | null;
}

/** A measurements row with its subject's arm and site (kept on the row by the projector). */
export type MeasurementRecord = RowOf<MeasurementRow>;

/** The measurement version that was current at `at` (an SQL expression for a moment; null = now), on alias `m`. */
export function versionAt(at: string | null): string {
  return at ? `m.version_recorded_at <= ${at} AND (m.superseded_at IS NULL OR m.superseded_at > ${at})` : 'm.superseded_at IS NULL';
}

/**
 * The select list of a measurements query on alias `m`: `columns` (all a Measurement shows when null). The row
 * carries its subject's arm and site (kept there by the projector); `armAt`, an SQL expression for a moment,
 * hides the arm where the randomisation had not been recorded by then.
 */
export function measurementSelectList(columns: readonly string[] | null, armAt: string | null): string {
  return (columns ?? ALL_COLUMNS)
    .map((c) => (c === 'arm_code' && armAt ? `CASE WHEN m.randomised_recorded_at <= ${armAt} THEN m.arm_code END AS arm_code` : `m.${c}`))
    .join(', ');
}

export function toMeasurementView(r: MeasurementRecord) {
  return {
    id: r.measurement_id,
    version: r.version,
    subjectId: r.subject_id,
    trialId: r.trial_id,
    programmeId: r.programme_id,
    armCode: r.arm_code,
    siteId: r.subject_site_id,
    timePoint: r.time_point,
    biomarkerId: r.biomarker_id,
    biomarkerVersion: r.biomarker_version,
    // A page may have read only the columns its query selects (columnsForSelection): absent ones are undefined.
    valueKind: r.value_kind?.toUpperCase(),
    value: r.value,
    unit: r.unit,
    category: r.category,
    originalValue: r.original_value,
    originalUnit: r.original_unit,
    correctionCount: r.correction_count,
    retracted: r.retracted,
    changeReason: r.change_reason,
    adjudication: r.adjudication,
    method: r.method?.toUpperCase(),
    algorithmVersionId: r.algorithm_version_id,
    readerId: r.reader_id,
    lesion: r.lesion_tracking_uid
      ? { trackingUid: r.lesion_tracking_uid, label: r.lesion_label ?? '', findingSite: r.lesion_finding_site, role: r.lesion_role ?? '' }
      : null,
    studyInstanceUid: r.study_instance_uid,
    seriesInstanceUid: r.series_instance_uid,
    extraction: extractionView(r),
    occurredAt: iso(r.occurred_at)!,
    recordedAt: iso(r.recorded_at)!,
    versionRecordedAt: iso(r.version_recorded_at)!,
    position: r.position,
  };
}

export type MeasurementView = ReturnType<typeof toMeasurementView>;

/** The extraction method of a row; null when the recording stated none (or the page did not read those columns). */
function extractionView(r: MeasurementRecord) {
  const software = r.extraction_software ? { name: r.extraction_software, version: r.extraction_software_version ?? '' } : null;
  const segmentation = r.segmentation_method
    ? { method: r.segmentation_method.toUpperCase(), algorithm: r.segmentation_algorithm, algorithmVersion: r.segmentation_algorithm_version }
    : null;
  const harmonisation = r.harmonisation_method ? { method: r.harmonisation_method.toUpperCase(), referenceBatch: r.harmonisation_reference_batch } : null;
  const ibsiCompliant = r.ibsi_compliant ?? null;
  return software || segmentation || harmonisation || ibsiCompliant !== null ? { software, ibsiCompliant, segmentation, harmonisation } : null;
}

/** The columns behind each field of Measurement (position and subject_id are always read). */
const FIELD_COLUMNS: Record<string, readonly string[]> = {
  id: ['measurement_id'],
  version: ['version'],
  subjectId: [],
  signatures: ['measurement_id'],
  trialId: ['trial_id'],
  programmeId: ['programme_id'],
  armCode: ['arm_code'],
  siteId: ['subject_site_id'],
  timePoint: ['time_point'],
  biomarkerId: ['biomarker_id'],
  biomarkerVersion: ['biomarker_version'],
  valueKind: ['value_kind'],
  value: ['value'],
  unit: ['unit'],
  category: ['category'],
  originalValue: ['original_value'],
  originalUnit: ['original_unit'],
  correctionCount: ['correction_count'],
  retracted: ['retracted'],
  changeReason: ['change_reason'],
  adjudication: ['adjudication'],
  method: ['method'],
  algorithmVersionId: ['algorithm_version_id'],
  readerId: ['reader_id'],
  lesion: ['lesion_tracking_uid', 'lesion_label', 'lesion_finding_site', 'lesion_role'],
  studyInstanceUid: ['study_instance_uid'],
  seriesInstanceUid: ['series_instance_uid'],
  extraction: [
    'extraction_software',
    'extraction_software_version',
    'ibsi_compliant',
    'segmentation_method',
    'segmentation_algorithm',
    'segmentation_algorithm_version',
    'harmonisation_method',
    'harmonisation_reference_batch',
  ],
  occurredAt: ['occurred_at'],
  recordedAt: ['recorded_at'],
  versionRecordedAt: ['version_recorded_at'],
  position: [],
  __typename: [],
};

const ALL_COLUMNS = [...new Set(['position', 'subject_id', ...Object.values(FIELD_COLUMNS).flat()])];

/**
 * The measurements columns a query's selection of Measurement fields needs, or null for all of them (a field this
 * list does not know). A 100-row page that asks for 16 fields then reads 18 of the 33 columns: less for PostgreSQL
 * to print and send and for the driver to parse.
 */
export function columnsForSelection(fieldNames: Iterable<string>): string[] | null {
  const columns = new Set(['position', 'subject_id']);
  for (const name of fieldNames) {
    const cols = FIELD_COLUMNS[name];
    if (!cols) return null;
    cols.forEach((c) => columns.add(c));
  }
  return [...columns];
}

export class ListMeasurementsQuery extends Query<Connection<MeasurementView>> {
  constructor(
    readonly actor: VerifiedActor,
    readonly filter: MeasurementFilter,
    readonly first: number | null,
    readonly after: string | null,
    readonly includeRetracted: boolean,
    readonly consistentWith: bigint | null,
    readonly asOf: Date | null,
    /** Columns to read (columnsForSelection); null = all. */
    readonly columns: readonly string[] | null = null,
  ) {
    super();
  }
}

@QueryHandler(ListMeasurementsQuery)
export class ListMeasurementsHandler implements IQueryHandler<ListMeasurementsQuery, Connection<MeasurementView>> {
  constructor(private readonly ryw: ReadYourWrites) {}

  async execute(q: ListMeasurementsQuery): Promise<Connection<MeasurementView>> {
    const db = await this.ryw.waitFor(q.consistentWith, READS.measurements);
    const first = pageSize(q.first, 100);
    const f = q.filter;
    const w = new Where();
    // One parameter for the moment, used by the version test, the arm's visibility and the arm filter.
    const at = q.asOf ? `${w.param(q.asOf.toISOString())}::timestamptz` : null;
    w.raw(versionAt(at));
    if (!q.includeRetracted) w.raw('NOT m.retracted');
    w.add('m.subject_id = $?', f.subjectId)
      .add('m.trial_id = $?', f.trialId)
      .add('m.programme_id = $?', f.programmeId)
      .add('m.arm_code = $?', f.armCode)
      .add('m.subject_site_id = $?', f.siteId)
      .add('m.time_point = $?', f.timePoint)
      .add('m.biomarker_id = $?', f.biomarkerId)
      .add('m.biomarker_version = $?', f.biomarkerVersion)
      .add('m.method = $?', f.method?.toLowerCase())
      .add('m.algorithm_version_id = $?', f.algorithmVersionId)
      .add('m.reader_id = $?', f.readerId)
      .add('m.lesion_tracking_uid = $?', f.lesionTrackingUid)
      .add('m.study_instance_uid = $?', f.studyInstanceUid)
      .add('m.occurred_at >= $?', f.occurredFrom?.toISOString())
      .add('m.occurred_at < $?', f.occurredBefore?.toISOString())
      .add('m.recorded_at >= $?', f.recordedFrom?.toISOString())
      .add('m.recorded_at < $?', f.recordedBefore?.toISOString());
    // Known by then: a past moment's answer shows (and filters on) an arm only once its randomisation was recorded.
    if (at && f.armCode) w.raw(`m.randomised_recorded_at <= ${at}`);
    // A measurement carries its subject's trial or programme and site, as the subjects table has them now.
    subjectScopeSql(q.actor, w, 'm', (ids) => `m.subject_site_id = ANY (${ids}::text[])`);
    const countSql = `SELECT count(*)::int AS n FROM read_model.measurements m ${w.sql}`;
    const countParams = [...w.params];
    w.add('m.position > $?::bigint', decodeCursor(q.after));
    // Filtered on a column with an index in keyset order, order by it first (it is constant, so the order is the
    // same): the planner then walks that index instead of the position index, whose rows may lie far apart.
    const leading = f.subjectId
      ? 'm.subject_id, '
      : f.trialId && f.biomarkerId
        ? 'm.trial_id, m.biomarker_id, '
        : f.trialId
          ? 'm.trial_id, '
          : f.biomarkerId
            ? 'm.biomarker_id, '
            : '';
    const rows = await readModelQuery<MeasurementRecord>(
      db,
      `SELECT ${measurementSelectList(q.columns, at)} FROM read_model.measurements m ${w.sql} ORDER BY ${leading}m.position LIMIT ${first + 1}`,
      w.params,
      { prepare: true },
    );
    return toConnection(rows, first, toMeasurementView, async () => ((await db.query(countSql, countParams)) as { n: number }[])[0]!.n);
  }
}
