import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Programme- and algorithm-wide queries (screening KPIs, post-market surveillance) read only their own programme's
 * or algorithm version's rows instead of the whole `screenings` and `subject_milestones` tables (issue 14): one
 * programme's KPIs cost the same whether or not another programme with a million screenings exists.
 *
 * - `screenings_programme`: a programme's screenings in (round, site) order, with the columns the KPIs count, so the
 *   KPI cells are an index-only scan grouped without a sort.
 * - `screenings_algorithm`: an AI algorithm version's readings (surveillance) in time order, for its month windows;
 *   `measurements_algorithm` the same for its current AI measurements (surveillance's correction rate).
 * - Milestones get the programme and round they belong to as plain columns (an invitation's round; for an interval
 *   cancer, the round it followed): PostgreSQL cannot answer an index-only scan from `details->>…` expressions, and
 *   counting a programme's distinct invited participants per round is then a walk over one partial index in order.
 *   The backfill gives existing rows what the subjects projection now writes, so the projection keeps its version.
 */
export class ProgrammeQueryIndexes1765300000000 implements MigrationInterface {
  name = 'ProgrammeQueryIndexes1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.subject_milestones ADD COLUMN programme_id text, ADD COLUMN round_id text`);
    await q.query(
      `UPDATE read_model.subject_milestones
          SET programme_id = details->>'programmeId',
              round_id = CASE kind WHEN 'invited' THEN details->>'roundId' ELSE details->>'precedingRoundId' END
        WHERE kind IN ('invited', 'interval_cancer')`,
    );
    await q.query(`CREATE INDEX subject_milestones_invited ON read_model.subject_milestones (programme_id, round_id, subject_id) WHERE kind = 'invited'`);
    await q.query(
      `CREATE INDEX subject_milestones_interval_cancer ON read_model.subject_milestones (programme_id, subject_id, round_id) INCLUDE (occurred_at) WHERE kind = 'interval_cancer'`,
    );
    await q.query(
      `CREATE INDEX screenings_programme ON read_model.screenings (programme_id, round_id, site_id) INCLUDE (subject_id, occurred_at, recalled_at, assessment_outcome)`,
    );
    await q.query(`CREATE INDEX screenings_algorithm ON read_model.screenings (ai_algorithm_version_id, occurred_at)`);
    await q.query(
      `CREATE INDEX measurements_algorithm ON read_model.measurements (algorithm_version_id, occurred_at) WHERE superseded_at IS NULL AND method = 'ai'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of [
      'measurements_algorithm',
      'screenings_algorithm',
      'screenings_programme',
      'subject_milestones_interval_cancer',
      'subject_milestones_invited',
    ]) {
      await q.query(`DROP INDEX read_model.${index}`);
    }
    await q.query(`ALTER TABLE read_model.subject_milestones DROP COLUMN programme_id, DROP COLUMN round_id`);
  }
}
