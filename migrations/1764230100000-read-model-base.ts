import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReadModelBase1764230100000 implements MigrationInterface {
  name = 'ReadModelBase1764230100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS read_model`);
    await q.query(`
      CREATE TABLE read_model.projection_checkpoints (
        name text NOT NULL,
        version int NOT NULL,
        commit_position bigint,
        prepare_position bigint,
        state text NOT NULL DEFAULT 'running',
        live boolean NOT NULL DEFAULT true,
        failed_position bigint,
        error text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_projection_checkpoints" PRIMARY KEY (name, version)
      )`);
    await q.query(`
      CREATE TABLE read_model.event_type_counts (
        event_type text NOT NULL,
        count bigint NOT NULL,
        CONSTRAINT "PK_event_type_counts" PRIMARY KEY (event_type)
      )`);
    await q.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'registry_app') THEN CREATE ROLE registry_app NOLOGIN; END IF;
    END $$`);
    await q.query(`GRANT USAGE ON SCHEMA read_model TO registry_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA read_model TO registry_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA read_model GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO registry_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA read_model CASCADE`);
  }
}
