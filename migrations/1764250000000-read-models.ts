import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The query-side tables of issue 4 (trials, subjects with their timeline, the long measurements table, the
 * catalogue, screening programmes) and the schema a rebuild writes its new version into before it is swapped in.
 *
 * Measurements and outcomes keep one row per version (a correction or retraction adds a version and closes the
 * previous one with `superseded_at`), so "what did we know at T" is a range condition on recorded times.
 * Read models carry no foreign keys: projections are fed in global order and a rebuild must never trip on them.
 */
export class ReadModels1764250000000 implements MigrationInterface {
  name = 'ReadModels1764250000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE SCHEMA IF NOT EXISTS read_model_rebuild`,
      `CREATE TABLE read_model.projection_rebuilds (
        name text NOT NULL,
        version int NOT NULL,
        commit_position bigint,
        prepare_position bigint,
        started_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_projection_rebuilds" PRIMARY KEY (name)
      )`,

      // ---- catalogue
      `CREATE TABLE read_model.biomarkers (
        biomarker_id text NOT NULL,
        code text NOT NULL,
        name text NOT NULL,
        description text,
        modality text NOT NULL,
        body_site text,
        value_kind text NOT NULL,
        unit text,
        plausible_min double precision,
        plausible_max double precision,
        categories text[],
        repeatability_wcv double precision,
        version int NOT NULL,
        status text NOT NULL,
        retired_reason text,
        defined_at timestamptz NOT NULL,
        position bigint NOT NULL,
        last_revision bigint NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT "PK_biomarkers" PRIMARY KEY (biomarker_id)
      )`,
      `CREATE INDEX biomarkers_position ON read_model.biomarkers (position)`,
      `CREATE TABLE read_model.biomarker_versions (
        biomarker_id text NOT NULL,
        version int NOT NULL,
        spec jsonb NOT NULL,
        reason text,
        recorded_at timestamptz NOT NULL,
        CONSTRAINT "PK_biomarker_versions" PRIMARY KEY (biomarker_id, version)
      )`,
      `CREATE TABLE read_model.algorithm_versions (
        algorithm_version_id text NOT NULL,
        manufacturer text NOT NULL,
        name text NOT NULL,
        version text NOT NULL,
        intended_use text NOT NULL,
        regulatory jsonb NOT NULL,
        biomarker_ids text[] NOT NULL,
        predecessor_id text,
        lineage text[] NOT NULL,
        status text NOT NULL,
        status_reason text,
        registered_at timestamptz NOT NULL,
        position bigint NOT NULL,
        last_revision bigint NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT "PK_algorithm_versions" PRIMARY KEY (algorithm_version_id)
      )`,
      `CREATE INDEX algorithm_versions_position ON read_model.algorithm_versions (position)`,

      // ---- trials
      `CREATE TABLE read_model.trials (
        trial_id text NOT NULL,
        title text NOT NULL,
        phase text NOT NULL,
        sponsor text NOT NULL,
        primary_endpoint text NOT NULL,
        identifiers jsonb NOT NULL,
        status text NOT NULL,
        locked boolean NOT NULL,
        lock_reason text,
        locked_at timestamptz,
        schedule_version int,
        schedule jsonb NOT NULL,
        registered_at timestamptz NOT NULL,
        position bigint NOT NULL,
        last_revision bigint NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT "PK_trials" PRIMARY KEY (trial_id)
      )`,
      `CREATE INDEX trials_position ON read_model.trials (position)`,
      `CREATE TABLE read_model.trial_arms (
        trial_id text NOT NULL,
        arm_code text NOT NULL,
        name text NOT NULL,
        arm_type text NOT NULL,
        planned_size int NOT NULL,
        position bigint NOT NULL,
        CONSTRAINT "PK_trial_arms" PRIMARY KEY (trial_id, arm_code)
      )`,
      `CREATE TABLE read_model.trial_sites (
        trial_id text NOT NULL,
        site_id text NOT NULL,
        name text NOT NULL,
        country text,
        status text NOT NULL,
        activated_at timestamptz NOT NULL,
        closed_at timestamptz,
        close_reason text,
        position bigint NOT NULL,
        CONSTRAINT "PK_trial_sites" PRIMARY KEY (trial_id, site_id)
      )`,

