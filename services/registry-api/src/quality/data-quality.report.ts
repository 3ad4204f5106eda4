import type { DataSource } from 'typeorm';

export interface CompletenessCell {
  biomarkerId: string;
  timePoint: string;
  subjectsWithValue: number;
  subjectsExpected: number;
  ratio: number | null;
}

export interface DataQualityReportView {
  trialId: string | null;
  programmeId: string | null;
  subjects: number;
  completeness: { overall: number | null; cells: CompletenessCell[] };
  timeliness: { measurements: number; medianDaysScanToRecord: number | null; meanDaysScanToRecord: number | null; maxDaysScanToRecord: number | null };
  validity: { measurements: number; withOpenQuery: number; ratio: number | null };
  consistency: {
    subjectBiomarkersWithMethodChange: number;
    methodConsistencyQueries: number;
    studiesWithProtocolDeviation: number;
    protocolDeviations: number;
  };
  uniqueness: { studies: number; duplicateStudyGroups: number };
  queriesBySite: { siteId: string | null; open: number; answered: number; resolved: number; closed: number }[];
  label: string;
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);

/**
 * The EHDS data quality and utility label's technical-quality dimensions for one trial or programme, from the read
 * models: completeness (per biomarker and visit: subjects with a current value / subjects expected), timeliness (days
 * from scan to record), validity (current measurements without an open or answered data query), consistency
 * (method or algorithm changes within a subject's biomarker; studies outside the acquisition protocol), uniqueness (same-day same-modality studies of a subject)
 * and data queries per site. For a trial the visits are its schedule; for a programme the time points measured.
 */
export async function dataQualityReport(ds: DataSource, target: { trialId: string | null; programmeId: string | null }): Promise<DataQualityReportView> {
  const column = target.trialId !== null ? 'trial_id' : 'programme_id';
  const id = target.trialId ?? target.programmeId!;
  const current = `FROM read_model.measurements m WHERE m.${column} = $1 AND m.superseded_at IS NULL AND NOT m.retracted`;
  const [[subjects], schedule, cells, [timely], [valid], [changes], [consistencyQueries], [studies], bySite, [deviations]] = (await Promise.all([
    ds.query(`SELECT count(*)::int AS n FROM read_model.subjects WHERE ${column} = $1`, [id]),
    target.trialId !== null ? ds.query(`SELECT schedule FROM read_model.trials WHERE trial_id = $1`, [id]) : Promise.resolve([]),
    ds.query(`SELECT m.biomarker_id AS "biomarkerId", m.time_point AS "timePoint", count(DISTINCT m.subject_id)::int AS n ${current} GROUP BY 1, 2`, [id]),
    ds.query(
      `SELECT count(*)::int AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS median, avg(d) AS mean, max(d) AS max
         FROM (SELECT extract(epoch FROM (m.recorded_at - m.occurred_at)) / 86400 AS d ${current}) x`,
      [id],
    ),
    ds.query(
      `SELECT count(*)::int AS n,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM read_model.data_queries q
                                              WHERE q.measurement_id = m.measurement_id AND q.status IN ('open', 'answered')))::int AS flagged
         ${current}`,
      [id],
    ),
    ds.query(
      `SELECT count(*)::int AS n FROM (SELECT 1 ${current} GROUP BY m.subject_id, m.biomarker_id
        HAVING count(DISTINCT m.method || ':' || coalesce(m.algorithm_version_id, '')) > 1) x`,
      [id],
    ),
    ds.query(`SELECT count(*)::int AS n FROM read_model.data_queries WHERE ${column} = $1 AND rule_kind = 'method_consistency'`, [id]),
    ds.query(
      `SELECT coalesce(sum(n), 0)::int AS studies, count(*) FILTER (WHERE n > 1)::int AS duplicates
         FROM (SELECT count(*) AS n FROM read_model.imaging_studies st JOIN read_model.subjects s ON s.subject_id = st.subject_id
                WHERE s.${column} = $1 GROUP BY st.subject_id, st.modality, (st.occurred_at AT TIME ZONE 'UTC')::date) x`,
      [id],
    ),
    ds.query(
      `SELECT site_id AS "siteId",
              count(*) FILTER (WHERE status = 'open')::int AS open, count(*) FILTER (WHERE status = 'answered')::int AS answered,
              count(*) FILTER (WHERE status = 'resolved')::int AS resolved, count(*) FILTER (WHERE status = 'closed')::int AS closed
         FROM read_model.data_queries WHERE ${column} = $1 GROUP BY site_id ORDER BY site_id NULLS LAST`,
      [id],
    ),
    // Deviations that still hold (a correction back within protocol clears them), of the scope's subjects' studies.
    ds.query(
      `SELECT count(*)::int AS studies, coalesce(sum(jsonb_array_length(st.protocol_deviations)), 0)::int AS n
         FROM read_model.imaging_studies st JOIN read_model.subjects s ON s.subject_id = st.subject_id
        WHERE s.${column} = $1 AND st.protocol_deviations IS NOT NULL`,
      [id],
    ),
  ])) as [
    { n: number }[],
    { schedule: { code: string }[] }[],
    { biomarkerId: string; timePoint: string; n: number }[],
    { n: number; median: number | null; mean: string | null; max: string | null }[],
    { n: number; flagged: number }[],
    { n: number }[],
    { n: number }[],
    { studies: number; duplicates: number }[],
    DataQualityReportView['queriesBySite'],
    { studies: number; n: number }[],
  ];
  const expected = subjects!.n;
  const biomarkers = [...new Set(cells.map((c) => c.biomarkerId))].sort();
  const visits = schedule[0] ? schedule[0].schedule.map((t) => t.code) : [...new Set(cells.map((c) => c.timePoint))].sort();
  const found = new Map(cells.map((c) => [`${c.biomarkerId}\u0000${c.timePoint}`, c.n]));
  const grid: CompletenessCell[] = biomarkers.flatMap((biomarkerId) =>
    visits.map((timePoint) => {
      const n = found.get(`${biomarkerId}\u0000${timePoint}`) ?? 0;
      return { biomarkerId, timePoint, subjectsWithValue: n, subjectsExpected: expected, ratio: ratio(n, expected) };
    }),
  );
  const filled = grid.reduce((a, c) => a + c.subjectsWithValue, 0);
  const num = (v: number | string | null) => (v === null ? null : Math.round(Number(v) * 100) / 100);
  const report: Omit<DataQualityReportView, 'label'> = {
    trialId: target.trialId,
    programmeId: target.programmeId,
    subjects: expected,
    completeness: { overall: ratio(filled, grid.length * expected), cells: grid },
    timeliness: {
      measurements: timely!.n,
      medianDaysScanToRecord: num(timely!.median),
      meanDaysScanToRecord: num(timely!.mean),
      maxDaysScanToRecord: num(timely!.max),
    },
    validity: { measurements: valid!.n, withOpenQuery: valid!.flagged, ratio: ratio(valid!.n - valid!.flagged, valid!.n) },
    consistency: {
      subjectBiomarkersWithMethodChange: changes!.n,
      methodConsistencyQueries: consistencyQueries!.n,
      studiesWithProtocolDeviation: deviations!.studies,
      protocolDeviations: deviations!.n,
    },
    uniqueness: { studies: studies!.studies, duplicateStudyGroups: studies!.duplicates },
    queriesBySite: bySite,
  };
  return { ...report, label: JSON.stringify(qualityLabel(report)) };
}

