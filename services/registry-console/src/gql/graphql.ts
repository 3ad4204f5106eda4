/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AcceptedReadingPolicy =
  /** Only readings accepted by acceptMeasurementReading; a unit whose readings were never adjudicated has no reading. */
  | 'ACCEPTED'
  /**
   * The accepted reading where readings were adjudicated, else the unit's only reading (of whichever rater: see
   * ReadingProvenance); two readings never adjudicated are AMBIGUOUS_READING. Readings not accepted never count.
   */
  | 'ACCEPTED_OR_ONLY';

export type AlarmDirection =
  | 'DECREASE'
  | 'INCREASE';

export type AuditLogFilter = {
  actorId?: string | null | undefined;
  actorRole?: string | null | undefined;
  eventTypes?: Array<string> | null | undefined;
  /** Recorded at or after (inclusive). */
  from?: string | null | undefined;
  /** As `trialId`, for a screening programme: its own stream, its participants, their studies, linkages naming it. */
  programmeId?: string | null | undefined;
  streamId?: string | null | undefined;
  /** Recorded before (exclusive). */
  to?: string | null | undefined;
  /**
   * Every event, of any type, of every stream that belongs to the trial: its own stream, its subjects, their imaging
   * studies, its identifier reservations, pseudonym linkages naming it (services/registry-api/src/audit/README.md).
   * Complete up to the position the audit-membership projection has reached (its checkpoint in `registryStatus`).
   * An empty id is refused (BAD_USER_INPUT), not read as "all".
   */
  trialId?: string | null | undefined;
};

export type ClinicalCovariate =
  /** Years from the (sealed) year of birth to the index scan, mid-year birth assumed. */
  | 'AGE'
  /** 1 = male, 0 = female; other or unknown is missing. */
  | 'SEX'
  /** Ordinal stage group of the latest staged outcome at or before the index scan: 0/IS = 0, I = 1 … IV = 4; UNKNOWN is missing. */
  | 'STAGE';

export type ContrastAgent =
  | 'IV'
  | 'IV_AND_ORAL'
  | 'NONE'
  | 'ORAL'
  | 'OTHER';

export type ContrastPhase =
  | 'ARTERIAL'
  | 'DELAYED'
  | 'NONE'
  | 'PORTAL_VENOUS'
  | 'UNKNOWN';

export type CorrectMeasurementInput = {
  commandId: string | number;
  expectedVersion?: number | null | undefined;
  measurementId: string | number;
  plausibilityOverrideReason?: string | null | undefined;
  reason: string;
  subjectId: string | number;
  value: MeasurementValueInput;
};

/**
 * One covariate: exactly one of `clinical` and `biomarkerId` (else BAD_USER_INPUT on the covariate). A biomarker covariate
 * is that biomarker's measurement of each subject at `timePoint` (default: the index time point) by the rater `reading`
 * (default: the index test's), with the same ambiguity rule (AMBIGUOUS_READING on `multivariable.covariates[i].reading`).
 */
export type CovariateInput = {
  biomarkerId?: string | number | null | undefined;
  biomarkerVersion?: number | null | undefined;
  clinical?: ClinicalCovariate | null | undefined;
  /** Term name in the models; default age / sex / stage or the biomarker id. Unique, and not "biomarker" (the index term). */
  name?: string | null | undefined;
  reading?: ReadingSelectionInput | null | undefined;
  timePoint?: string | null | undefined;
};

export type EndpointInput = {
  /** Required for BINARY; for TIME_TO_EVENT it adds an ROC at this horizon. */
  horizonDays?: number | null | undefined;
  kind: EndpointKind;
  /** Outcome types that count as the event, e.g. ["death"] or ["progression", "death"]. */
  outcomeTypes: Array<string>;
};

export type EndpointKind =
  /** Event within `horizonDays` of the index scan (1), event-free through it (0); shorter follow-up is excluded. */
  | 'BINARY'
  /** Days to the first qualifying outcome, censored at the last known alive date (latest outcome of any type). */
  | 'TIME_TO_EVENT';

export type EnrolSubjectInput = {
  commandId: string | number;
  /** YYYY-MM-DD */
  consentDate: string;
  consentVersion: string;
  expectedVersion?: number | null | undefined;
  /** Optional personal fields: sealed with the subject's own key before anything is stored (erasable by crypto-shredding). */
  personal?: PersonalDataInput | null | undefined;
  /**
   * Pseudonym of the person in this trial (e.g. ONC-0001, or one from `derivePseudonym`): never a name, e-mail or
   * national id.
   * Rules (libs/domain/src/subject/subject.pseudonym.ts), checked after trimming surrounding blanks:
   * - 4–40 characters of upper-case A–Z, digits 0–9 and hyphens, not starting with a hyphen, with at least one letter
   *   and one digit (INVALID_PSEUDONYM). This alphabet already shuts out names, e-mail addresses, phone numbers and
   *   purely numeric national numbers (BSN, SSN, NHS number, birth-date numbers such as 811228-9874).
   * - Refused as a possible national or other direct identifier (PSEUDONYM_LOOKS_IDENTIFYING), checked as given and
   *   with its hyphens removed: a UK National Insurance number (AB123456C), a Spanish DNI (12345678Z) or NIE
   *   (X1234567L), an Italian codice fiscale (RSSMRA85T10A562S), a Finnish henkilötunnus (131052-308T), and any run
   *   of 9 or more digits once hyphens are removed (ONC-1234-56789: dates of birth with century, account, phone or
   *   insurance numbers).
   * - Unique within the study: a second subject with a pseudonym already held in this trial is refused with DUPLICATE_PSEUDONYM
   *   (race-safe: of concurrent enrolments under one pseudonym exactly one succeeds). The same pseudonym in another
   *   trial or in a screening programme is another study's and is allowed.
   */
  pseudonym: string;
  siteId: string | number;
  /** Optional: derived from commandId when absent (so a repeated command maps to the same subject). */
  subjectId?: string | number | null | undefined;
  trialId: string | number;
};

/** Each part optional. IBSI compliance needs the software (EXTRACTION_SOFTWARE_REQUIRED); an AI segmentation its algorithm and version (ALGORITHM_REQUIRED). */
export type ExtractionMethodInput = {
  harmonisation?: HarmonisationInput | null | undefined;
  ibsiCompliant?: boolean | null | undefined;
  segmentation?: SegmentationInput | null | undefined;
  software?: ExtractionSoftwareInput | null | undefined;
};

export type ExtractionSoftwareInput = {
  name: string;
  version: string;
};

export type HarmonisationInput = {
  method: HarmonisationMethod;
  referenceBatch?: string | null | undefined;
};

