/**
 * Synthetic analysis data written straight into the read-model tables with SQL (generate_series + a seeded
 * random()), for the analytics benchmark and e2e tests: event-sourcing 1,000,000 screenings through the write side
 * and the projector would take far longer than the queries being measured. The shapes are those the projector
 * writes (migrations/1764250000000-read-models.ts); what is generated:
 *
 * - a trial cohort: one subject per row, a baseline biomarker measurement (SMI, cm²) ~ N(45, 8) by the AI (v2) and
 *   for every odd subject also by a reader (the same value ± 0.5), and an outcome:
 *   death at an exponential time whose hazard falls with the biomarker (HR per SD = e^−0.5), or last known alive at
 *   a uniform censoring time;
 * - screenings of a programme over 24 months, 4 rounds, 10 sites, two AI algorithm versions (v2 succeeds v1), with
 *   recalls, assessments and interval cancers; from month 18 the v2 scores at site SITE-3 drift upwards.
 */
export type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

export interface FillOptions {
  readonly prefix: string;
  readonly subjects: number;
  readonly readings: number;
  readonly seed?: number;
  /** Also write one invitation milestone per screening (KPI participation). */
  readonly invitations?: boolean;
  /** Write the subjects projection checkpoint (only when no projector owns it). */
  readonly checkpoint?: boolean;
}

export interface FillIds {
  readonly trialId: string;
  readonly programmeId: string;
  readonly biomarkerId: string;
  readonly algorithmV1: string;
  readonly algorithmV2: string;
  readonly rounds: string[];
}

export const KPI_TARGETS = [
  { kpi: 'participation_rate', scope: 'all_rounds', direction: 'at_least', acceptable: 0.7, desirable: 0.75 },
  { kpi: 'recall_rate', scope: 'first_round', direction: 'at_most', acceptable: 0.07, desirable: 0.05 },
  { kpi: 'recall_rate', scope: 'subsequent_rounds', direction: 'at_most', acceptable: 0.05, desirable: 0.03 },
  { kpi: 'cancer_detection_rate', scope: 'all_rounds', direction: 'at_least', acceptable: 3, desirable: 4 },
  { kpi: 'interval_cancer_rate', scope: 'all_rounds', direction: 'at_most', acceptable: 1.5, desirable: 1 },
];

export function fillIds(prefix: string): FillIds {
  return {
    trialId: `${prefix}-TRIAL`,
    programmeId: `${prefix}-PROG`,
    biomarkerId: `${prefix}-SMI`,
    algorithmV1: `${prefix}-ALG-V1`,
    algorithmV2: `${prefix}-ALG-V2`,
    rounds: [1, 2, 3, 4].map((r) => `${prefix}-R${r}`),
  };
}