/**
 * The machine-readable label: a DCAT dataset with W3C Data Quality Vocabulary (DQV) measurements, one per EHDS
 * technical-quality dimension. Dimension IRIs are the registry's own (no EHDS vocabulary is published yet).
 */
function qualityLabel(r: Omit<DataQualityReportView, 'label'>): Record<string, unknown> {
  const dataset = r.trialId !== null ? `urn:registry:trial:${r.trialId}` : `urn:registry:programme:${r.programmeId}`;
  const measure = (dimension: string, metric: string, value: number | null) => ({
    '@type': 'dqv:QualityMeasurement',
    'dqv:computedOn': { '@id': dataset },
    'dqv:isMeasurementOf': { '@id': `registry:${metric}`, 'dqv:inDimension': { '@id': `ehds:${dimension}` } },
    'dqv:value': value,
  });
  return {
    '@context': {
      dcat: 'http://www.w3.org/ns/dcat#',
      dqv: 'http://www.w3.org/ns/dqv#',
      dct: 'http://purl.org/dc/terms/',
      ehds: 'urn:registry:ehds-quality-dimension:',
      registry: 'urn:registry:quality-metric:',
    },
    '@id': dataset,
    '@type': 'dcat:Dataset',
    'dqv:hasQualityMeasurement': [
      measure('completeness', 'completenessOverall', r.completeness.overall),
      measure('timeliness', 'medianDaysScanToRecord', r.timeliness.medianDaysScanToRecord),
      measure('validity', 'shareWithoutOpenQuery', r.validity.ratio),
      measure('consistency', 'subjectBiomarkersWithMethodChange', r.consistency.subjectBiomarkersWithMethodChange),
      measure('consistency', 'studiesWithProtocolDeviation', r.consistency.studiesWithProtocolDeviation),
      measure('uniqueness', 'duplicateStudyGroups', r.uniqueness.duplicateStudyGroups),
      measure(
        'validity',
        'openDataQueries',
        r.queriesBySite.reduce((a, s) => a + s.open + s.answered, 0),
      ),
    ],
  };
}