/** ComBat (Johnson 2007; Fortin 2018) and its variants align feature distributions across batches to a reference batch. */
export type HarmonisationMethod =
  | 'COMBAT'
  | 'LONGCOMBAT'
  | 'NEUROCOMBAT'
  | 'OTHER';

/** Imaging modalities as users name them (PET rather than DICOM's PT). */
export type ImagingModality =
  | 'CR'
  | 'CT'
  | 'DBT'
  | 'DX'
  | 'MG'
  | 'MR'
  | 'NM'
  | 'OT'
  | 'PET'
  | 'SPECT'
  | 'US'
  | 'XA';

/** Parameters that may differ per series of a study (thin and thick reconstructions, phases of a multiphase CT). */
export type ImagingSeriesInput = {
  contrastPhase?: ContrastPhase | null | undefined;
  /** Row and column spacing (DICOM Pixel Spacing), each greater than 0 and at most 10. */
  pixelSpacingMm?: Array<number> | null | undefined;
  reconstructionKernel?: string | null | undefined;
  seriesDescription?: string | null | undefined;
  seriesInstanceUid: string;
  /** Greater than 0, at most 20. */
  sliceThicknessMm?: number | null | undefined;
};

export type KpiFlag =
  | 'ACCEPTABLE'
  | 'DESIRABLE'
  | 'NOT_ACCEPTABLE'
  | 'NO_DATA'
  | 'NO_TARGET';

export type KpiName =
  | 'CANCER_DETECTION_RATE'
  | 'INTERVAL_CANCER_RATE_0_11'
  | 'INTERVAL_CANCER_RATE_12_23'
  | 'PARTICIPATION_RATE'
  | 'PPV_OF_RECALL'
  | 'PROGRAMME_SENSITIVITY'
  | 'RECALL_RATE';

export type LesionInput = {
  findingSite?: string | null | undefined;
  /** Tracking Identifier (112039), e.g. Nodule 1. */
  label: string;
  role: LesionRole;
  /** DICOM Tracking Unique Identifier (112040). */
  trackingUid: string;
};

/** RECIST role of a lesion. */
export type LesionRole =
  | 'NEW'
  | 'NON_TARGET'
  | 'TARGET';

export type MeasurementMethod =
  | 'AI'
  | 'MANUAL'
  | 'SEMI_AUTOMATIC';

/** Either `value` and `unit` (quantitative biomarkers; UCUM unit, converted to the biomarker's unit) or `category`. */
export type MeasurementValueInput = {
  category?: string | null | undefined;
  /** UCUM, case-sensitive: mm, cm2, mm3, [hnsf'U], {SUVbw}g/mL, 1 … */
  unit?: string | null | undefined;
  value?: number | null | undefined;
};

export type MultivariableInput = {
  /** Bootstrap resamples of the ΔC-index, 20 … 2000; default 200. */
  bootstrapReplicates?: number | null | undefined;
  /** Seed of the bootstrap (mulberry32); default 20260101, so a rerun on the same data gives the same interval. */
  bootstrapSeed?: number | null | undefined;
  /** Horizon (days) of the Cox model's calibration; default endpoint.horizonDays. */
  calibrationHorizonDays?: number | null | undefined;
  /** At most 20; may be empty (the biomarker alone, against the null model). */
  covariates: Array<CovariateInput>;
  /** Horizons (days) of the time-dependent AUC; default [endpoint.horizonDays] when given. */
  horizonsDays?: Array<number> | null | undefined;
};

export type OutcomeSource =
  | 'CANCER_REGISTRY_LINKAGE'
  | 'CENTRAL_REVIEW'
  | 'DEATH_REGISTRY'
  | 'INVESTIGATOR'
  | 'MEDICAL_RECORD'
  | 'OTHER'
  | 'SELF_REPORT';

export type OutcomeType =
  | 'CANCER_DIAGNOSIS'
  | 'DEATH'
  /** Censoring: the subject was known to be alive on this date. */
  | 'LAST_KNOWN_ALIVE'
  | 'PROGRESSION'
  | 'RECURRENCE'
  | 'RESPONSE_ASSESSMENT';

/** Personal fields the registry may keep. At least one; a year of birth, never a date of birth. */
export type PersonalDataInput = {
  /** Free text, at most 2000 characters. Never a name, address or other direct identifier. */
  comment?: string | null | undefined;
  sex?: Sex | null | undefined;
  /** 1880 … current year. */
  yearOfBirth?: number | null | undefined;
};

/** Who is in the analysis. Ids must be within the caller's grants; omitted = everything the caller may read. */
export type PopulationInput = {
  armCodes?: Array<string> | null | undefined;
  /** Index scans acquired at or after this time. */
  from?: string | null | undefined;
  programmeIds?: Array<string | number> | null | undefined;
  siteIds?: Array<string | number> | null | undefined;
  /** Index scans acquired before this time. */
  to?: string | null | undefined;
  trialIds?: Array<string | number> | null | undefined;
};

export type RandomiseSubjectInput = {
  armCode: string;
  commandId: string | number;
  expectedVersion?: number | null | undefined;
  /** YYYY-MM-DD or date-time; defaults to the time the command is received. */
  randomisedAt?: string | null | undefined;
  stratum: string;
  subjectId: string | number;
};

/**
 * Whose readings an analysis reads: exactly one of the fields (else INVALID_READING_SELECTION).
 * - `algorithmVersionId`: that AI algorithm version's outputs (method ai). Semi-automatic readings that name the version
 *   as the tool a reader used are the reader's, not the algorithm's. Adjudication does not remove an algorithm's outputs.
 * - `readerId`: that reader's manual and semi-automatic readings (an AI output a reader uploaded is the algorithm's).
 * - `accepted`: the adjudicated reading (acceptMeasurementReading), under the policy named.
 */
export type ReadingSelectionInput = {
  accepted?: AcceptedReadingPolicy | null | undefined;
  algorithmVersionId?: string | number | null | undefined;
  readerId?: string | number | null | undefined;
};

/** RECIST 1.1 overall response (NON_CR_NON_PD for non-target-only disease). */
export type RecistResponse =
  | 'CR'
  | 'NE'
  | 'NON_CR_NON_PD'
  | 'PD'
  | 'PR'
  | 'SD';

