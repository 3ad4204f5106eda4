import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The declared screening-score range of each algorithm version (AlgorithmVersionRegistered.scoreRange), shown by the
 * `algorithmVersions` query. Versions registered before it was declared have none (null): that is what a rebuild
 * from their events gives too, so the projection keeps its version and needs no rebuild.
 */
export class AlgorithmScoreRange1764450000000 implements MigrationInterface {
  name = 'AlgorithmScoreRange1764450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.algorithm_versions ADD COLUMN score_range jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.algorithm_versions DROP COLUMN score_range`);
  }
}
