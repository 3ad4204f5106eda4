import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure that reaches old backups (issue 12 §1; services/registry-api/src/privacy/README.md "Key ring").
 * Subject data keys are no longer wrapped by the static master key but by one of 256 bucket key-encryption keys kept
 * OUTSIDE the database (a key ring file per generation under DATA_DIR/privacy/keyring). Erasing a subject rotates the
 * KEK of its bucket: the bucket's remaining keys are re-wrapped under a fresh KEK in the erasing transaction, the
 * generation below moves on, and the old ring file is destroyed after commit. A copy of the database taken before
 * the erasure (dead tuples, WAL and dumps alike) then holds the erased key wrapped by a KEK that no longer exists.
 *
 * - privacy.key_ring: one row naming the ring (a random id, so databases sharing a data directory do not share
 *   files) and its current generation; every API instance reads it with each wrapped key and so notices a rotation.
 *   It is created by the application (with the ring's first file), not here: a database cloned from a migrated
 *   template must not inherit a ring id.
 * - subject_keys.kek_bucket / kek_version: which bucket KEK (and which of its versions) wraps the row; both null
 *   for a key still wrapped by the master key (before this migration), which the application re-wraps at start.
 */
export class PrivacyKeyRing1764410000000 implements MigrationInterface {
  name = 'PrivacyKeyRing1764410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE privacy.key_ring (
        id boolean NOT NULL DEFAULT true,
        ring_id uuid NOT NULL,
        generation bigint NOT NULL,
        buckets integer NOT NULL,
        rotated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_key_ring" PRIMARY KEY (id),
        CONSTRAINT "CHK_key_ring_singleton" CHECK (id)
      )`);
    await q.query(`ALTER TABLE privacy.subject_keys ADD COLUMN kek_bucket integer, ADD COLUMN kek_version bigint`);
    await q.query(`CREATE INDEX subject_keys_bucket ON privacy.subject_keys (kek_bucket)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON privacy.key_ring TO registry_app`);
    // Re-wrapping changes the wrapping of a key, never the key: AES-GCM under the subject's AAD fails on anything else.
    await q.query(`GRANT UPDATE (wrapped_key, kek_bucket, kek_version) ON privacy.subject_keys TO registry_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE UPDATE (wrapped_key, kek_bucket, kek_version) ON privacy.subject_keys FROM registry_app`);
    await q.query(`DROP INDEX privacy.subject_keys_bucket`);
    await q.query(`ALTER TABLE privacy.subject_keys DROP COLUMN kek_version, DROP COLUMN kek_bucket`);
    await q.query(`DROP TABLE privacy.key_ring`);
  }
}