export type RecordMeasurementInput = {
  /** Required for method ai. */
  algorithmVersionId?: string | number | null | undefined;
  biomarkerId: string | number;
  biomarkerVersion: number;
  commandId: string | number;
  expectedVersion?: number | null | undefined;
  /** How the value was extracted (software and version, IBSI compliance, segmentation, harmonisation), as far as known. */
  extraction?: ExtractionMethodInput | null | undefined;
  lesion?: LesionInput | null | undefined;
  /** Optional: derived from commandId when absent. */
  measurementId?: string | number | null | undefined;
  method: MeasurementMethod;
  /**
   * Keeps a value outside the biomarker's plausible range, saying why. Not for method AI: an algorithm output outside
   * the plausible range is refused with VALUE_OUT_OF_RANGE whatever the reason (record a reader's value instead).
   */
  plausibilityOverrideReason?: string | null | undefined;
  /** Who read the images. Required for manual and semi_automatic; a reader's own id by default when a reader records. */
  readerId?: string | number | null | undefined;
  seriesInstanceUid?: string | null | undefined;
  studyInstanceUid: string;
  subjectId: string | number;
  /** A time point code of the trial's visit schedule (or UNSCHEDULED); any code for screening participants. */
  timePoint: string;
  value: MeasurementValueInput;
};

export type RecordOutcomeInput = {
  commandId: string | number;
  expectedVersion?: number | null | undefined;
  notes?: string | null | undefined;
  /** When it happened: YYYY-MM-DD or date-time. */
  occurredAt: string;
  /** Optional: derived from commandId when absent. */
  outcomeId?: string | number | null | undefined;
  outcomeType: OutcomeType;
  /** Required for RESPONSE_ASSESSMENT, refused otherwise. */
  recistResponse?: RecistResponse | null | undefined;
  source: OutcomeSource;
  /** Stage group (0, IA … IV, UNKNOWN). */
  stage?: string | null | undefined;
  subjectId: string | number;
  timePoint?: string | null | undefined;
};

export type RegisterImagingStudyInput = {
  /** YYYY-MM-DD or an ISO-8601 date-time with offset; not in the future. */
  acquisitionDateTime: string;
  commandId: string | number;
  contrast?: ContrastAgent | null | undefined;
  contrastPhase?: ContrastPhase | null | undefined;
  expectedVersion?: number | null | undefined;
  /** MR only (PARAMETER_NOT_FOR_MODALITY otherwise): greater than 0, at most 12. */
  fieldStrengthT?: number | null | undefined;
  /** 40 to 150. */
  kvp?: number | null | undefined;
  modality: ImagingModality;
  /** Row and column spacing, mm (two values). */
  pixelSpacingMm?: Array<number> | null | undefined;
  /** The site's protocol name (DICOM Protocol Name 0018,1030). */
  protocolName?: string | null | undefined;
  /** As the vendor names it (B30f, STANDARD, FC13 …); compared case-insensitively with a protocol. */
  reconstructionKernel?: string | null | undefined;
  scanner: ScannerInput;
  series?: Array<ImagingSeriesInput> | null | undefined;
  siteId: string | number;
  /** Greater than 0, at most 20 (the study's main reconstruction; per series in `series`). */
  sliceThicknessMm?: number | null | undefined;
  /** DICOM Study Instance UID (≤ 64 characters of digits and dots, no leading zeros); registered once (DUPLICATE_STUDY_UID). */
  studyInstanceUid: string;
  /** The subject the study belongs to, when known: its trial or programme then bounds who may register. */
  subjectId?: string | number | null | undefined;
  /** Tube current, mA: greater than 0, at most 2000. */
  tubeCurrentMa?: number | null | undefined;
};

export type RetractMeasurementInput = {
  commandId: string | number;
  expectedVersion?: number | null | undefined;
  measurementId: string | number;
  reason: string;
  subjectId: string | number;
};

export type RoundType =
  | 'ALL'
  | 'FIRST'
  | 'SUBSEQUENT';

export type ScannerInput = {
  manufacturer: string;
  model: string;
  /** The scanner's software version (DICOM Software Versions 0018,1020). */
  softwareVersion?: string | null | undefined;
};

export type SegmentationInput = {
  algorithm?: string | null | undefined;
  algorithmVersion?: string | null | undefined;
  method: SegmentationMethod;
};

export type SegmentationMethod =
  | 'AI'
  | 'MANUAL'
  | 'SEMI_AUTOMATIC';

export type Sex =
  | 'FEMALE'
  | 'MALE'
  | 'OTHER'
  | 'UNKNOWN';

/** Kaplan–Meier strata of the biomarker: a threshold (below / at or above) or quantile groups; default: median split. */
export type StrataInput = {
  quantiles?: number | null | undefined;
  threshold?: number | null | undefined;
};

export type SubjectFilter = {
  armCode?: string | null | undefined;
  programmeId?: string | number | null | undefined;
  /**
   * Free text (1–40 characters after trimming; blank = no search): subjects whose pseudonym, subject id or site id
   * starts with it, case-insensitively (`con-00` finds CON-0001). A prefix match on indexed columns, never a scan of the
   * registry; `%` and `_` are plain characters. Combined with the other fields and the caller's scopes as they are.
   * Personal data is never searched: it is sealed and held outside the read models. Longer: BAD_USER_INPUT (field
   * `filter.search`).
   */
  search?: string | null | undefined;
  siteId?: string | null | undefined;
  /** enrolled, randomised, withdrawn, invited, screened, recalled, assessed, opted_out */
  status?: string | null | undefined;
  trialId?: string | number | null | undefined;
};

export type SubjectKind =
  | 'SCREENING'
  | 'TRIAL';

export type SurveillanceMetric =
  | 'AI_POSITIVE_RATE'
  | 'FALSE_NEGATIVE_RATE'
  | 'READER_DISAGREEMENT_RATE';

export type TimelineEntryKind =
  | 'IMAGING_STUDY'
  | 'MEASUREMENT'
  | 'MILESTONE'
  | 'OUTCOME'
  | 'SCREENING';

export type TrialArmType =
  | 'ACTIVE_COMPARATOR'
  | 'EXPERIMENTAL'
  | 'NO_INTERVENTION'
  | 'PLACEBO';

export type TrialFilter = {
  /** A registry identifier value, e.g. NCT01234567. */
  identifier?: string | null | undefined;
  locked?: boolean | null | undefined;
  /** As registered, e.g. III or I/II. */
  phase?: string | null | undefined;
  sponsor?: string | null | undefined;
  status?: TrialStatus | null | undefined;
  /** Case-insensitive part of the title. */
  titleContains?: string | null | undefined;
};

export type TrialSiteStatus =
  | 'ACTIVE'
  | 'CLOSED';

export type TrialStatus =
  | 'ENROLMENT_CLOSED'
  | 'ENROLMENT_OPEN'
  | 'REGISTERED';

