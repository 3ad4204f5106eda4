import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A trial as the coordinator sees it; enrolment counts come from `subjects` (one source for them). */
@Entity({ schema: 'read_model', name: 'trials' })
@Index('trials_position', { synchronize: false })
export class TrialRow {
  @PrimaryColumn('text', { name: 'trial_id' }) trialId!: string;
  @Column('text') title!: string;
  @Column('text') phase!: string;
  @Column('text') sponsor!: string;
  @Column('text', { name: 'primary_endpoint' }) primaryEndpoint!: string;
  @Column('jsonb') identifiers!: unknown;
  @Column('text') status!: string;
  @Column('boolean') locked!: boolean;
  @Column('text', { name: 'lock_reason', nullable: true }) lockReason!: string | null;
  @Column('timestamptz', { name: 'locked_at', nullable: true }) lockedAt!: Date | null;
  @Column('int', { name: 'schedule_version', nullable: true }) scheduleVersion!: number | null;
  @Column('jsonb') schedule!: unknown;
  @Column('timestamptz', { name: 'registered_at' }) registeredAt!: Date;
  @Column('bigint') position!: string;
  @Column('bigint', { name: 'last_revision' }) lastRevision!: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

@Entity({ schema: 'read_model', name: 'trial_arms' })
export class TrialArmRow {
  @PrimaryColumn('text', { name: 'trial_id' }) trialId!: string;
  @PrimaryColumn('text', { name: 'arm_code' }) armCode!: string;
  @Column('text') name!: string;
  @Column('text', { name: 'arm_type' }) armType!: string;
  @Column('int', { name: 'planned_size' }) plannedSize!: number;
  @Column('bigint') position!: string;
}

@Entity({ schema: 'read_model', name: 'trial_sites' })
export class TrialSiteRow {
  @PrimaryColumn('text', { name: 'trial_id' }) trialId!: string;
  @PrimaryColumn('text', { name: 'site_id' }) siteId!: string;
  @Column('text') name!: string;
  @Column('text', { nullable: true }) country!: string | null;
  @Column('text') status!: string;
  @Column('timestamptz', { name: 'activated_at' }) activatedAt!: Date;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @Column('text', { name: 'close_reason', nullable: true }) closeReason!: string | null;
  @Column('bigint') position!: string;
}
