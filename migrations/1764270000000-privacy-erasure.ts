import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tombstones of crypto-shredded subjects. Erasing deletes the subject's row in privacy.subject_keys and records the
 * subject here in the same transaction; a tombstone stops the vault from ever creating a fresh key for the subject
 * (new data would otherwise outlive the erasure) and lets it answer "erased" rather than "key missing".
 */
export class PrivacyErasure1764270000000 implements MigrationInterface {
  name = 'PrivacyErasure1764270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE privacy.erased_subjects (
        subject_id text NOT NULL,
        erased_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_erased_subjects" PRIMARY KEY (subject_id)
      )`);
    // Append-only for the application: an erasure cannot be undone by deleting its tombstone.
    await q.query(`GRANT SELECT, INSERT ON privacy.erased_subjects TO registry_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE privacy.erased_subjects`);
  }
}