export type ValidationStudyInput = {
  biomarkerId: string | number;
  biomarkerVersion?: number | null | undefined;
  endpoint: EndpointInput;
  /** Whether a higher value means positive / higher risk (fixed in advance, never chosen from the data). Default true. */
  higherIsPositive?: boolean | null | undefined;
  /** Whose reading is the index test. One reading per subject, else AMBIGUOUS_READING (field indexTest). */
  indexTest: ReadingSelectionInput;
  /** Multivariable validation: the biomarker beside clinical covariates and other biomarkers (ValidationStudy.multivariable). */
  multivariable?: MultivariableInput | null | undefined;
  population?: PopulationInput | null | undefined;
  /**
   * Compute over a frozen analysis snapshot (freezeAnalysisSnapshot) instead of the live read model: the rows as they
   * were at its data cut, so a re-run gives the same result after any later write or correction. The caller must be
   * allowed to read the snapshot (SNAPSHOT_NOT_FOUND, or FORBIDDEN); the population filters apply within it.
   */
  snapshotId?: string | number | null | undefined;
  strata?: StrataInput | null | undefined;
  /** Threshold for sensitivity/specificity; default: the Youden-optimal one. */
  threshold?: number | null | undefined;
  /**
   * Time point of the index measurement: a code of the trial's visit schedule (e.g. "BASELINE") or a time point the
   * biomarker's measurements carry. Case-sensitive; a code nothing in the population knows is UNKNOWN_TIME_POINT.
   */
  timePoint: string;
};

export type ConsoleAuditLogQueryVariables = Exact<{
  filter?: AuditLogFilter | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type ConsoleAuditLogQuery = { auditLog: { nextCursor: string | null, events: Array<{ globalPosition: string, streamId: string, revision: number, eventId: string, type: string, actorId: string | null, actorRole: string | null, reason: string | null, recordedAt: string, occurredAt: string | null, hash: string, data: string }> }, auditExport: { url: string, format: string } };

export type ConsoleAuditStreamQueryVariables = Exact<{
  streamId: string;
}>;


export type ConsoleAuditStreamQuery = { history: Array<{ revision: number, globalPosition: string, hash: string, type: string }> };

export type ConsoleVerifyTrailQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleVerifyTrailQuery = { verifyAuditTrail: { ok: boolean, eventsChecked: number, streamsChecked: number, firstFailure: { streamId: string, revision: number, reason: string } | null } };

export type ConsoleVerifySealsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleVerifySealsQuery = { verifyAuditSeals: { ok: boolean, sealsChecked: number, eventsCovered: number, anchored: { sequence: number, location: string } | null, firstFailure: { sequence: number, reason: string } | null } };

export type ConsoleAccessLogQueryVariables = Exact<{
  first: number;
}>;


export type ConsoleAccessLogQuery = { accessLog: { entries: Array<{ id: string, at: string, actorId: string, actorRole: string, channel: string, operationName: string | null, rootFields: Array<string>, trialIds: Array<string> }> } };

export type ConsoleBiomarkersQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleBiomarkersQuery = { biomarkers: { nodes: Array<{ id: string, name: string, version: number, unit: string | null, valueKind: string, categories: Array<string> | null }> } };

export type ConsoleRecordMeasurementMutationVariables = Exact<{
  input: RecordMeasurementInput;
}>;


export type ConsoleRecordMeasurementMutation = { recordMeasurement: { id: string, createdIds: Array<string>, version: number, globalPosition: string | null, replayed: boolean } };

export type ConsoleCorrectMeasurementMutationVariables = Exact<{
  input: CorrectMeasurementInput;
}>;


export type ConsoleCorrectMeasurementMutation = { correctMeasurement: { id: string, version: number, globalPosition: string | null, replayed: boolean } };

export type ConsoleRetractMeasurementMutationVariables = Exact<{
  input: RetractMeasurementInput;
}>;


export type ConsoleRetractMeasurementMutation = { retractMeasurement: { id: string, version: number, globalPosition: string | null, replayed: boolean } };

export type ConsoleProgrammeQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleProgrammeQuery = { screeningProgramme: { id: string, name: string, cancerType: string, targetPopulation: string, ageMin: number, ageMax: number, intervalMonths: number, rounds: Array<{ id: string, number: number | null, name: string | null, opensOn: string | null, closesOn: string | null, status: string, invited: number, screened: number, recalled: number, screenDetectedCancers: number, intervalCancers: number }> } | null };

export type ConsoleProgrammeKpisQueryVariables = Exact<{
  programmeId: string | number;
}>;


export type ConsoleProgrammeKpisQuery = { screeningKpis: { computedAtPosition: string | null, groups: Array<{ roundType: RoundType, roundId: string | null, roundName: string | null, roundNumber: number | null, siteId: string | null, kpis: Array<{ kpi: KpiName, numerator: number | null, denominator: number | null, estimate: number | null, lower: number | null, upper: number | null, scale: number, acceptable: number | null, desirable: number | null, direction: string | null, flag: KpiFlag, note: string | null }> }> } };

export type ConsoleRoundRecallsQueryVariables = Exact<{
  programmeId: string | number;
  roundId: string | number;
  first: number;
  after?: string | null | undefined;
}>;


export type ConsoleRoundRecallsQuery = { screeningRecalls: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ screeningId: string, subjectId: string, pseudonym: string, siteId: string, screenedAt: string, humanResult: string, aiPositive: boolean | null, recalledAt: string, recallReason: string | null, assessmentOutcome: string | null, stage: string | null }> } };

export type ConsoleRoundIntervalCancersQueryVariables = Exact<{
  programmeId: string | number;
  roundId: string | number;
  first: number;
  after?: string | null | undefined;
}>;


export type ConsoleRoundIntervalCancersQuery = { intervalCancers: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ reportId: string, subjectId: string, pseudonym: string, diagnosedAt: string, source: string, stage: string | null, recordedAt: string }> } };

export type ConsoleProgrammesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleProgrammesQuery = { screeningProgrammes: { nodes: Array<{ id: string, name: string, cancerType: string, intervalMonths: number, rounds: Array<{ id: string, number: number | null, name: string | null, status: string, invited: number, screened: number, recalled: number, screenDetectedCancers: number, intervalCancers: number }> }> } };

export type ConsoleScreeningKpisQueryVariables = Exact<{
  programmeId: string | number;
}>;


export type ConsoleScreeningKpisQuery = { screeningKpis: { programmeName: string, computedAtPosition: string | null, plotUrl: string, groups: Array<{ roundType: RoundType, roundId: string | null, roundName: string | null, siteId: string | null, kpis: Array<{ kpi: KpiName, numerator: number | null, denominator: number | null, estimate: number | null, lower: number | null, upper: number | null, scale: number, acceptable: number | null, desirable: number | null, direction: string | null, flag: KpiFlag, note: string | null }> }> } };

export type ConsoleEnrolSubjectMutationVariables = Exact<{
  input: EnrolSubjectInput;
}>;


