import { csvRecord, type CsvValue } from './csv.writer.js';
import { exportContext } from './export-context.js';
import { canonicalTimestamp, isoDate, type ExportChunk, type ExportDataset, type ExportSubject } from './export-dataset.model.js';

/**
 * OMOP CDM 5.4 + the OHDSI Medical Imaging extension (MI-CDM) as `<table>.csv`, lower case, header row, in the column
 * order of the official PostgreSQL DDL (OHDSI/CommonDataModel inst/ddl/5.4/postgresql; ImageWG MICDM_postgresql_5.4),
 * so `COPY <table> FROM … CSV HEADER` loads each file.
 *
 * - Ids are integers counted in the dataset's order (subjects by id, their rows in their order): the same snapshot
 *   gives the same ids; ids are not stable across snapshots (OMOP ids are int4, too small for a collision-free hash).
 * - Concept ids: the registry has no Athena vocabularies, so 0 where it does not know one, with `*_source_value`
 *   kept; known: gender (8532 female, 8507 male), Outpatient Visit 9202, type concept 32879 "Registry", UCUM units
 *   mm 8588, cm 8582, mL 8587, % 8554. Other units (mm2, mm3, cm2, [hnsf'U] …) are 0 with `unit_source_value`.
 * - PERSON.year_of_birth is NOT NULL in the CDM: a subject without one (never given, or erased) is left out with all
 *   its rows, as OHDSI's conventions ask, and counted in the summary the generator returns.
 * - One VISIT_OCCURRENCE and one PROCEDURE_OCCURRENCE per imaging study; one IMAGE_OCCURRENCE per study × series
 *   the measurements name (image_series_uid is NOT NULL: a study whose measurements name no series gets one row
 *   with the empty string); one MEASUREMENT and one IMAGE_FEATURE (image_feature_event_id → measurement_id) per
 *   measurement; image_finding_id numbers lesions (tracking UIDs) for longitudinal links; alg_system is the
 *   algorithm version's URI. DEATH from the death outcome; OBSERVATION_PERIOD from the first to the last dated fact.
 */
export const OMOP_TABLES = {
  person: [
    'person_id',
    'gender_concept_id',
    'year_of_birth',
    'month_of_birth',
    'day_of_birth',
    'birth_datetime',
    'race_concept_id',
    'ethnicity_concept_id',
    'location_id',
    'provider_id',
    'care_site_id',
    'person_source_value',
    'gender_source_value',
    'gender_source_concept_id',
    'race_source_value',
    'race_source_concept_id',
    'ethnicity_source_value',
    'ethnicity_source_concept_id',
  ],
  observation_period: ['observation_period_id', 'person_id', 'observation_period_start_date', 'observation_period_end_date', 'period_type_concept_id'],
  visit_occurrence: [
    'visit_occurrence_id',
    'person_id',
    'visit_concept_id',
    'visit_start_date',
    'visit_start_datetime',
    'visit_end_date',
    'visit_end_datetime',
    'visit_type_concept_id',
    'provider_id',
    'care_site_id',
    'visit_source_value',
    'visit_source_concept_id',
    'admitted_from_concept_id',
    'admitted_from_source_value',
    'discharged_to_concept_id',
    'discharged_to_source_value',
    'preceding_visit_occurrence_id',
  ],
  procedure_occurrence: [
    'procedure_occurrence_id',
    'person_id',
    'procedure_concept_id',
    'procedure_date',
    'procedure_datetime',
    'procedure_end_date',
    'procedure_end_datetime',
    'procedure_type_concept_id',
    'modifier_concept_id',
    'quantity',
    'provider_id',
    'visit_occurrence_id',
    'visit_detail_id',
    'procedure_source_value',
    'procedure_source_concept_id',
    'modifier_source_value',
  ],
  image_occurrence: [
    'image_occurrence_id',
    'person_id',
    'procedure_occurrence_id',
    'visit_occurrence_id',
    'anatomic_site_concept_id',
    'wadors_uri',
    'local_path',
    'image_occurrence_date',
    'image_study_uid',
    'image_series_uid',
    'modality_concept_id',
  ],
  measurement: [
    'measurement_id',
    'person_id',
    'measurement_concept_id',
    'measurement_date',
    'measurement_datetime',
    'measurement_time',
    'measurement_type_concept_id',
    'operator_concept_id',
    'value_as_number',
    'value_as_concept_id',
    'unit_concept_id',
    'range_low',
    'range_high',
    'provider_id',
    'visit_occurrence_id',
    'visit_detail_id',
    'measurement_source_value',
    'measurement_source_concept_id',
    'unit_source_value',
    'unit_source_concept_id',
    'value_source_value',
    'measurement_event_id',
    'meas_event_field_concept_id',
  ],
  image_feature: [
    'image_feature_id',
    'person_id',
    'image_occurrence_id',
    'image_feature_event_field_concept_id',
    'image_feature_event_id',
    'image_feature_concept_id',
    'image_feature_type_concept_id',
    'image_finding_concept_id',
    'image_finding_id',
    'anatomic_site_concept_id',
    'alg_system',
    'alg_datetime',
  ],
  death: ['person_id', 'death_date', 'death_datetime', 'death_type_concept_id', 'cause_concept_id', 'cause_source_value', 'cause_source_concept_id'],
} as const;
export type OmopTable = keyof typeof OMOP_TABLES;
export const omopFile = (table: OmopTable): string => `${table}.csv`;

