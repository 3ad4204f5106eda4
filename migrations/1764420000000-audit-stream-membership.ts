import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trial and programme membership of streams for the audit trail (audit-membership projection). New tables of a new
 * projection: the projector fills them from the first event when it starts (no checkpoint yet), no backfill here.
 */
export class AuditStreamMembership1764420000000 implements MigrationInterface {
  name = 'AuditStreamMembership1764420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE read_model.audit_stream_members (
        stream_id text NOT NULL,
        scope_kind text NOT NULL,
        scope_id text NOT NULL,
        CONSTRAINT "PK_audit_stream_members" PRIMARY KEY (stream_id, scope_kind, scope_id)
      )`);
    await q.query(`CREATE INDEX audit_stream_members_scope ON read_model.audit_stream_members (scope_kind, scope_id, stream_id)`);
    await q.query(`
      CREATE TABLE read_model.audit_stream_links (
        parent_stream_id text NOT NULL,
        stream_id text NOT NULL,
        CONSTRAINT "PK_audit_stream_links" PRIMARY KEY (parent_stream_id, stream_id)
      )`);
    // Explicit, not only by default privileges: those apply to tables of the role that set them.
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON read_model.audit_stream_members, read_model.audit_stream_links TO registry_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_model.audit_stream_links`);
    await q.query(`DROP TABLE read_model.audit_stream_members`);
  }
}