export type ConsoleEnrolSubjectMutation = { enrolSubject: { id: string, version: number, globalPosition: string | null, replayed: boolean } };

export type ConsoleRandomiseSubjectMutationVariables = Exact<{
  input: RandomiseSubjectInput;
}>;


export type ConsoleRandomiseSubjectMutation = { randomiseSubject: { id: string, version: number, globalPosition: string | null, replayed: boolean } };

export type ConsoleRegisterImagingStudyMutationVariables = Exact<{
  input: RegisterImagingStudyInput;
}>;


export type ConsoleRegisterImagingStudyMutation = { registerImagingStudy: { id: string, version: number, globalPosition: string | null, replayed: boolean } };

export type ConsoleRecordOutcomeMutationVariables = Exact<{
  input: RecordOutcomeInput;
}>;


export type ConsoleRecordOutcomeMutation = { recordOutcome: { id: string, createdIds: Array<string>, version: number, globalPosition: string | null, replayed: boolean } };

export type ConsoleSubjectTrialQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleSubjectTrialQuery = { trial: { id: string, schedule: Array<{ code: string }>, arms: Array<{ code: string, name: string }> } | null };

export type ConsoleSubjectQueryVariables = Exact<{
  id: string | number;
  asOf?: string | null | undefined;
  consistentWith?: string | null | undefined;
}>;


export type ConsoleSubjectQuery = { subject: { id: string, kind: SubjectKind, trialId: string | null, programmeId: string | null, pseudonym: string, siteId: string | null, armCode: string | null, stratum: string | null, status: string, enrolledAt: string | null, randomisedAt: string | null, withdrawnAt: string | null, withdrawalReason: string | null, version: number, updatedAt: string, timeline: Array<{ kind: TimelineEntryKind, occurredAt: string, recordedAt: string, position: string, milestone: { type: string, detailsJson: string } | null, imagingStudy: { studyInstanceUid: string, modality: string, siteId: string, scannerManufacturer: string | null, scannerModel: string | null } | null, measurement: { id: string, version: number, biomarkerId: string, timePoint: string, value: number | null, unit: string | null, category: string | null, originalValue: number | null, originalUnit: string | null, correctionCount: number, retracted: boolean, changeReason: string | null, method: MeasurementMethod, readerId: string | null, algorithmVersionId: string | null, studyInstanceUid: string, recordedAt: string, versionRecordedAt: string, lesion: { label: string } | null } | null, outcome: { id: string, type: OutcomeType, occurredAt: string, source: string, recistResponse: RecistResponse | null, stage: string | null, correctionCount: number, changeReason: string | null, versionRecordedAt: string } | null }> } | null };

export type ConsolePreviousValuesQueryVariables = Exact<{
  subjectId: string | number;
  asOf: string;
}>;


export type ConsolePreviousValuesQuery = { measurements: { nodes: Array<{ id: string, value: number | null, unit: string | null, category: string | null, retracted: boolean }> } };

export type ConsoleSubjectHistoryQueryVariables = Exact<{
  streamId: string;
}>;


export type ConsoleSubjectHistoryQuery = { history: Array<{ globalPosition: string, revision: number, type: string, actorId: string | null, actorRole: string | null, reason: string | null, recordedAt: string, occurredAt: string | null, hash: string, changes: Array<{ field: string, previous: string | null, new: string | null }> | null }> };

export type ConsoleAlgorithmsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleAlgorithmsQuery = { algorithmVersions: { nodes: Array<{ id: string, manufacturer: string, name: string, version: string }> } };

export type ConsoleSurveillanceQueryVariables = Exact<{
  algorithmVersionId: string | number;
}>;


export type ConsoleSurveillanceQuery = { algorithmSurveillance: { computedAtPosition: string | null, plotUrl: string, total: { readings: number, aiPositive: number, cancers: number }, cusum: Array<{ siteId: string | null, metric: SurveillanceMetric, months: Array<string>, plotUrl: string, alarms: Array<{ alarmId: string, month: string, direction: AlarmDirection }> } | null> }, surveillanceAlarms: Array<{ alarmId: string, metric: SurveillanceMetric, siteId: string | null, month: string, direction: AlarmDirection, statistic: number, raisedAt: string, raisedBy: string | null }> };

export type ConsoleTrialQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleTrialQuery = { trial: { id: string, title: string, phase: string, sponsor: string, primaryEndpoint: string, status: TrialStatus, locked: boolean, lockReason: string | null, lockedAt: string | null, version: number, updatedAt: string, identifiers: Array<{ system: string, value: string }>, schedule: Array<{ code: string, label: string, targetDay: number, windowBeforeDays: number, windowAfterDays: number }>, arms: Array<{ code: string, name: string, type: TrialArmType, plannedSize: number, actualSize: number, withdrawn: number }>, sites: Array<{ id: string, name: string, country: string | null, status: TrialSiteStatus, enrolled: number, withdrawn: number }>, enrolment: { enrolled: number, randomised: number, withdrawn: number } } | null };

export type ConsoleTrialSubjectsQueryVariables = Exact<{
  filter: SubjectFilter;
  first: number;
  after?: string | null | undefined;
  consistentWith?: string | null | undefined;
}>;


export type ConsoleTrialSubjectsQuery = { subjects: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, pseudonym: string, siteId: string | null, armCode: string | null, status: string, enrolledAt: string | null }> } };

export type ConsoleTrialsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: TrialFilter | null | undefined;
}>;


export type ConsoleTrialsQuery = { trials: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, title: string, phase: string, status: TrialStatus, locked: boolean, arms: Array<{ code: string, actualSize: number }>, sites: Array<{ id: string, enrolled: number }>, enrolment: { enrolled: number, randomised: number, withdrawn: number } }> } };

export type ConsoleValidationBiomarkersQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleValidationBiomarkersQuery = { biomarkers: { nodes: Array<{ id: string, name: string }> } };

export type ConsoleValidationStudyQueryVariables = Exact<{
  input: ValidationStudyInput;
}>;


export type ConsoleValidationStudyQuery = { validationStudy: { computedAtPosition: string | null, subjectCount: number, includedCount: number, plotUrl: string, kaplanMeierPlotUrl: string, roc: { auc: number, lower: number, upper: number, nPositive: number, nNegative: number } | null, performance: { threshold: number, sensitivity: { estimate: number, lower: number, upper: number } | null, specificity: { estimate: number, lower: number, upper: number } | null } | null, cox: { n: number, events: number, concordance: number } | null, rows: Array<{ subjectId: string, trialId: string | null, armCode: string | null, siteId: string | null, measurementId: string, value: number }> } };

export type ConsoleRegistryStatusQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleRegistryStatusQuery = { registryStatus: { lastPosition: string | null, eventCount: number } };


