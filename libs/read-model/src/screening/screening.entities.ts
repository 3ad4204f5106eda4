import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'read_model', name: 'screening_programmes' })
export class ScreeningProgrammeRow {
  @PrimaryColumn('text', { name: 'programme_id' }) programmeId!: string;
  @Column('text') name!: string;
  @Column('text', { name: 'cancer_type' }) cancerType!: string;
  @Column('text', { name: 'target_population' }) targetPopulation!: string;
  @Column('int', { name: 'age_min' }) ageMin!: number;
  @Column('int', { name: 'age_max' }) ageMax!: number;
  @Column('int', { name: 'interval_months' }) intervalMonths!: number;
  @Column('jsonb', { name: 'kpi_targets' }) kpiTargets!: unknown;
  @Column('timestamptz', { name: 'defined_at' }) definedAt!: Date;
  @Column('bigint') position!: string;
  @Column('bigint', { name: 'last_revision' }) lastRevision!: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

/** A round and its counts; the counts are fed by participants' streams, the details by the programme's. */
@Entity({ schema: 'read_model', name: 'screening_rounds' })
@Index('screening_rounds_programme', { synchronize: false })
export class ScreeningRoundRow {
  @PrimaryColumn('text', { name: 'round_id' }) roundId!: string;
  @Column('text', { name: 'programme_id' }) programmeId!: string;
  @Column('text', { nullable: true }) name!: string | null;
  @Column('int', { name: 'round_number', nullable: true }) roundNumber!: number | null;
  @Column('text', { name: 'opens_on', nullable: true }) opensOn!: string | null;
  @Column('text', { name: 'closes_on', nullable: true }) closesOn!: string | null;
  @Column('text') status!: string;
  @Column('int') invited!: number;
  @Column('int') screened!: number;
  @Column('int') recalled!: number;
  @Column('int', { name: 'screen_detected_cancers' }) screenDetectedCancers!: number;
  @Column('int', { name: 'interval_cancers' }) intervalCancers!: number;
  @Column('bigint', { nullable: true }) position!: string | null;
}

/** The last participant-stream revision the screening projection applied (idempotence by revision). */
@Entity({ schema: 'read_model', name: 'screening_subject_revisions' })
export class ScreeningSubjectRevisionRow {
  @PrimaryColumn('text', { name: 'subject_id' }) subjectId!: string;
  @Column('bigint', { name: 'last_revision' }) lastRevision!: string;
}