      // ---- subjects and their timeline
      `CREATE TABLE read_model.subjects (
        subject_id text NOT NULL,
        kind text NOT NULL,
        trial_id text,
        programme_id text,
        pseudonym text NOT NULL,
        site_id text,
        arm_code text,
        stratum text,
        status text NOT NULL,
        consent_version text,
        consent_date text,
        enrolled_at timestamptz,
        enrolled_recorded_at timestamptz,
        randomised_at timestamptz,
        randomised_recorded_at timestamptz,
        withdrawn_at timestamptz,
        withdrawn_recorded_at timestamptz,
        withdrawal_reason text,
        first_invited_at timestamptz,
        opted_out_at timestamptz,
        position bigint NOT NULL,
        last_revision bigint NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT "PK_subjects" PRIMARY KEY (subject_id)
      )`,
      `CREATE INDEX subjects_trial ON read_model.subjects (trial_id, arm_code, site_id)`,
      `CREATE INDEX subjects_programme ON read_model.subjects (programme_id)`,
      `CREATE INDEX subjects_position ON read_model.subjects (position)`,
      `CREATE TABLE read_model.imaging_studies (
        study_instance_uid text NOT NULL,
        subject_id text,
        modality text NOT NULL,
        occurred_at timestamptz NOT NULL,
        site_id text NOT NULL,
        scanner_manufacturer text,
        scanner_model text,
        slice_thickness_mm double precision,
        kvp double precision,
        contrast text,
        position bigint NOT NULL,
        recorded_at timestamptz NOT NULL,
        CONSTRAINT "PK_imaging_studies" PRIMARY KEY (study_instance_uid)
      )`,
      `CREATE INDEX imaging_studies_subject ON read_model.imaging_studies (subject_id)`,
      `CREATE TABLE read_model.measurements (
        measurement_id text NOT NULL,
        version int NOT NULL,
        position bigint NOT NULL,
        subject_id text NOT NULL,
        trial_id text,
        programme_id text,
        biomarker_id text NOT NULL,
        biomarker_version int NOT NULL,
        value_kind text NOT NULL,
        value double precision,
        unit text,
        category text,
        original_value double precision,
        original_unit text,
        study_instance_uid text NOT NULL,
        series_instance_uid text,
        time_point text NOT NULL,
        lesion_tracking_uid text,
        lesion_label text,
        lesion_finding_site text,
        lesion_role text,
        method text NOT NULL,
        algorithm_version_id text,
        reader_id text,
        plausibility_override_reason text,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        version_recorded_at timestamptz NOT NULL,
        superseded_at timestamptz,
        correction_count int NOT NULL,
        retracted boolean NOT NULL,
        change_reason text,
        adjudication text,
        CONSTRAINT "PK_measurements" PRIMARY KEY (measurement_id, version)
      )`,
      `CREATE INDEX measurements_current ON read_model.measurements (position) WHERE superseded_at IS NULL`,
      `CREATE INDEX measurements_subject ON read_model.measurements (subject_id, position)`,
      `CREATE INDEX measurements_trial ON read_model.measurements (trial_id, position) WHERE superseded_at IS NULL`,
      `CREATE INDEX measurements_biomarker ON read_model.measurements (biomarker_id, position) WHERE superseded_at IS NULL`,
      `CREATE TABLE read_model.outcomes (
        outcome_id text NOT NULL,
        version int NOT NULL,
        position bigint NOT NULL,
        subject_id text NOT NULL,
        trial_id text,
        programme_id text,
        outcome_type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        source text NOT NULL,
        recist_response text,
        stage text,
        time_point text,
        notes text,
        recorded_at timestamptz NOT NULL,
        version_recorded_at timestamptz NOT NULL,
        superseded_at timestamptz,
        correction_count int NOT NULL,
        change_reason text,
        CONSTRAINT "PK_outcomes" PRIMARY KEY (outcome_id, version)
      )`,
      `CREATE INDEX outcomes_subject ON read_model.outcomes (subject_id, position)`,
      `CREATE TABLE read_model.screenings (
        screening_id text NOT NULL,
        subject_id text NOT NULL,
        programme_id text NOT NULL,
        round_id text NOT NULL,
        site_id text NOT NULL,
        modality text NOT NULL,
        human_result text NOT NULL,
        reader_ids text[] NOT NULL,
        ai_algorithm_version_id text,
        ai_score double precision,
        ai_positive boolean,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        position bigint NOT NULL,
        recalled_at timestamptz,
        recall_reason text,
        recall_recorded_at timestamptz,
        assessment_outcome text,
        diagnosis_date text,
        stage text,
        assessment_recorded_at timestamptz,
        CONSTRAINT "PK_screenings" PRIMARY KEY (screening_id)
      )`,
      `CREATE INDEX screenings_subject ON read_model.screenings (subject_id)`,
      `CREATE TABLE read_model.subject_milestones (
        position bigint NOT NULL,
        subject_id text NOT NULL,
        kind text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        details jsonb NOT NULL,
        CONSTRAINT "PK_subject_milestones" PRIMARY KEY (position)
      )`,
      `CREATE INDEX subject_milestones_subject ON read_model.subject_milestones (subject_id)`,