export const ConsoleAuditLogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleAuditLog"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AuditLogFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nextCursor"}},{"kind":"Field","name":{"kind":"Name","value":"events"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"globalPosition"}},{"kind":"Field","name":{"kind":"Name","value":"streamId"}},{"kind":"Field","name":{"kind":"Name","value":"revision"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"actorId"}},{"kind":"Field","name":{"kind":"Name","value":"actorRole"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}},{"kind":"Field","name":{"kind":"Name","value":"data"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"auditExport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"format"}}]}}]}}]} as unknown as DocumentNode<ConsoleAuditLogQuery, ConsoleAuditLogQueryVariables>;
export const ConsoleAuditStreamDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleAuditStream"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"streamId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"history"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"streamId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"streamId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revision"}},{"kind":"Field","name":{"kind":"Name","value":"globalPosition"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}},{"kind":"Field","name":{"kind":"Name","value":"type"}}]}}]}}]} as unknown as DocumentNode<ConsoleAuditStreamQuery, ConsoleAuditStreamQueryVariables>;
export const ConsoleVerifyTrailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleVerifyTrail"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"verifyAuditTrail"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ok"}},{"kind":"Field","name":{"kind":"Name","value":"eventsChecked"}},{"kind":"Field","name":{"kind":"Name","value":"streamsChecked"}},{"kind":"Field","name":{"kind":"Name","value":"firstFailure"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"streamId"}},{"kind":"Field","name":{"kind":"Name","value":"revision"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleVerifyTrailQuery, ConsoleVerifyTrailQueryVariables>;
export const ConsoleVerifySealsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleVerifySeals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"verifyAuditSeals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ok"}},{"kind":"Field","name":{"kind":"Name","value":"sealsChecked"}},{"kind":"Field","name":{"kind":"Name","value":"eventsCovered"}},{"kind":"Field","name":{"kind":"Name","value":"anchored"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"location"}}]}},{"kind":"Field","name":{"kind":"Name","value":"firstFailure"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleVerifySealsQuery, ConsoleVerifySealsQueryVariables>;
export const ConsoleAccessLogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleAccessLog"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"entries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"actorId"}},{"kind":"Field","name":{"kind":"Name","value":"actorRole"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"operationName"}},{"kind":"Field","name":{"kind":"Name","value":"rootFields"}},{"kind":"Field","name":{"kind":"Name","value":"trialIds"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleAccessLogQuery, ConsoleAccessLogQueryVariables>;
export const ConsoleBiomarkersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleBiomarkers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"biomarkers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"200"}},{"kind":"Argument","name":{"kind":"Name","value":"includeRetired"},"value":{"kind":"BooleanValue","value":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}},{"kind":"Field","name":{"kind":"Name","value":"valueKind"}},{"kind":"Field","name":{"kind":"Name","value":"categories"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleBiomarkersQuery, ConsoleBiomarkersQueryVariables>;
export const ConsoleRecordMeasurementDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRecordMeasurement"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordMeasurementInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordMeasurement"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"createdIds"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"globalPosition"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]}}]} as unknown as DocumentNode<ConsoleRecordMeasurementMutation, ConsoleRecordMeasurementMutationVariables>;
export const ConsoleCorrectMeasurementDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleCorrectMeasurement"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CorrectMeasurementInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"correctMeasurement"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"globalPosition"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]}}]} as unknown as DocumentNode<ConsoleCorrectMeasurementMutation, ConsoleCorrectMeasurementMutationVariables>;
export const ConsoleRetractMeasurementDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRetractMeasurement"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RetractMeasurementInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retractMeasurement"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"globalPosition"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]}}]} as unknown as DocumentNode<ConsoleRetractMeasurementMutation, ConsoleRetractMeasurementMutationVariables>;
export const ConsoleProgrammeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleProgramme"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"screeningProgramme"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"cancerType"}},{"kind":"Field","name":{"kind":"Name","value":"targetPopulation"}},{"kind":"Field","name":{"kind":"Name","value":"ageMin"}},{"kind":"Field","name":{"kind":"Name","value":"ageMax"}},{"kind":"Field","name":{"kind":"Name","value":"intervalMonths"}},{"kind":"Field","name":{"kind":"Name","value":"rounds"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"opensOn"}},{"kind":"Field","name":{"kind":"Name","value":"closesOn"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"invited"}},{"kind":"Field","name":{"kind":"Name","value":"screened"}},{"kind":"Field","name":{"kind":"Name","value":"recalled"}},{"kind":"Field","name":{"kind":"Name","value":"screenDetectedCancers"}},{"kind":"Field","name":{"kind":"Name","value":"intervalCancers"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleProgrammeQuery, ConsoleProgrammeQueryVariables>;
export const ConsoleProgrammeKpisDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleProgrammeKpis"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"programmeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"screeningKpis"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"programmeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"programmeId"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"computedAtPosition"}},{"kind":"Field","name":{"kind":"Name","value":"groups"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"roundType"}},{"kind":"Field","name":{"kind":"Name","value":"roundId"}},{"kind":"Field","name":{"kind":"Name","value":"roundName"}},{"kind":"Field","name":{"kind":"Name","value":"roundNumber"}},{"kind":"Field","name":{"kind":"Name","value":"siteId"}},{"kind":"Field","name":{"kind":"Name","value":"kpis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kpi"}},{"kind":"Field","name":{"kind":"Name","value":"numerator"}},{"kind":"Field","name":{"kind":"Name","value":"denominator"}},{"kind":"Field","name":{"kind":"Name","value":"estimate"}},{"kind":"Field","name":{"kind":"Name","value":"lower"}},{"kind":"Field","name":{"kind":"Name","value":"upper"}},{"kind":"Field","name":{"kind":"Name","value":"scale"}},{"kind":"Field","name":{"kind":"Name","value":"acceptable"}},{"kind":"Field","name":{"kind":"Name","value":"desirable"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"flag"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleProgrammeKpisQuery, ConsoleProgrammeKpisQueryVariables>;
export const ConsoleRoundRecallsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRoundRecalls"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"programmeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"roundId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"screeningRecalls"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"programmeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"programmeId"}}},{"kind":"Argument","name":{"kind":"Name","value":"roundId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"roundId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"screeningId"}},{"kind":"Field","name":{"kind":"Name","value":"subjectId"}},{"kind":"Field","name":{"kind":"Name","value":"pseudonym"}},{"kind":"Field","name":{"kind":"Name","value":"siteId"}},{"kind":"Field","name":{"kind":"Name","value":"screenedAt"}},{"kind":"Field","name":{"kind":"Name","value":"humanResult"}},{"kind":"Field","name":{"kind":"Name","value":"aiPositive"}},{"kind":"Field","name":{"kind":"Name","value":"recalledAt"}},{"kind":"Field","name":{"kind":"Name","value":"recallReason"}},{"kind":"Field","name":{"kind":"Name","value":"assessmentOutcome"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRoundRecallsQuery, ConsoleRoundRecallsQueryVariables>;
export const ConsoleRoundIntervalCancersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRoundIntervalCancers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"programmeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"roundId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"intervalCancers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"programmeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"programmeId"}}},{"kind":"Argument","name":{"kind":"Name","value":"roundId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"roundId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reportId"}},{"kind":"Field","name":{"kind":"Name","value":"subjectId"}},{"kind":"Field","name":{"kind":"Name","value":"pseudonym"}},{"kind":"Field","name":{"kind":"Name","value":"diagnosedAt"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRoundIntervalCancersQuery, ConsoleRoundIntervalCancersQueryVariables>;
export const ConsoleProgrammesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleProgrammes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"screeningProgrammes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"cancerType"}},{"kind":"Field","name":{"kind":"Name","value":"intervalMonths"}},{"kind":"Field","name":{"kind":"Name","value":"rounds"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"invited"}},{"kind":"Field","name":{"kind":"Name","value":"screened"}},{"kind":"Field","name":{"kind":"Name","value":"recalled"}},{"kind":"Field","name":{"kind":"Name","value":"screenDetectedCancers"}},{"kind":"Field","name":{"kind":"Name","value":"intervalCancers"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleProgrammesQuery, ConsoleProgrammesQueryVariables>;
export const ConsoleScreeningKpisDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleScreeningKpis"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"programmeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"screeningKpis"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"programmeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"programmeId"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"programmeName"}},{"kind":"Field","name":{"kind":"Name","value":"computedAtPosition"}},{"kind":"Field","name":{"kind":"Name","value":"plotUrl"}},{"kind":"Field","name":{"kind":"Name","value":"groups"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"roundType"}},{"kind":"Field","name":{"kind":"Name","value":"roundId"}},{"kind":"Field","name":{"kind":"Name","value":"roundName"}},{"kind":"Field","name":{"kind":"Name","value":"siteId"}},{"kind":"Field","name":{"kind":"Name","value":"kpis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kpi"}},{"kind":"Field","name":{"kind":"Name","value":"numerator"}},{"kind":"Field","name":{"kind":"Name","value":"denominator"}},{"kind":"Field","name":{"kind":"Name","value":"estimate"}},{"kind":"Field","name":{"kind":"Name","value":"lower"}},{"kind":"Field","name":{"kind":"Name","value":"upper"}},{"kind":"Field","name":{"kind":"Name","value":"scale"}},{"kind":"Field","name":{"kind":"Name","value":"acceptable"}},{"kind":"Field","name":{"kind":"Name","value":"desirable"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"flag"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleScreeningKpisQuery, ConsoleScreeningKpisQueryVariables>;
export const ConsoleEnrolSubjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleEnrolSubject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EnrolSubjectInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enrolSubject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"globalPosition"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]}}]} as unknown as DocumentNode<ConsoleEnrolSubjectMutation, ConsoleEnrolSubjectMutationVariables>;
export const ConsoleRandomiseSubjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRandomiseSubject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RandomiseSubjectInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"randomiseSubject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"globalPosition"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]}}]} as unknown as DocumentNode<ConsoleRandomiseSubjectMutation, ConsoleRandomiseSubjectMutationVariables>;
export const ConsoleRegisterImagingStudyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRegisterImagingStudy"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterImagingStudyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerImagingStudy"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"globalPosition"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]}}]} as unknown as DocumentNode<ConsoleRegisterImagingStudyMutation, ConsoleRegisterImagingStudyMutationVariables>;
export const ConsoleRecordOutcomeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRecordOutcome"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordOutcomeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordOutcome"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"createdIds"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"globalPosition"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]}}]} as unknown as DocumentNode<ConsoleRecordOutcomeMutation, ConsoleRecordOutcomeMutationVariables>;
export const ConsoleSubjectTrialDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleSubjectTrial"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trial"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schedule"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"arms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleSubjectTrialQuery, ConsoleSubjectTrialQueryVariables>;
export const ConsoleSubjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleSubject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"consistentWith"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"GlobalPosition"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"subject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"consistentWith"},"value":{"kind":"Variable","name":{"kind":"Name","value":"consistentWith"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"trialId"}},{"kind":"Field","name":{"kind":"Name","value":"programmeId"}},{"kind":"Field","name":{"kind":"Name","value":"pseudonym"}},{"kind":"Field","name":{"kind":"Name","value":"siteId"}},{"kind":"Field","name":{"kind":"Name","value":"armCode"}},{"kind":"Field","name":{"kind":"Name","value":"stratum"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"enrolledAt"}},{"kind":"Field","name":{"kind":"Name","value":"randomisedAt"}},{"kind":"Field","name":{"kind":"Name","value":"withdrawnAt"}},{"kind":"Field","name":{"kind":"Name","value":"withdrawalReason"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"timeline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"milestone"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"detailsJson"}}]}},{"kind":"Field","name":{"kind":"Name","value":"imagingStudy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"studyInstanceUid"}},{"kind":"Field","name":{"kind":"Name","value":"modality"}},{"kind":"Field","name":{"kind":"Name","value":"siteId"}},{"kind":"Field","name":{"kind":"Name","value":"scannerManufacturer"}},{"kind":"Field","name":{"kind":"Name","value":"scannerModel"}}]}},{"kind":"Field","name":{"kind":"Name","value":"measurement"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"biomarkerId"}},{"kind":"Field","name":{"kind":"Name","value":"timePoint"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"originalValue"}},{"kind":"Field","name":{"kind":"Name","value":"originalUnit"}},{"kind":"Field","name":{"kind":"Name","value":"correctionCount"}},{"kind":"Field","name":{"kind":"Name","value":"retracted"}},{"kind":"Field","name":{"kind":"Name","value":"changeReason"}},{"kind":"Field","name":{"kind":"Name","value":"method"}},{"kind":"Field","name":{"kind":"Name","value":"readerId"}},{"kind":"Field","name":{"kind":"Name","value":"algorithmVersionId"}},{"kind":"Field","name":{"kind":"Name","value":"studyInstanceUid"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"versionRecordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lesion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"outcome"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"recistResponse"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"correctionCount"}},{"kind":"Field","name":{"kind":"Name","value":"changeReason"}},{"kind":"Field","name":{"kind":"Name","value":"versionRecordedAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleSubjectQuery, ConsoleSubjectQueryVariables>;
export const ConsolePreviousValuesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsolePreviousValues"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"subjectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"measurements"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"subjectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"subjectId"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"includeRetracted"},"value":{"kind":"BooleanValue","value":true}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1000"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"retracted"}}]}}]}}]}}]} as unknown as DocumentNode<ConsolePreviousValuesQuery, ConsolePreviousValuesQueryVariables>;
export const ConsoleSubjectHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleSubjectHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"streamId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"history"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"streamId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"streamId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"globalPosition"}},{"kind":"Field","name":{"kind":"Name","value":"revision"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"actorId"}},{"kind":"Field","name":{"kind":"Name","value":"actorRole"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}},{"kind":"Field","name":{"kind":"Name","value":"changes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"previous"}},{"kind":"Field","name":{"kind":"Name","value":"new"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleSubjectHistoryQuery, ConsoleSubjectHistoryQueryVariables>;
export const ConsoleAlgorithmsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleAlgorithms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"algorithmVersions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"200"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"manufacturer"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleAlgorithmsQuery, ConsoleAlgorithmsQueryVariables>;
export const ConsoleSurveillanceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleSurveillance"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"algorithmVersionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"algorithmSurveillance"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"algorithmVersionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"algorithmVersionId"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"computedAtPosition"}},{"kind":"Field","name":{"kind":"Name","value":"plotUrl"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"readings"}},{"kind":"Field","name":{"kind":"Name","value":"aiPositive"}},{"kind":"Field","name":{"kind":"Name","value":"cancers"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cusum"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"siteId"}},{"kind":"Field","name":{"kind":"Name","value":"metric"}},{"kind":"Field","name":{"kind":"Name","value":"months"}},{"kind":"Field","name":{"kind":"Name","value":"plotUrl"}},{"kind":"Field","name":{"kind":"Name","value":"alarms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alarmId"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"surveillanceAlarms"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"algorithmVersionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"algorithmVersionId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alarmId"}},{"kind":"Field","name":{"kind":"Name","value":"metric"}},{"kind":"Field","name":{"kind":"Name","value":"siteId"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"statistic"}},{"kind":"Field","name":{"kind":"Name","value":"raisedAt"}},{"kind":"Field","name":{"kind":"Name","value":"raisedBy"}}]}}]}}]} as unknown as DocumentNode<ConsoleSurveillanceQuery, ConsoleSurveillanceQueryVariables>;
export const ConsoleTrialDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleTrial"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trial"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"sponsor"}},{"kind":"Field","name":{"kind":"Name","value":"primaryEndpoint"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"lockReason"}},{"kind":"Field","name":{"kind":"Name","value":"lockedAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"identifiers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"system"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"schedule"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"targetDay"}},{"kind":"Field","name":{"kind":"Name","value":"windowBeforeDays"}},{"kind":"Field","name":{"kind":"Name","value":"windowAfterDays"}}]}},{"kind":"Field","name":{"kind":"Name","value":"arms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"plannedSize"}},{"kind":"Field","name":{"kind":"Name","value":"actualSize"}},{"kind":"Field","name":{"kind":"Name","value":"withdrawn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sites"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"enrolled"}},{"kind":"Field","name":{"kind":"Name","value":"withdrawn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"enrolment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enrolled"}},{"kind":"Field","name":{"kind":"Name","value":"randomised"}},{"kind":"Field","name":{"kind":"Name","value":"withdrawn"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleTrialQuery, ConsoleTrialQueryVariables>;
export const ConsoleTrialSubjectsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleTrialSubjects"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubjectFilter"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"consistentWith"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"GlobalPosition"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"subjects"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"consistentWith"},"value":{"kind":"Variable","name":{"kind":"Name","value":"consistentWith"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"pseudonym"}},{"kind":"Field","name":{"kind":"Name","value":"siteId"}},{"kind":"Field","name":{"kind":"Name","value":"armCode"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"enrolledAt"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleTrialSubjectsQuery, ConsoleTrialSubjectsQueryVariables>;
export const ConsoleTrialsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleTrials"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"TrialFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trials"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"arms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"actualSize"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sites"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enrolled"}}]}},{"kind":"Field","name":{"kind":"Name","value":"enrolment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enrolled"}},{"kind":"Field","name":{"kind":"Name","value":"randomised"}},{"kind":"Field","name":{"kind":"Name","value":"withdrawn"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleTrialsQuery, ConsoleTrialsQueryVariables>;
export const ConsoleValidationBiomarkersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleValidationBiomarkers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"biomarkers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"200"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleValidationBiomarkersQuery, ConsoleValidationBiomarkersQueryVariables>;
export const ConsoleValidationStudyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleValidationStudy"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationStudyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validationStudy"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"computedAtPosition"}},{"kind":"Field","name":{"kind":"Name","value":"subjectCount"}},{"kind":"Field","name":{"kind":"Name","value":"includedCount"}},{"kind":"Field","name":{"kind":"Name","value":"plotUrl"}},{"kind":"Field","name":{"kind":"Name","value":"kaplanMeierPlotUrl"}},{"kind":"Field","name":{"kind":"Name","value":"roc"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auc"}},{"kind":"Field","name":{"kind":"Name","value":"lower"}},{"kind":"Field","name":{"kind":"Name","value":"upper"}},{"kind":"Field","name":{"kind":"Name","value":"nPositive"}},{"kind":"Field","name":{"kind":"Name","value":"nNegative"}}]}},{"kind":"Field","name":{"kind":"Name","value":"performance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"threshold"}},{"kind":"Field","name":{"kind":"Name","value":"sensitivity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"estimate"}},{"kind":"Field","name":{"kind":"Name","value":"lower"}},{"kind":"Field","name":{"kind":"Name","value":"upper"}}]}},{"kind":"Field","name":{"kind":"Name","value":"specificity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"estimate"}},{"kind":"Field","name":{"kind":"Name","value":"lower"}},{"kind":"Field","name":{"kind":"Name","value":"upper"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cox"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"n"}},{"kind":"Field","name":{"kind":"Name","value":"events"}},{"kind":"Field","name":{"kind":"Name","value":"concordance"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"subjectId"}},{"kind":"Field","name":{"kind":"Name","value":"trialId"}},{"kind":"Field","name":{"kind":"Name","value":"armCode"}},{"kind":"Field","name":{"kind":"Name","value":"siteId"}},{"kind":"Field","name":{"kind":"Name","value":"measurementId"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleValidationStudyQuery, ConsoleValidationStudyQueryVariables>;
export const ConsoleRegistryStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRegistryStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registryStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastPosition"}},{"kind":"Field","name":{"kind":"Name","value":"eventCount"}}]}}]}}]} as unknown as DocumentNode<ConsoleRegistryStatusQuery, ConsoleRegistryStatusQueryVariables>;