export async function fillAnalytics(query: Query, o: FillOptions): Promise<FillIds> {
  const ids = fillIds(o.prefix);
  const p = o.prefix;
  // Positions must not collide with rows the projector writes: start far above any test's event count.
  const base = 1_000_000_000 + Math.floor((o.seed ?? 0.42) * 1e6) * 10;
  await query(`SELECT setseed($1)`, [o.seed ?? 0.42]);
  await query(
    `INSERT INTO read_model.algorithm_versions (algorithm_version_id, manufacturer, name, version, intended_use, regulatory, biomarker_ids, predecessor_id, lineage, status, registered_at, position, last_revision, updated_at)
     VALUES ($1, 'Acme', 'MammoAI', '1.0', 'breast screening second reader', '{"status":"ce_marked"}', ARRAY[$3], NULL, ARRAY[$1], 'active', '2023-06-01', $4, 0, now()),
            ($2, 'Acme', 'MammoAI', '2.0', 'breast screening second reader', '{"status":"ce_marked"}', ARRAY[$3], $1, ARRAY[$1, $2], 'active', '2023-12-01', $4 + 1, 0, now())`,
    [ids.algorithmV1, ids.algorithmV2, ids.biomarkerId, base],
  );
  await query(
    `INSERT INTO read_model.screening_programmes (programme_id, name, cancer_type, target_population, age_min, age_max, interval_months, kpi_targets, defined_at, position, last_revision, updated_at)
     VALUES ($1, $2, 'breast', 'women 50-69', 50, 69, 24, $3::jsonb, '2023-01-01', $4, 0, now())`,
    [ids.programmeId, `${p} breast screening`, JSON.stringify(KPI_TARGETS), base + 2],
  );
  await query(
    `INSERT INTO read_model.screening_rounds (round_id, programme_id, name, round_number, opens_on, status, invited, screened, recalled, screen_detected_cancers, interval_cancers, position)
     SELECT $1 || '-R' || r, $2, 'Round ' || r, r, (DATE '2024-01-01' + (r - 1) * 180)::text, 'open', 0, 0, 0, 0, 0, $3 + r FROM generate_series(1, 4) r`,
    [p, ids.programmeId, base + 3],
  );

  // ---- trial cohort -------------------------------------------------------------------------------------------
  await query(`DROP TABLE IF EXISTS pg_temp.gen_subjects`);
  await query(
    `CREATE TEMP TABLE gen_subjects AS
     SELECT i, v, DATE '2024-01-01' + (i % 365) AS index_date,
            -ln(1 - u1) / ((1.0 / 900) * exp(-0.5 * (v - 45) / 8)) AS event_days, 100 + u2 * 1400 AS censor_days
       FROM (SELECT i, 45 + 8 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS v, random() AS u1, random() AS u2
               FROM generate_series(1, $1::int) i) g`,
    [o.subjects],
  );
  await query(
    `INSERT INTO read_model.subjects (subject_id, kind, trial_id, programme_id, pseudonym, site_id, arm_code, status, enrolled_at, position, last_revision, updated_at)
     SELECT $1 || '-S' || i, 'trial', $2, NULL, 'PSN-' || i, 'SITE-' || (i % 5), CASE WHEN i % 2 = 0 THEN 'A' ELSE 'B' END, 'randomised', index_date, $3 + i, 0, now()
       FROM gen_subjects`,
    [p, ids.trialId, base + 10],
  );
  // Every subject's baseline scan is read by the AI (v2, the generator's value) and every odd subject's also by a
  // reader (the value ± 0.5): AI and human readings coexist, so an analysis must say whose it reads.
  await query(
    `INSERT INTO read_model.measurements (measurement_id, version, position, subject_id, trial_id, programme_id, biomarker_id, biomarker_version, value_kind, value, unit,
            original_value, original_unit, study_instance_uid, time_point, method, algorithm_version_id, reader_id, occurred_at, recorded_at, version_recorded_at,
            superseded_at, correction_count, retracted, arm_code, subject_site_id)
     SELECT $1 || CASE WHEN human THEN '-H' ELSE '-M' END || i, 0, $3 + 2 * i + CASE WHEN human THEN 1 ELSE 0 END, $1 || '-S' || i, $2, NULL, $4, 1, 'quantitative',
            value, 'cm2', value, 'cm2', '1.2.826.0.1.' || i, 'baseline',
            CASE WHEN human THEN 'manual' ELSE 'ai' END, CASE WHEN NOT human THEN $5 END, CASE WHEN human THEN 'reader-' || (i % 3) END,
            index_date, index_date, index_date, NULL, CASE WHEN NOT human AND i % 14 = 0 THEN 1 ELSE 0 END, false,
            CASE WHEN i % 2 = 0 THEN 'A' ELSE 'B' END, 'SITE-' || (i % 5)
       FROM (SELECT i, v AS value, index_date, false AS human FROM gen_subjects
             UNION ALL
             SELECT i, v + ((i * 7919) % 11 - 5) / 10.0, index_date, true FROM gen_subjects WHERE i % 2 = 1) r`,
    [p, ids.trialId, base + 10 + o.subjects, ids.biomarkerId, ids.algorithmV2],
  );
  await query(
    `INSERT INTO read_model.outcomes (outcome_id, version, position, subject_id, trial_id, programme_id, outcome_type, occurred_at, source, recorded_at, version_recorded_at, superseded_at, correction_count)
     SELECT $1 || '-O' || i, 0, $3 + i, $1 || '-S' || i, $2, NULL, CASE WHEN event_days <= censor_days THEN 'death' ELSE 'last_known_alive' END,
            index_date + least(event_days, censor_days) * interval '1 day', 'investigator', now(), now(), NULL, 0
       FROM gen_subjects`,
    [p, ids.trialId, base + 12 + 3 * o.subjects],
  );

  // ---- screening programme ------------------------------------------------------------------------------------
  await query(`DROP TABLE IF EXISTS pg_temp.gen_screenings`);
  await query(
    `CREATE TEMP TABLE gen_screenings AS
     SELECT j, r, site, month, at, cancer, alg, score, score >= 0.5 AS ai_positive,
            CASE WHEN cancer THEN u_h < 0.85 ELSE u_h < 0.04 END AS human_positive, u_ic
       FROM (SELECT j, r, site, month, at, cancer, alg, u_h, u_ic,
                    least(1, greatest(0, CASE WHEN cancer THEN 0.62 ELSE 0.25 END + 0.13 * z
                                          + CASE WHEN alg = 2 AND site = 3 AND month >= 18 THEN 0.15 ELSE 0 END)) AS score
               FROM (SELECT j, 1 + j % 4 AS r, j % 10 AS site, j % 24 AS month,
                            TIMESTAMPTZ '2024-01-01 09:00:00+00' + (j % 24) * interval '1 month' + (j % 27) * interval '1 day' AS at,
                            random() < 0.008 AS cancer, CASE WHEN (j / 10) % 5 = 0 THEN 1 ELSE 2 END AS alg,
                            sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z, random() AS u_h, random() AS u_ic
                       FROM generate_series(1, $1::int) j) a) b`,
    [o.readings],
  );
  await query(
    `INSERT INTO read_model.screenings (screening_id, subject_id, programme_id, round_id, site_id, modality, human_result, reader_ids, ai_algorithm_version_id, ai_score,
            ai_positive, occurred_at, recorded_at, position, recalled_at, recall_reason, recall_recorded_at, assessment_outcome, diagnosis_date, assessment_recorded_at)
     SELECT $1 || '-SC' || j, $1 || '-P' || j, $2, $1 || '-R' || r, 'SITE-' || site, 'MG', CASE WHEN human_positive THEN 'positive' ELSE 'negative' END,
            ARRAY['reader-' || (j % 7)], CASE WHEN alg = 1 THEN $3 ELSE $4 END, score, ai_positive, at, at, $5 + j,
            CASE WHEN human_positive THEN at + interval '7 days' END, NULL, CASE WHEN human_positive THEN at + interval '7 days' END,
            CASE WHEN human_positive THEN CASE WHEN cancer THEN 'cancer' ELSE 'benign' END END,
            CASE WHEN human_positive AND cancer THEN (at + interval '21 days')::date::text END,
            CASE WHEN human_positive THEN at + interval '21 days' END
       FROM gen_screenings`,
    [p, ids.programmeId, ids.algorithmV1, ids.algorithmV2, base + 12 + 4 * o.subjects],
  );
  // Cancers missed at screening surface as interval cancers 1–23 months later.
  await query(
    `INSERT INTO read_model.subject_milestones (position, subject_id, kind, occurred_at, recorded_at, details, programme_id, round_id)
     SELECT $3 + j, $1 || '-P' || j, 'interval_cancer', at + (1 + floor(u_ic * 23)) * interval '1 month', now(),
            jsonb_build_object('programmeId', $2::text, 'reportId', $1 || '-IC' || j, 'precedingRoundId', $1 || '-R' || r, 'source', 'cancer_registry_linkage', 'stage', NULL),
            $2::text, $1 || '-R' || r
       FROM gen_screenings WHERE cancer AND NOT human_positive`,
    [p, ids.programmeId, base + 12 + 4 * o.subjects + o.readings],
  );
  if (o.invitations) {
    // Invited: every screened participant plus one in four who did not attend.
    await query(
      `INSERT INTO read_model.subject_milestones (position, subject_id, kind, occurred_at, recorded_at, details, programme_id, round_id)
       SELECT $3 + k, $1 || '-P' || k, 'invited', TIMESTAMPTZ '2024-01-01' + (k % 24) * interval '1 month', now(),
              jsonb_build_object('programmeId', $2::text, 'roundId', $1 || '-R' || (1 + k % 4)), $2::text, $1 || '-R' || (1 + k % 4)
         FROM generate_series(1, ($4::int * 5) / 4) k`,
      [p, ids.programmeId, base + 12 + 4 * o.subjects + 2 * o.readings, o.readings],
    );
  }
  if (o.checkpoint) {
    await query(
      `INSERT INTO read_model.projection_checkpoints (name, version, commit_position, prepare_position, state, live, updated_at)
       VALUES ('subjects', 1, $1, $1, 'running', true, now())
       ON CONFLICT (name, version) DO UPDATE SET prepare_position = excluded.prepare_position, commit_position = excluded.commit_position`,
      [base + 12 + 4 * o.subjects + 4 * o.readings],
    );
  }
  await query(`ANALYZE read_model.subjects, read_model.measurements, read_model.outcomes, read_model.screenings, read_model.subject_milestones`);
  return ids;
}