export const OmopConcepts = {
  female: 8532,
  male: 8507,
  outpatientVisit: 9202,
  /** Type Concept "Registry". */
  registry: 32879,
} as const;

/** UCUM code → OMOP unit concept id, only where the id is certain; everything else is 0 with unit_source_value. */
export const OMOP_UNIT_CONCEPTS: Readonly<Record<string, number>> = { mm: 8588, cm: 8582, mL: 8587, '%': 8554 };

export interface OmopSummary {
  readonly rows: Readonly<Record<OmopTable, number>>;
  /** Subjects left out because PERSON.year_of_birth is required and theirs is unknown or erased. */
  readonly personsWithoutYearOfBirth: number;
}

/** varchar(50) columns: longer source values are cut (the full value is in the registry and the other exports). */
const v50 = (s: string | null): string | null => (s === null ? null : s.length > 50 ? s.slice(0, 50) : s);
/** TIMESTAMP (without time zone) columns, written in UTC with milliseconds. */
const ts = (iso: string): string => {
  const t = canonicalTimestamp(iso);
  return `${t.slice(0, 10)} ${t.slice(11, 23)}`;
};

export async function* omopExport(dataset: ExportDataset): AsyncGenerator<ExportChunk, OmopSummary> {
  const ctx = exportContext(dataset);
  const rows = Object.fromEntries(Object.keys(OMOP_TABLES).map((t) => [t, 0])) as Record<OmopTable, number>;
  for (const table of Object.keys(OMOP_TABLES) as OmopTable[]) yield { file: omopFile(table), text: csvRecord(OMOP_TABLES[table]) };
  let skipped = 0;
  const next = { person: 0, visit: 0, image: 0, measurement: 0, finding: 0 };
  for await (const s of dataset.subjects) {
    if (s.yearOfBirth === null) {
      skipped++;
      continue;
    }
    const out = new Map<OmopTable, string>();
    const add = (table: OmopTable, values: readonly CsvValue[]) => {
      if (values.length !== OMOP_TABLES[table].length) throw new Error(`${table}: ${values.length} values for ${OMOP_TABLES[table].length} columns`);
      out.set(table, (out.get(table) ?? '') + csvRecord(values));
      rows[table]++;
    };
    const personId = ++next.person;
    add('person', [
      personId,
      s.sex === 'female' ? OmopConcepts.female : s.sex === 'male' ? OmopConcepts.male : 0,
      s.yearOfBirth,
      null,
      null,
      null,
      0,
      0,
      null,
      null,
      null,
      v50(s.pseudonym),
      s.sex,
      null,
      null,
      null,
      null,
      null,
    ]);
    const dates = datesOf(s);
    if (dates.length > 0) add('observation_period', [personId, personId, dates[0]!, dates[dates.length - 1]!, OmopConcepts.registry]);
    // Visit and procedure share the study's number: one of each per study.
    const studyIds = new Map<string, number>();
    const images = new Map<string, number>();
    for (const study of s.studies) {
      const id = ++next.visit;
      studyIds.set(study.studyInstanceUid, id);
      const date = isoDate(study.occurredAt);
      add('visit_occurrence', [
        id,
        personId,
        OmopConcepts.outpatientVisit,
        date,
        ts(study.occurredAt),
        date,
        ts(study.occurredAt),
        OmopConcepts.registry,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
      ]);
      add('procedure_occurrence', [
        id,
        personId,
        0,
        date,
        ts(study.occurredAt),
        null,
        null,
        OmopConcepts.registry,
        null,
        null,
        null,
        id,
        null,
        v50(study.modality),
        null,
        null,
      ]);
      const series = study.seriesInstanceUids.length > 0 ? study.seriesInstanceUids : [''];
      for (const uid of series) {
        const imageId = ++next.image;
        images.set(`${study.studyInstanceUid}|${uid}`, imageId);
        add('image_occurrence', [imageId, personId, id, id, null, null, null, date, study.studyInstanceUid, uid, 0]);
      }
    }
    const findings = new Map<string, number>();
    for (const m of s.measurements) {
      const visitId = studyIds.get(m.studyInstanceUid);
      if (visitId === undefined)
        throw new Error(`Measurement ${m.measurementId} is on study ${m.studyInstanceUid}, which is not among subject ${s.subjectId}'s studies`);
      const imageId =
        images.get(`${m.studyInstanceUid}|${m.seriesInstanceUid ?? ''}`) ??
        images.get(`${m.studyInstanceUid}|`) ??
        images.get(`${m.studyInstanceUid}|${firstSeries(s, m.studyInstanceUid)}`)!;
      const id = ++next.measurement;
      const quantitative = m.valueKind === 'quantitative';
      const original = m.originalValue === null ? null : `${m.originalValue}${m.originalUnit ? ` ${m.originalUnit}` : ''}`;
      add('measurement', [
        id,
        personId,
        0,
        isoDate(m.occurredAt),
        ts(m.occurredAt),
        null,
        OmopConcepts.registry,
        null,
        quantitative ? m.value : null,
        quantitative ? null : 0,
        quantitative && m.unit !== null ? (OMOP_UNIT_CONCEPTS[m.unit] ?? 0) : null,
        null,
        null,
        null,
        visitId,
        null,
        v50(m.biomarkerCode),
        null,
        v50(m.unit),
        null,
        v50(quantitative ? original : m.category),
        null,
        null,
      ]);
      let finding: number | null = null;
      if (m.lesionTrackingUid !== null) {
        finding = findings.get(m.lesionTrackingUid) ?? ++next.finding;
        findings.set(m.lesionTrackingUid, finding);
      }
      add('image_feature', [
        id,
        personId,
        imageId,
        0,
        id,
        0,
        OmopConcepts.registry,
        0,
        finding,
        0,
        ctx.algorithm(m.algorithmVersionId)?.uri ?? null,
        m.algorithmVersionId === null ? null : ts(m.occurredAt),
      ]);
    }
    const death = s.outcomes.find((o) => o.outcomeType === 'death');
    if (death) add('death', [personId, isoDate(death.occurredAt), ts(death.occurredAt), OmopConcepts.registry, null, null, null]);
    for (const [table, text] of out) yield { file: omopFile(table), text };
  }
  return { rows, personsWithoutYearOfBirth: skipped };
}

function firstSeries(s: ExportSubject, studyUid: string): string {
  return s.studies.find((st) => st.studyInstanceUid === studyUid)?.seriesInstanceUids[0] ?? '';
}

/** Every dated fact of the subject, as sorted calendar dates. */
function datesOf(s: ExportSubject): string[] {
  const all = [
    s.enrolledAt,
    s.randomisedAt,
    s.withdrawnAt,
    ...s.studies.map((x) => x.occurredAt),
    ...s.measurements.map((m) => m.occurredAt),
    ...s.outcomes.map((o) => o.occurredAt),
  ];
  return all
    .filter((t): t is string => t !== null)
    .map(isoDate)
    .sort();
}
