import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The current definition of each biomarker (the catalogue projection). */
@Entity({ schema: 'read_model', name: 'biomarkers' })
@Index('biomarkers_position', { synchronize: false })
@Index('biomarkers_coded_concepts', { synchronize: false })
export class BiomarkerRow {
  @PrimaryColumn('text', { name: 'biomarker_id' }) biomarkerId!: string;
  @Column('text') code!: string;
  @Column('text') name!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('text') modality!: string;
  @Column('text', { name: 'body_site', nullable: true }) bodySite!: string | null;
  @Column('text', { name: 'value_kind' }) valueKind!: string;
  @Column('text', { nullable: true }) unit!: string | null;
  @Column('double precision', { name: 'plausible_min', nullable: true }) plausibleMin!: number | null;
  @Column('double precision', { name: 'plausible_max', nullable: true }) plausibleMax!: number | null;
  @Column('text', { array: true, nullable: true }) categories!: string[] | null;
  @Column('double precision', { name: 'repeatability_wcv', nullable: true }) repeatabilityWcv!: number | null;
  /** Coded concepts of the current version ({scheme, value, meaning}[]); GIN-indexed for `@>` lookups by scheme + value. */
  @Column('jsonb', { name: 'coded_concepts', default: () => "'[]'" }) codedConcepts!: { scheme: string; value: string; meaning: string }[];
  @Column('int') version!: number;
  @Column('text') status!: string;
  @Column('text', { name: 'retired_reason', nullable: true }) retiredReason!: string | null;
  @Column('timestamptz', { name: 'defined_at' }) definedAt!: Date;
  @Column('bigint') position!: string;
  @Column('bigint', { name: 'last_revision' }) lastRevision!: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

/** Every version of a biomarker definition: old measurements keep the version they were taken under. */
@Entity({ schema: 'read_model', name: 'biomarker_versions' })
export class BiomarkerVersionRow {
  @PrimaryColumn('text', { name: 'biomarker_id' }) biomarkerId!: string;
  @PrimaryColumn('int') version!: number;
  @Column('jsonb') spec!: unknown;
  @Column('text', { nullable: true }) reason!: string | null;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt!: Date;
}

/** AI algorithm versions with their lineage (root first, the version itself last). */
@Entity({ schema: 'read_model', name: 'algorithm_versions' })
@Index('algorithm_versions_position', { synchronize: false })
export class AlgorithmVersionRow {
  @PrimaryColumn('text', { name: 'algorithm_version_id' }) algorithmVersionId!: string;
  @Column('text') manufacturer!: string;
  @Column('text') name!: string;
  @Column('text') version!: string;
  @Column('text', { name: 'intended_use' }) intendedUse!: string;
  @Column('jsonb') regulatory!: { status: string; ceClass: string | null; udiDi: string | null; clearanceNumber: string | null };
  @Column('text', { name: 'biomarker_ids', array: true }) biomarkerIds!: string[];
  @Column('text', { name: 'predecessor_id', nullable: true }) predecessorId!: string | null;
  /** Declared range of the screening score; null when none was declared. */
  @Column('jsonb', { name: 'score_range', nullable: true }) scoreRange!: { min: number; max: number } | null;
  @Column('text', { array: true }) lineage!: string[];
  @Column('text') status!: string;
  @Column('text', { name: 'status_reason', nullable: true }) statusReason!: string | null;
  @Column('timestamptz', { name: 'registered_at' }) registeredAt!: Date;
  @Column('bigint') position!: string;
  @Column('bigint', { name: 'last_revision' }) lastRevision!: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
