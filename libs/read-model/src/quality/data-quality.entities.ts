import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Data-quality rules of trials and programmes as currently defined (dqrule-* streams). */
@Entity({ schema: 'read_model', name: 'dq_rules' })
export class DataQualityRuleRow {
  @PrimaryColumn('text', { name: 'rule_id' }) ruleId!: string;
  @Column('text', { name: 'trial_id', nullable: true }) trialId!: string | null;
  @Column('text', { name: 'programme_id', nullable: true }) programmeId!: string | null;
  @Column('text') name!: string;
  @Column('text') kind!: string;
  @Column('jsonb') params!: unknown;
  @Column('int', { name: 'rule_version' }) ruleVersion!: number;
  /** active | retired */
  @Column('text') status!: string;
  @Column('timestamptz', { name: 'defined_at' }) definedAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @Column('bigint') position!: string;
  @Column('bigint', { name: 'last_revision' }) lastRevision!: string;
}

/** Data queries (discrepancies) and where each stands (dataquery-* streams); counted per site and status. */
@Entity({ schema: 'read_model', name: 'data_queries' })
@Index('data_queries_trial_status', ['trialId', 'status'])
@Index('data_queries_programme_status', ['programmeId', 'status'])
export class DataQueryRow {
  @PrimaryColumn('text', { name: 'query_id' }) queryId!: string;
  @Column('text', { name: 'trial_id', nullable: true }) trialId!: string | null;
  @Column('text', { name: 'programme_id', nullable: true }) programmeId!: string | null;
  @Column('text', { name: 'rule_id' }) ruleId!: string;
  @Column('int', { name: 'rule_version' }) ruleVersion!: number;
  @Column('text', { name: 'rule_kind' }) ruleKind!: string;
  @Column('text', { name: 'finding_key' }) findingKey!: string;
  @Column('text', { name: 'subject_id' }) subjectId!: string;
  @Column('text', { name: 'site_id', nullable: true }) siteId!: string | null;
  @Column('text', { name: 'measurement_id', nullable: true }) measurementId!: string | null;
  @Column('text') field!: string;
  @Column('text') message!: string;
  /** open | answered | resolved | closed */
  @Column('text') status!: string;
  /** The site's latest answer. */
  @Column('text', { name: 'answer', nullable: true }) answer!: string | null;
  /** Reason of the latest step (resolution, close, reopen). */
  @Column('text', { name: 'last_reason', nullable: true }) lastReason!: string | null;
  @Column('timestamptz', { name: 'opened_at' }) openedAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @Column('bigint') position!: string;
  @Column('bigint', { name: 'last_revision' }) lastRevision!: string;
}
