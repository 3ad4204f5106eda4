import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the console's lists (issue 21), so none of them scans the registry:
 *
 * - `subjects.search` is a case-insensitive prefix match of pseudonym, subject id or site id: one expression index
 *   per column on `upper(…)` with `text_pattern_ops` (a LIKE 'ABC%' range scan whatever the database's collation);
 *   the three are OR-ed by a bitmap scan and then meet the trial / programme / scope conditions.
 * - A round's recall list and interval-cancer list page in position order: partial indexes holding only recalled
 *   screenings and only interval-cancer milestones, keyed (programme, round, position), so a page is a range read.
 */
export class ConsoleLists1765710000000 implements MigrationInterface {
  name = 'ConsoleLists1765710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX subjects_search_pseudonym ON read_model.subjects (upper(pseudonym) text_pattern_ops)`);
    await q.query(`CREATE INDEX subjects_search_id ON read_model.subjects (upper(subject_id) text_pattern_ops)`);
    await q.query(`CREATE INDEX subjects_search_site ON read_model.subjects (upper(site_id) text_pattern_ops)`);
    await q.query(`CREATE INDEX screenings_recalled ON read_model.screenings (programme_id, round_id, position) WHERE recalled_at IS NOT NULL`);
    await q.query(
      `CREATE INDEX subject_milestones_interval_cancer_round ON read_model.subject_milestones (programme_id, round_id, position) WHERE kind = 'interval_cancer'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of [
      'subject_milestones_interval_cancer_round',
      'screenings_recalled',
      'subjects_search_site',
      'subjects_search_id',
      'subjects_search_pseudonym',
    ]) {
      await q.query(`DROP INDEX read_model.${index}`);
    }
  }
}
