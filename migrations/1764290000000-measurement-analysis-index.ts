import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The biostatistician's usual slice of the long table — one biomarker in one trial — as an index in keyset
 * order, so a page after any cursor reads about a page of rows whatever the trial's and the biomarker's size.
 */
export class MeasurementAnalysisIndex1764290000000 implements MigrationInterface {
  name = 'MeasurementAnalysisIndex1764290000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX measurements_trial_biomarker ON read_model.measurements (trial_id, biomarker_id, position) WHERE superseded_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX read_model.measurements_trial_biomarker`);
  }
}
