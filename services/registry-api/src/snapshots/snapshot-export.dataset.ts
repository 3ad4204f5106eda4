import {
  exportRecistAssessment,
  subjectRecords,
  type ExportAlgorithmVersion,
  type ExportBiomarker,
  type ExportDataset,
  type ExportImagingStudy,
  type ExportMeasurement,
  type ExportOutcome,
  type ExportScope,
  type ExportSubject,
} from '#interop';
import type { OutcomeType } from '#domain';
import type { JsonObject, Position } from '#event-store';
import type { DataSource, QueryRunner } from 'typeorm';
import type { FrozenSnapshot } from './snapshots.queries.js';

type Row = JsonObject;
const str = (r: Row, k: string): string => String(r[k]);
const strOrNull = (r: Row, k: string): string | null => (r[k] === null || r[k] === undefined ? null : String(r[k]));
const numOrNull = (r: Row, k: string): number | null => (r[k] === null || r[k] === undefined ? null : Number(r[k]));
// Kept rows carry timestamps as to_jsonb wrote them (UTC offset form); the builders take Date.toISOString's form.
const iso = (r: Row, k: string): string => new Date(str(r, k)).toISOString();
const isoOrNull = (r: Row, k: string): string | null => (r[k] === null || r[k] === undefined ? null : iso(r, k));

const FETCH = 1000;
/** A snapshot table's kept rows (optionally filtered and ordered by their JSON fields) as a cursor on the runner. */
async function* cursorRows(qr: QueryRunner, name: string, sql: string, params: unknown[]): AsyncGenerator<Row> {
  await qr.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
  try {
    for (;;) {
      const page = (await qr.query(`FETCH FORWARD ${FETCH} FROM ${name}`)) as { row: Row }[];
      for (const p of page) yield p.row;
      if (page.length < FETCH) return;
    }
  } finally {
    await qr.query(`CLOSE ${name}`);
  }
}

const KEPT = `SELECT k.row FROM read_model.analysis_snapshot_rows k WHERE k.snapshot_id = $1 AND k.table_name = $2`;

async function* map<A, B>(rows: AsyncIterable<A>, f: (a: A) => B): AsyncGenerator<B> {
  for await (const r of rows) yield f(r);
}

/** What an export may show of a subject's sealed personal fields (privacy/personal-data.ts), opened at the cut. */
export interface OpenedPersonalFields {
  readonly yearOfBirth?: number;
  readonly sex?: 'female' | 'male' | 'other' | 'unknown';
}

/**
 * Opens the personal fields of these subjects as recorded up to the cut (PrivacyService.openAtCut): `'erased'` for a
 * crypto-shredded subject, absent when none was recorded.
 */
export type PersonalFieldsAtCut = (subjectIds: readonly string[], upTo: Position) => Promise<ReadonlyMap<string, OpenedPersonalFields | 'erased'>>;

const PERSONAL_BATCH = 200;

/** The subject rows with their personal fields opened, a batch of subjects at a time (memory stays bounded). */
async function* withPersonal<S extends { subjectId: string; yearOfBirth: number | null; sex: ExportSubject['sex']; erased: boolean }>(
  rows: AsyncIterable<S>,
  open: PersonalFieldsAtCut | null,
  upTo: Position,
): AsyncGenerator<S> {
  if (open === null) return yield* rows;
  let batch: S[] = [];
  const flush = async function* (): AsyncGenerator<S> {
    const opened = await open(
      batch.map((s) => s.subjectId),
      upTo,
    );
    for (const s of batch) {
      const p = opened.get(s.subjectId);
      if (p === undefined) yield s;
      else if (p === 'erased') yield { ...s, yearOfBirth: null, sex: null, erased: true };
      else yield { ...s, yearOfBirth: p.yearOfBirth ?? null, sex: p.sex ?? null };
    }
    batch = [];
  };
  for await (const s of rows) {
    batch.push(s);
    if (batch.length >= PERSONAL_BATCH) yield* flush();
  }
  if (batch.length > 0) yield* flush();
}

/**
 * A frozen snapshot as the export builders' input (libs/interop ExportDataset), read from its kept rows only: the
 * same snapshot gives the same dataset, whatever was recorded since. Small tables (trial, catalogue) are read whole,
 * the subjects' rows through four cursors in subject order (one read-only transaction: no transaction id, nothing
 * held back).
 *
 * Personal fields (year of birth, sex) are deliberately not snapshot rows: they are opened at export time by
 * `personal` from the sealed envelopes in the log at the snapshot's cut (PrivacyService.openAtCut). A copy in the
 * rows — in clear or re-sealed — would be a second place the crypto-shredding has to reach (and the privacy e2e
 * proves no read-model table holds one); read from the log, an erasure after freezing leaves every later export of
 * the snapshot without the subject's fields, with nothing to rewrite, and the content hash (which never covered
 * them) stays valid, so verifyAnalysisSnapshot still matches. Without `personal` they stay null (OMOP PERSON then
 * leaves such subjects out and counts them; see libs/interop README). RECIST assessments are computed per subject
 * from its kept measurements (libs/interop exportRecistAssessment): derived, like every export row.
 */
