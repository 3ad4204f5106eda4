/**
 * The columns of a measurement file (CSV with a header row, or NDJSON with one object per line using the same
 * names). One row is one measurement. Column names are case-sensitive snake_case; an unknown column refuses the
 * file (a typo would otherwise drop data silently).
 */
export const MEASUREMENT_ROW_COLUMNS = {
  measurement_key: 'Optional stable key of the row chosen by the sender; without it the key is a hash of the row content.',
  subject_pseudonym: 'The subject by pseudonym (one of subject_pseudonym / subject_id).',
  subject_id: 'The subject by registry id (one of subject_pseudonym / subject_id).',
  study_instance_uid: 'Required. DICOM Study Instance UID of the imaging study measured on.',
  series_instance_uid: 'Optional DICOM Series Instance UID.',
  biomarker_code: 'Required. The catalogue short code (e.g. SMA_L3), or with biomarker_scheme a coded concept value.',
  biomarker_scheme: 'Optional coding scheme of biomarker_code (DCM, SCT, LN, RADLEX…); empty = the catalogue code (scheme REGISTRY).',
  value: 'The numeric value of a quantitative biomarker (dot decimal separator).',
  unit: "Its case-sensitive UCUM unit (mm, mm2, cm3, [hnsf'U], {SUVbw}g/mL, 1); required with value.",
  category: 'The category of a categorical biomarker (instead of value and unit).',
  reader_id: 'The registry reader who measured (manual), or who measured with the algorithm (semi-automatic).',
  algorithm_version_id: 'The registry algorithm version that measured (ai), or assisted the reader (semi-automatic).',
  time_point: 'Required. The visit / time point label (e.g. BASELINE, WEEK12).',
  occurred_at: 'Optional ISO-8601 date-time of the observation.',
  lesion_tracking_uid: 'Optional DICOM UID identifying the lesion across time points (Tracking Unique Identifier).',
  lesion_label: 'Optional lesion label (Tracking Identifier), e.g. "Nodule 1"; needs lesion_tracking_uid.',
  lesion_role: 'Optional: target, non_target or new (default target when a lesion is given).',
  finding_site: 'Optional finding site / body site text (e.g. Liver).',
} as const;
export type MeasurementRowColumn = keyof typeof MEASUREMENT_ROW_COLUMNS;
export const MEASUREMENT_ROW_COLUMN_NAMES = Object.keys(MEASUREMENT_ROW_COLUMNS) as MeasurementRowColumn[];

/** Scheme of biomarker_code when the row gives no biomarker_scheme: the API resolver looks it up as the catalogue's own code. */
export const REGISTRY_CODE_SCHEME = 'REGISTRY';
