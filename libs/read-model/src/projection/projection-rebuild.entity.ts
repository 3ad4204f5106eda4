import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A rebuild in progress: its new version is written into schema read_model_rebuild and this row is its
 * checkpoint, moved in the same transaction as those rows; it disappears when the new version is swapped in.
 */
@Entity({ schema: 'read_model', name: 'projection_rebuilds' })
export class ProjectionRebuild {
  @PrimaryColumn('text') name!: string;
  @Column('int') version!: number;
  @Column('bigint', { name: 'commit_position', nullable: true }) commitPosition!: string | null;
  @Column('bigint', { name: 'prepare_position', nullable: true }) preparePosition!: string | null;
  @Column('timestamptz', { name: 'started_at', default: () => 'now()' }) startedAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