      // ---- screening programmes
      `CREATE TABLE read_model.screening_programmes (
        programme_id text NOT NULL,
        name text NOT NULL,
        cancer_type text NOT NULL,
        target_population text NOT NULL,
        age_min int NOT NULL,
        age_max int NOT NULL,
        interval_months int NOT NULL,
        kpi_targets jsonb NOT NULL,
        defined_at timestamptz NOT NULL,
        position bigint NOT NULL,
        last_revision bigint NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT "PK_screening_programmes" PRIMARY KEY (programme_id)
      )`,
      `CREATE TABLE read_model.screening_rounds (
        round_id text NOT NULL,
        programme_id text NOT NULL,
        name text,
        round_number int,
        opens_on text,
        closes_on text,
        status text NOT NULL,
        invited int NOT NULL,
        screened int NOT NULL,
        recalled int NOT NULL,
        screen_detected_cancers int NOT NULL,
        interval_cancers int NOT NULL,
        position bigint,
        CONSTRAINT "PK_screening_rounds" PRIMARY KEY (round_id)
      )`,
      `CREATE INDEX screening_rounds_programme ON read_model.screening_rounds (programme_id, round_number)`,
      `CREATE TABLE read_model.screening_subject_revisions (
        subject_id text NOT NULL,
        last_revision bigint NOT NULL,
        CONSTRAINT "PK_screening_subject_revisions" PRIMARY KEY (subject_id)
      )`,

      `GRANT USAGE, CREATE ON SCHEMA read_model_rebuild TO registry_app`,
      `GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA read_model TO registry_app`,
    ];
    for (const s of statements) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'screening_subject_revisions',
      'screening_rounds',
      'screening_programmes',
      'subject_milestones',
      'screenings',
      'outcomes',
      'measurements',
      'imaging_studies',
      'subjects',
      'trial_sites',
      'trial_arms',
      'trials',
      'algorithm_versions',
      'biomarker_versions',
      'biomarkers',
      'projection_rebuilds',
    ]) {
      await q.query(`DROP TABLE read_model.${t}`);
    }
    await q.query(`DROP SCHEMA read_model_rebuild CASCADE`);
  }
}