export async function withSnapshotDataset<T>(
  dataSource: DataSource,
  snapshot: FrozenSnapshot,
  use: (dataset: ExportDataset) => Promise<T>,
  personal: PersonalFieldsAtCut | null = null,
): Promise<T> {
  const qr = dataSource.createQueryRunner();
  await qr.connect();
  try {
    await qr.startTransaction('REPEATABLE READ');
    await qr.query(`SET TRANSACTION READ ONLY`);
    const whole = async (table: string) => ((await qr.query(`${KEPT} ORDER BY k.ordinal`, [snapshot.id, table])) as { row: Row }[]).map((r) => r.row);
    const named = async (column: string) =>
      new Set(
        (
          (await qr.query(
            `SELECT DISTINCT k.row->>'${column}' AS id FROM read_model.analysis_snapshot_rows k WHERE k.snapshot_id = $1 AND k.table_name = 'measurements' AND k.row->>'superseded_at' IS NULL AND k.row->>'${column}' IS NOT NULL`,
            [snapshot.id],
          )) as { id: string }[]
        ).map((r) => r.id),
      );
    const usedBiomarkers = await named('biomarker_id');
    const usedAlgorithms = await named('algorithm_version_id');
    const biomarkers: ExportBiomarker[] = (await whole('biomarkers'))
      .filter((b) => usedBiomarkers.has(str(b, 'biomarker_id')))
      .map((b) => ({
        biomarkerId: str(b, 'biomarker_id'),
        code: str(b, 'code'),
        name: str(b, 'name'),
        description: strOrNull(b, 'description'),
        modality: str(b, 'modality'),
        bodySite: strOrNull(b, 'body_site'),
        valueKind: str(b, 'value_kind') as ExportBiomarker['valueKind'],
        unit: strOrNull(b, 'unit'),
        categories: (b['categories'] as string[] | null) ?? null,
        version: Number(b['version']),
        concepts: (b['coded_concepts'] as unknown as ExportBiomarker['concepts'] | null) ?? [],
      }))
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const byBiomarker = new Map(biomarkers.map((b) => [b.biomarkerId, b]));
    const algorithmVersions: ExportAlgorithmVersion[] = (await whole('algorithm_versions'))
      .filter((a) => usedAlgorithms.has(str(a, 'algorithm_version_id')))
      .map((a) => ({
        algorithmVersionId: str(a, 'algorithm_version_id'),
        manufacturer: str(a, 'manufacturer'),
        name: str(a, 'name'),
        version: str(a, 'version'),
        uri: `urn:registry:algorithm-version:${str(a, 'algorithm_version_id')}`,
        deviceUid: null,
      }));
    let scope: ExportScope;
    if (snapshot.scope.kind === 'trial') {
      const [t] = await whole('trials');
      if (!t) throw new Error(`snapshot ${snapshot.id} keeps no trial row`);
      const schedule = (Array.isArray(t['schedule']) ? t['schedule'] : []) as { code: string; label: string; targetDay: number }[];
      scope = {
        kind: 'trial',
        trial: {
          trialId: str(t, 'trial_id'),
          title: str(t, 'title'),
          phase: str(t, 'phase'),
          sponsor: str(t, 'sponsor'),
          arms: (await whole('trial_arms')).map((a) => ({ armCode: str(a, 'arm_code'), name: str(a, 'name'), armType: str(a, 'arm_type') })),
          sites: (await whole('trial_sites')).map((s) => ({ siteId: str(s, 'site_id'), name: str(s, 'name'), country: strOrNull(s, 'country') })),
          visits: [...schedule]
            .sort((a, b) => a.targetDay - b.targetDay || (a.code < b.code ? -1 : 1))
            .map((v) => ({ code: v.code, label: v.label, targetDay: v.targetDay })),
        },
      };
    } else {
      const [p] = await whole('screening_programmes');
      if (!p) throw new Error(`snapshot ${snapshot.id} keeps no programme row`);
      scope = { kind: 'programme', programme: { programmeId: str(p, 'programme_id'), name: str(p, 'name') } };
    }
    const bySubject = (extra: string, order: string) =>
      `${KEPT} AND k.row->>'subject_id' IS NOT NULL ${extra} ORDER BY k.row->>'subject_id' COLLATE "C", ${order}`;
    const cut: Position = { commit: BigInt(snapshot.manifest.commitPosition), prepare: BigInt(snapshot.manifest.position) };
    const subjectRows = map(cursorRows(qr, 'export_subjects', `${KEPT} ORDER BY k.ordinal`, [snapshot.id, 'subjects']), (s) => ({
      subjectId: str(s, 'subject_id'),
      pseudonym: str(s, 'pseudonym'),
      armCode: strOrNull(s, 'arm_code'),
      siteId: strOrNull(s, 'site_id'),
      status: str(s, 'status'),
      enrolledAt: isoOrNull(s, 'enrolled_at'),
      randomisedAt: isoOrNull(s, 'randomised_at'),
      withdrawnAt: isoOrNull(s, 'withdrawn_at'),
      yearOfBirth: null as number | null,
      sex: null as ExportSubject['sex'],
      erased: str(s, 'status') === 'erased',
    }));
    const subjects = withPersonal(subjectRows, personal, cut);
    const studies = map(
      cursorRows(qr, 'export_studies', bySubject('', `k.row->>'occurred_at', k.row->>'study_instance_uid' COLLATE "C"`), [snapshot.id, 'imaging_studies']),
      (s): ExportImagingStudy & { subjectId: string } => ({
        subjectId: str(s, 'subject_id'),
        studyInstanceUid: str(s, 'study_instance_uid'),
        modality: str(s, 'modality'),
        occurredAt: iso(s, 'occurred_at'),
        siteId: str(s, 'site_id'),
        seriesInstanceUids: [],
      }),
    );
    const measurements = map(
      cursorRows(
        qr,
        'export_measurements',
        bySubject(`AND k.row->>'superseded_at' IS NULL AND NOT (k.row->>'retracted')::boolean`, `k.row->>'occurred_at', k.row->>'measurement_id' COLLATE "C"`),
        [snapshot.id, 'measurements'],
      ),
      (m): ExportMeasurement & { subjectId: string } => {
        const b = byBiomarker.get(str(m, 'biomarker_id'));
        return {
          subjectId: str(m, 'subject_id'),
          measurementId: str(m, 'measurement_id'),
          version: Number(m['version']),
          biomarkerId: str(m, 'biomarker_id'),
          biomarkerCode: b?.code ?? str(m, 'biomarker_id'),
          biomarkerVersion: Number(m['biomarker_version']),
          concepts: b?.concepts ?? [],
          valueKind: str(m, 'value_kind') as ExportMeasurement['valueKind'],
          value: numOrNull(m, 'value'),
          unit: strOrNull(m, 'unit'),
          category: strOrNull(m, 'category'),
          originalValue: numOrNull(m, 'original_value'),
          originalUnit: strOrNull(m, 'original_unit'),
          studyInstanceUid: str(m, 'study_instance_uid'),
          seriesInstanceUid: strOrNull(m, 'series_instance_uid'),
          timePoint: str(m, 'time_point'),
          lesionTrackingUid: strOrNull(m, 'lesion_tracking_uid'),
          lesionLabel: strOrNull(m, 'lesion_label'),
          lesionFindingSite: strOrNull(m, 'lesion_finding_site'),
          lesionRole: strOrNull(m, 'lesion_role') as ExportMeasurement['lesionRole'],
          method: str(m, 'method') as ExportMeasurement['method'],
          readerId: strOrNull(m, 'reader_id'),
          algorithmVersionId: strOrNull(m, 'algorithm_version_id'),
          adjudication: strOrNull(m, 'adjudication'),
          occurredAt: iso(m, 'occurred_at'),
          recordedAt: iso(m, 'recorded_at'),
          correctionCount: Number(m['correction_count']),
        };
      },
    );
    const outcomes = map(
      cursorRows(qr, 'export_outcomes', bySubject(`AND k.row->>'superseded_at' IS NULL`, `k.row->>'occurred_at', k.row->>'outcome_id' COLLATE "C"`), [
        snapshot.id,
        'outcomes',
      ]),
      (o): ExportOutcome & { subjectId: string } => ({
        subjectId: str(o, 'subject_id'),
        outcomeId: str(o, 'outcome_id'),
        outcomeType: str(o, 'outcome_type') as OutcomeType,
        occurredAt: iso(o, 'occurred_at'),
        source: str(o, 'source'),
        recistResponse: strOrNull(o, 'recist_response'),
        timePoint: strOrNull(o, 'time_point'),
        stage: strOrNull(o, 'stage'),
      }),
    );
    // The series of a study are the ones its measurements name (the read model keeps no series list).
    const withSeries = map(
      subjectRecords({ subjects, studies, measurements, outcomes, recist: (s) => exportRecistAssessment(s, byBiomarker) }),
      (s): ExportSubject => ({
        ...s,
        studies: s.studies.map((st) => ({
          ...st,
          seriesInstanceUids: [
            ...new Set(
              s.measurements.filter((m) => m.studyInstanceUid === st.studyInstanceUid && m.seriesInstanceUid !== null).map((m) => m.seriesInstanceUid!),
            ),
          ].sort(),
        })),
      }),
    );
    const dataset: ExportDataset = {
      scope,
      position: snapshot.manifest.position,
      snapshot: { snapshotId: snapshot.id, contentHash: snapshot.manifest.contentHash },
      biomarkers,
      algorithmVersions,
      subjects: withSeries,
    };
    const result = await use(dataset);
    await qr.commitTransaction();
    return result;
  } finally {
    if (qr.isTransactionActive) await qr.rollbackTransaction();
    await qr.release();
  }
}
