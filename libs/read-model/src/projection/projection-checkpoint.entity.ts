import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ProjectionRunState = 'running' | 'failed' | 'stopped';

/**
 * How far each projection (per version, so a rebuild can run beside the live one) has applied the event log.
 * Written in the same transaction as the projection's own rows: a crash leaves both or neither.
 */
@Entity({ schema: 'read_model', name: 'projection_checkpoints' })
export class ProjectionCheckpoint {
  @PrimaryColumn('text')
  name!: string;

  @PrimaryColumn('int')
  version!: number;

  /** Commit part of the last applied position (writing transaction id); null before the first event. */
  @Column('bigint', { name: 'commit_position', nullable: true })
  commitPosition!: string | null;

  /** Global position of the last applied event. */
  @Column('bigint', { name: 'prepare_position', nullable: true })
  preparePosition!: string | null;

  @Column('text', { default: 'running' })
  state!: ProjectionRunState;

  /** Whether queries read this version (false while a rebuild catches up). */
  @Column('boolean', { default: true })
  live!: boolean;

  @Column('bigint', { name: 'failed_position', nullable: true })
  failedPosition!: string | null;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
