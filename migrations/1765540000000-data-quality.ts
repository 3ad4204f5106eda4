import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Data-quality rules and data queries (issue 19), kept by the data-quality projection from dqrule-* and dataquery-* streams. */
export class DataQuality1765540000000 implements MigrationInterface {
  name = 'DataQuality1765540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE read_model.dq_rules (
        rule_id text NOT NULL,
        trial_id text,
        programme_id text,
        name text NOT NULL,
        kind text NOT NULL,
        params jsonb NOT NULL,
        rule_version int NOT NULL,
        status text NOT NULL,
        defined_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL,
        last_revision bigint NOT NULL,
        CONSTRAINT "PK_dq_rules" PRIMARY KEY (rule_id)
      )`,
    );
    await q.query(
      `CREATE TABLE read_model.data_queries (
        query_id text NOT NULL,
        trial_id text,
        programme_id text,
        rule_id text NOT NULL,
        rule_version int NOT NULL,
        rule_kind text NOT NULL,
        finding_key text NOT NULL,
        subject_id text NOT NULL,
        site_id text,
        measurement_id text,
        field text NOT NULL,
        message text NOT NULL,
        status text NOT NULL,
        answer text,
        last_reason text,
        opened_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        closed_at timestamptz,
        position bigint NOT NULL,
        last_revision bigint NOT NULL,
        CONSTRAINT "PK_data_queries" PRIMARY KEY (query_id)
      )`,
    );
    await q.query(`CREATE INDEX data_queries_trial_status ON read_model.data_queries (trial_id, status)`);
    await q.query(`CREATE INDEX data_queries_programme_status ON read_model.data_queries (programme_id, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_model.data_queries`);
    await q.query(`DROP TABLE read_model.dq_rules`);
  }
}
