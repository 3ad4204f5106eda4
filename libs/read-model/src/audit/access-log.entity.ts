import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Read access log (EHDS: access for secondary use is logged, kept ≥ 1 year): one row per GraphQL operation or
 * export. Not a read model — it cannot be rebuilt from events — so it lives in its own schema `audit`, where
 * triggers forbid UPDATE and refuse DELETE of rows younger than 366 days.
 */
@Entity({ schema: 'audit', name: 'access_log' })
@Index('access_log_at', ['at'])
@Index('access_log_actor', ['actorId', 'at'])
export class AccessLogEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('timestamptz', { default: () => 'now()' })
  at!: Date;

  @Column('text', { name: 'actor_id' })
  actorId!: string;

  @Column('text', { name: 'actor_role' })
  actorRole!: string;

  /** graphql | http-export | cli-export */
  @Column('text')
  channel!: string;

  /** query | mutation | subscription | export */
  @Column('text', { name: 'operation_type' })
  operationType!: string;

  @Column('text', { name: 'operation_name', nullable: true })
  operationName!: string | null;

  @Column('text', { name: 'root_fields', array: true })
  rootFields!: string[];

  @Column('text', { name: 'trial_ids', array: true, default: () => "'{}'" })
  trialIds!: string[];

  @Column('text', { name: 'programme_ids', array: true, default: () => "'{}'" })
  programmeIds!: string[];

  /** SHA-256 of the canonical JSON of the variables: proves what was asked without storing it. */
  @Column('char', { name: 'variables_hash', length: 64 })
  variablesHash!: string;

  @Column('text', { name: 'correlation_id', nullable: true })
  correlationId!: string | null;
}
