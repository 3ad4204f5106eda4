import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `audit`: the read access log (append-only; rows kept at least 366 days).
 * Schema `privacy`: wrapped per-subject data keys (crypto-shredding) and per-study pseudonym keys.
 * Neither is a read model: both hold facts that cannot be rebuilt from events.
 */
export class AuditPrivacy1764240000000 implements MigrationInterface {
  name = 'AuditPrivacy1764240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS audit`);
    await q.query(`
      CREATE TABLE audit.access_log (
        id bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id text NOT NULL,
        actor_role text NOT NULL,
        channel text NOT NULL,
        operation_type text NOT NULL,
        operation_name text,
        root_fields text[] NOT NULL,
        trial_ids text[] NOT NULL DEFAULT '{}',
        programme_ids text[] NOT NULL DEFAULT '{}',
        variables_hash char(64) NOT NULL,
        correlation_id text,
        CONSTRAINT "PK_access_log" PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX access_log_at ON audit.access_log (at)`);
    await q.query(`CREATE INDEX access_log_actor ON audit.access_log (actor_id, at)`);
    // Retention: the EHDS asks for at least a year; older rows may be purged, nothing may be rewritten.
    await q.query(`
      CREATE FUNCTION audit.guard_access_log() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND OLD.at < now() - interval '366 days' THEN RETURN OLD; END IF;
        RAISE EXCEPTION 'audit.access_log is append-only (rows are kept at least 366 days): % refused', TG_OP USING ERRCODE = 'AU001';
      END $$`);
    await q.query(`CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON audit.access_log FOR EACH ROW EXECUTE FUNCTION audit.guard_access_log()`);
    await q.query(`CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON audit.access_log FOR EACH STATEMENT EXECUTE FUNCTION audit.guard_access_log()`);

    await q.query(`CREATE SCHEMA IF NOT EXISTS privacy`);
    await q.query(`
      CREATE TABLE privacy.subject_keys (
        subject_id text NOT NULL,
        wrapped_key bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_subject_keys" PRIMARY KEY (subject_id)
      )`);
    await q.query(`
      CREATE TABLE privacy.pseudonym_keys (
        scope text NOT NULL,
        wrapped_key bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_pseudonym_keys" PRIMARY KEY (scope)
      )`);

    await q.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'registry_app') THEN CREATE ROLE registry_app NOLOGIN; END IF;
    END $$`);
    await q.query(`GRANT USAGE ON SCHEMA audit, privacy TO registry_app`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON audit.access_log TO registry_app`);
    // Keys are created and destroyed, never changed: no UPDATE, so a key cannot be swapped under existing envelopes.
    await q.query(`GRANT SELECT, INSERT, DELETE ON privacy.subject_keys, privacy.pseudonym_keys TO registry_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA privacy CASCADE`);
    await q.query(`DROP SCHEMA audit CASCADE`);
  }
}
