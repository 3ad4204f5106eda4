import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A subject of a trial or a screening participant. The `*_recorded_at` columns say when each transition
 * became known, so enrolment counts can be answered as of a past moment.
 */
@Entity({ schema: 'read_model', name: 'subjects' })
@Index('subjects_trial', { synchronize: false })
@Index('subjects_programme', { synchronize: false })
@Index('subjects_position', { synchronize: false })
@Index('subjects_search_pseudonym', { synchronize: false })
@Index('subjects_search_id', { synchronize: false })
@Index('subjects_search_site', { synchronize: false })
export class SubjectRow {
  @PrimaryColumn('text', { name: 'subject_id' }) subjectId!: string;
  @Column('text') kind!: string;
  @Column('text', { name: 'trial_id', nullable: true }) trialId!: string | null;
  @Column('text', { name: 'programme_id', nullable: true }) programmeId!: string | null;
  @Column('text') pseudonym!: string;
  @Column('text', { name: 'site_id', nullable: true }) siteId!: string | null;
  @Column('text', { name: 'arm_code', nullable: true }) armCode!: string | null;
  @Column('text', { nullable: true }) stratum!: string | null;
  @Column('text') status!: string;
  @Column('text', { name: 'consent_version', nullable: true }) consentVersion!: string | null;
  @Column('text', { name: 'consent_date', nullable: true }) consentDate!: string | null;
  @Column('timestamptz', { name: 'enrolled_at', nullable: true }) enrolledAt!: Date | null;
  @Column('timestamptz', { name: 'enrolled_recorded_at', nullable: true }) enrolledRecordedAt!: Date | null;
  @Column('timestamptz', { name: 'randomised_at', nullable: true }) randomisedAt!: Date | null;
  @Column('timestamptz', { name: 'randomised_recorded_at', nullable: true }) randomisedRecordedAt!: Date | null;
  @Column('timestamptz', { name: 'withdrawn_at', nullable: true }) withdrawnAt!: Date | null;
  @Column('timestamptz', { name: 'withdrawn_recorded_at', nullable: true }) withdrawnRecordedAt!: Date | null;
  @Column('text', { name: 'withdrawal_reason', nullable: true }) withdrawalReason!: string | null;
  @Column('timestamptz', { name: 'first_invited_at', nullable: true }) firstInvitedAt!: Date | null;
  @Column('timestamptz', { name: 'opted_out_at', nullable: true }) optedOutAt!: Date | null;
  @Column('bigint') position!: string;
  @Column('bigint', { name: 'last_revision' }) lastRevision!: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

@Entity({ schema: 'read_model', name: 'imaging_studies' })
@Index('imaging_studies_subject', { synchronize: false })
export class ImagingStudyRow {
  @PrimaryColumn('text', { name: 'study_instance_uid' }) studyInstanceUid!: string;
  @Column('text', { name: 'subject_id', nullable: true }) subjectId!: string | null;
  @Column('text') modality!: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  @Column('text', { name: 'site_id' }) siteId!: string;
  @Column('text', { name: 'scanner_manufacturer', nullable: true }) scannerManufacturer!: string | null;
  @Column('text', { name: 'scanner_model', nullable: true }) scannerModel!: string | null;
  @Column('double precision', { name: 'slice_thickness_mm', nullable: true }) sliceThicknessMm!: number | null;
  @Column('double precision', { nullable: true }) kvp!: number | null;
  @Column('text', { nullable: true }) contrast!: string | null;
  @Column('bigint') position!: string;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt!: Date;
  // Acquisition parameters beyond the first ones (migration 1765730000000); null on studies registered without them.
  @Column('text', { name: 'scanner_software_version', nullable: true }) scannerSoftwareVersion!: string | null;
  @Column('double precision', { name: 'tube_current_ma', nullable: true }) tubeCurrentMa!: number | null;
  @Column('text', { name: 'reconstruction_kernel', nullable: true }) reconstructionKernel!: string | null;
  /** none, arterial, portal_venous, delayed, unknown (CONTRAST_PHASES). */
  @Column('text', { name: 'contrast_phase', nullable: true }) contrastPhase!: string | null;
  /** DICOM Pixel Spacing (0028,0030): row spacing then column spacing, mm. */
  @Column('double precision', { name: 'pixel_spacing_row_mm', nullable: true }) pixelSpacingRowMm!: number | null;
  @Column('double precision', { name: 'pixel_spacing_column_mm', nullable: true }) pixelSpacingColumnMm!: number | null;
  @Column('double precision', { name: 'field_strength_t', nullable: true }) fieldStrengthT!: number | null;
  @Column('text', { name: 'protocol_name', nullable: true }) protocolName!: string | null;
  /** SeriesAcquisition[] as in the events (seriesInstanceUid, sliceThicknessMm, reconstructionKernel, contrastPhase, pixelSpacingMm). */
  @Column('jsonb', { default: () => "'[]'" }) series!: unknown;
  /** The deviations of the flag that holds (ProtocolDeviation[]); null when within protocol or not checked. */
  @Column('jsonb', { name: 'protocol_deviations', nullable: true }) protocolDeviations!: unknown;
  @Column('int', { name: 'protocol_version', nullable: true }) protocolVersion!: number | null;
  @Column('text', { name: 'acquisition_correction_reason', nullable: true }) acquisitionCorrectionReason!: string | null;
  /** The study stream's last applied revision: later events (corrections, flags) apply once. */
  @Column('bigint', { name: 'last_revision', default: 0 }) lastRevision!: string;
}

/**
 * The long analysis table, one row per version of a measurement: the current version has
 * `superseded_at IS NULL`; the version known at time T has `version_recorded_at <= T < superseded_at`.
 */
@Entity({ schema: 'read_model', name: 'measurements' })
@Index('measurements_current', { synchronize: false })
@Index('measurements_subject', { synchronize: false })
@Index('measurements_trial', { synchronize: false })
@Index('measurements_biomarker', { synchronize: false })
@Index('measurements_trial_biomarker', { synchronize: false })
@Index('measurements_algorithm', { synchronize: false })
export class MeasurementRow {
  @PrimaryColumn('text', { name: 'measurement_id' }) measurementId!: string;
  @PrimaryColumn('int') version!: number;
  @Column('bigint') position!: string;
  @Column('text', { name: 'subject_id' }) subjectId!: string;
  @Column('text', { name: 'trial_id', nullable: true }) trialId!: string | null;
  @Column('text', { name: 'programme_id', nullable: true }) programmeId!: string | null;
  @Column('text', { name: 'biomarker_id' }) biomarkerId!: string;
  @Column('int', { name: 'biomarker_version' }) biomarkerVersion!: number;
  @Column('text', { name: 'value_kind' }) valueKind!: string;
  @Column('double precision', { nullable: true }) value!: number | null;
  @Column('text', { nullable: true }) unit!: string | null;
  @Column('text', { nullable: true }) category!: string | null;
  @Column('double precision', { name: 'original_value', nullable: true }) originalValue!: number | null;
  @Column('text', { name: 'original_unit', nullable: true }) originalUnit!: string | null;
  @Column('text', { name: 'study_instance_uid' }) studyInstanceUid!: string;
  @Column('text', { name: 'series_instance_uid', nullable: true }) seriesInstanceUid!: string | null;
  @Column('text', { name: 'time_point' }) timePoint!: string;
  @Column('text', { name: 'lesion_tracking_uid', nullable: true }) lesionTrackingUid!: string | null;
  @Column('text', { name: 'lesion_label', nullable: true }) lesionLabel!: string | null;
  @Column('text', { name: 'lesion_finding_site', nullable: true }) lesionFindingSite!: string | null;
  @Column('text', { name: 'lesion_role', nullable: true }) lesionRole!: string | null;
  @Column('text') method!: string;
  @Column('text', { name: 'algorithm_version_id', nullable: true }) algorithmVersionId!: string | null;
  @Column('text', { name: 'reader_id', nullable: true }) readerId!: string | null;
  @Column('text', { name: 'plausibility_override_reason', nullable: true }) plausibilityOverrideReason!: string | null;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt!: Date;
  @Column('timestamptz', { name: 'version_recorded_at' }) versionRecordedAt!: Date;
  @Column('timestamptz', { name: 'superseded_at', nullable: true }) supersededAt!: Date | null;
  @Column('int', { name: 'correction_count' }) correctionCount!: number;
  @Column('boolean') retracted!: boolean;
  @Column('text', { name: 'change_reason', nullable: true }) changeReason!: string | null;
  @Column('text', { nullable: true }) adjudication!: string | null;
  // The subject's current arm, site and randomisation time, copied onto every row (see MeasurementSubjectColumns).
  @Column('text', { name: 'arm_code', nullable: true }) armCode!: string | null;
  @Column('text', { name: 'subject_site_id', nullable: true }) subjectSiteId!: string | null;
  @Column('timestamptz', { name: 'randomised_recorded_at', nullable: true }) randomisedRecordedAt!: Date | null;
  // Extraction method (migration 1765730000000); null on measurements recorded without it.
  @Column('text', { name: 'extraction_software', nullable: true }) extractionSoftware!: string | null;
  @Column('text', { name: 'extraction_software_version', nullable: true }) extractionSoftwareVersion!: string | null;
  @Column('boolean', { name: 'ibsi_compliant', nullable: true }) ibsiCompliant!: boolean | null;
  /** manual, semi_automatic, ai. */
  @Column('text', { name: 'segmentation_method', nullable: true }) segmentationMethod!: string | null;
  @Column('text', { name: 'segmentation_algorithm', nullable: true }) segmentationAlgorithm!: string | null;
  @Column('text', { name: 'segmentation_algorithm_version', nullable: true }) segmentationAlgorithmVersion!: string | null;
  @Column('text', { name: 'harmonisation_method', nullable: true }) harmonisationMethod!: string | null;
  @Column('text', { name: 'harmonisation_reference_batch', nullable: true }) harmonisationReferenceBatch!: string | null;
}

/** Outcomes, versioned like measurements. */
@Entity({ schema: 'read_model', name: 'outcomes' })
@Index('outcomes_subject', { synchronize: false })
export class OutcomeRow {
  @PrimaryColumn('text', { name: 'outcome_id' }) outcomeId!: string;
  @PrimaryColumn('int') version!: number;
  @Column('bigint') position!: string;
  @Column('text', { name: 'subject_id' }) subjectId!: string;
  @Column('text', { name: 'trial_id', nullable: true }) trialId!: string | null;
  @Column('text', { name: 'programme_id', nullable: true }) programmeId!: string | null;
  @Column('text', { name: 'outcome_type' }) outcomeType!: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  @Column('text') source!: string;
  @Column('text', { name: 'recist_response', nullable: true }) recistResponse!: string | null;
  @Column('text', { nullable: true }) stage!: string | null;
  @Column('text', { name: 'time_point', nullable: true }) timePoint!: string | null;
  @Column('text', { nullable: true }) notes!: string | null;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt!: Date;
  @Column('timestamptz', { name: 'version_recorded_at' }) versionRecordedAt!: Date;
  @Column('timestamptz', { name: 'superseded_at', nullable: true }) supersededAt!: Date | null;
  @Column('int', { name: 'correction_count' }) correctionCount!: number;
  @Column('text', { name: 'change_reason', nullable: true }) changeReason!: string | null;
}

@Entity({ schema: 'read_model', name: 'screenings' })
@Index('screenings_subject', { synchronize: false })
@Index('screenings_programme', { synchronize: false })
@Index('screenings_algorithm', { synchronize: false })
@Index('screenings_recalled', { synchronize: false })
export class ScreeningRow {
  @PrimaryColumn('text', { name: 'screening_id' }) screeningId!: string;
  @Column('text', { name: 'subject_id' }) subjectId!: string;
  @Column('text', { name: 'programme_id' }) programmeId!: string;
  @Column('text', { name: 'round_id' }) roundId!: string;
  @Column('text', { name: 'site_id' }) siteId!: string;
  @Column('text') modality!: string;
  @Column('text', { name: 'human_result' }) humanResult!: string;
  @Column('text', { name: 'reader_ids', array: true }) readerIds!: string[];
  @Column('text', { name: 'ai_algorithm_version_id', nullable: true }) aiAlgorithmVersionId!: string | null;
  @Column('double precision', { name: 'ai_score', nullable: true }) aiScore!: number | null;
  @Column('boolean', { name: 'ai_positive', nullable: true }) aiPositive!: boolean | null;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt!: Date;
  @Column('bigint') position!: string;
  @Column('timestamptz', { name: 'recalled_at', nullable: true }) recalledAt!: Date | null;
  @Column('text', { name: 'recall_reason', nullable: true }) recallReason!: string | null;
  @Column('timestamptz', { name: 'recall_recorded_at', nullable: true }) recallRecordedAt!: Date | null;
  @Column('text', { name: 'assessment_outcome', nullable: true }) assessmentOutcome!: string | null;
  @Column('text', { name: 'diagnosis_date', nullable: true }) diagnosisDate!: string | null;
  @Column('text', { nullable: true }) stage!: string | null;
  @Column('timestamptz', { name: 'assessment_recorded_at', nullable: true }) assessmentRecordedAt!: Date | null;
}

/** Status changes of a subject (enrolled, randomised, invited, interval cancer, …) for the timeline. */
@Entity({ schema: 'read_model', name: 'subject_milestones' })
@Index('subject_milestones_subject', { synchronize: false })
@Index('subject_milestones_invited', { synchronize: false })
@Index('subject_milestones_interval_cancer', { synchronize: false })
@Index('subject_milestones_interval_cancer_round', { synchronize: false })
export class SubjectMilestoneRow {
  @PrimaryColumn('bigint') position!: string;
  @Column('text', { name: 'subject_id' }) subjectId!: string;
  @Column('text') kind!: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt!: Date;
  @Column('jsonb') details!: unknown;
  /** Screening milestones only: the programme, and the round (an invitation's; the one an interval cancer followed). */
  @Column('text', { name: 'programme_id', nullable: true }) programmeId!: string | null;
  @Column('text', { name: 'round_id', nullable: true }) roundId!: string | null;
}
