import { Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Which trial or programme a stream belongs to, kept by the audit-membership projection: a trial's audit trail is
 * every event of its member streams, whatever their types (an event need not repeat the trial id to be found).
 */
@Entity({ schema: 'read_model', name: 'audit_stream_members' })
@Index('audit_stream_members_scope', { synchronize: false })
export class AuditStreamMember {
  // Keyed by stream first: the projection looks memberships up by stream, also during a rebuild, when a table has only
  // its primary key; the audit query's lookup by trial or programme has the secondary index.
  @PrimaryColumn('text', { name: 'stream_id' }) streamId!: string;
  /** `trial` or `programme`. */
  @PrimaryColumn('text', { name: 'scope_kind' }) scopeKind!: string;
  @PrimaryColumn('text', { name: 'scope_id' }) scopeId!: string;
}

/**
 * A stream that belongs wherever another stream belongs (an imaging study to its subject): the projection copies the
 * parent's memberships to the child, also those the parent gains later.
 */
@Entity({ schema: 'read_model', name: 'audit_stream_links' })
export class AuditStreamLink {
  @PrimaryColumn('text', { name: 'parent_stream_id' }) parentStreamId!: string;
  @PrimaryColumn('text', { name: 'stream_id' }) streamId!: string;
}
