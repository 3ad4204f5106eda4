export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** ISO-8601 date-time in UTC, e.g. 2026-11-27T10:00:00Z. */
  DateTime: { input: string; output: string; }
  /**
   * A position in the global event log, as a decimal string (64-bit). Every mutation returns the position of
   * what it appended; queries accept it as `consistentWith` to read their own writes.
   */
  GlobalPosition: { input: string; output: string; }
};

export type AcceptMeasurementReadingInput = {
  /** Defaults to the caller. */
  adjudicatorId?: InputMaybe<Scalars['ID']['input']>;
  /** The competing readings it was chosen over. */
  alternativeMeasurementIds: Array<Scalars['ID']['input']>;
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** The accepted reading. */
  measurementId: Scalars['ID']['input'];
  rationale?: InputMaybe<Scalars['String']['input']>;
  subjectId: Scalars['ID']['input'];
};

export type AcceptedReadingPolicy =
  /** Only readings accepted by acceptMeasurementReading; a unit whose readings were never adjudicated has no reading. */
  | 'ACCEPTED'
  /**
   * The accepted reading where readings were adjudicated, else the unit's only reading (of whichever rater: see
   * ReadingProvenance); two readings never adjudicated are AMBIGUOUS_READING. Readings not accepted never count.
   */
  | 'ACCEPTED_OR_ONLY';

export type AccessLogEntry = {
  __typename?: 'AccessLogEntry';
  actorId: Scalars['String']['output'];
  actorRole: Scalars['String']['output'];
  at: Scalars['DateTime']['output'];
  /** graphql, http-export, http-import (POST /import), http-dicomweb (POST /dicomweb/studies) or cli-export. */
  channel: Scalars['String']['output'];
  correlationId?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  operationName?: Maybe<Scalars['String']['output']>;
  operationType: Scalars['String']['output'];
  programmeIds: Array<Scalars['String']['output']>;
  rootFields: Array<Scalars['String']['output']>;
  trialIds: Array<Scalars['String']['output']>;
  /** HMAC-SHA-256 of the canonical JSON of the operation's variables, keyed from the privacy master key: equal requests hash equally, guesses cannot be confirmed without the key. */
  variablesHash: Scalars['String']['output'];
};

export type AccessLogFilter = {
  actorId?: InputMaybe<Scalars['String']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  programmeId?: InputMaybe<Scalars['String']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
  trialId?: InputMaybe<Scalars['String']['input']>;
};

export type AccessLogPage = {
  __typename?: 'AccessLogPage';
  entries: Array<AccessLogEntry>;
  nextCursor?: Maybe<Scalars['String']['output']>;
};

/** What the protocol allows for one modality; a parameter left out is not checked, one set but not recorded on a study is a deviation (NOT_RECORDED). */
export type AcquisitionProtocolRuleInput = {
  contrastPhases?: InputMaybe<Array<ContrastPhase>>;
  fieldStrengthT?: InputMaybe<ParameterRangeInput>;
  kvp?: InputMaybe<ParameterRangeInput>;
  manufacturers?: InputMaybe<Array<Scalars['String']['input']>>;
  modality: ImagingModality;
  /** Checked on the coarser of the two spacings. */
  pixelSpacingMm?: InputMaybe<ParameterRangeInput>;
  reconstructionKernels?: InputMaybe<Array<Scalars['String']['input']>>;
  sliceThicknessMm?: InputMaybe<ParameterRangeInput>;
  tubeCurrentMa?: InputMaybe<ParameterRangeInput>;
};

export type ActivateTrialSiteInput = {
  commandId: Scalars['ID']['input'];
  country?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  name: Scalars['String']['input'];
  siteId: Scalars['ID']['input'];
  trialId: Scalars['ID']['input'];
};

export type AddTrialArmInput = {
  armCode: Scalars['String']['input'];
  armType: TrialArmType;
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  name: Scalars['String']['input'];
  plannedSize: Scalars['Int']['input'];
  trialId: Scalars['ID']['input'];
};

export type AgeRangeInput = {
  max: Scalars['Int']['input'];
  min: Scalars['Int']['input'];
};

export type Agreement = {
  __typename?: 'Agreement';
  /** input.asOf, when given. */
  asOf?: Maybe<Scalars['DateTime']['output']>;
  blandAltman?: Maybe<BlandAltman>;
  /** Global event position the rows were read at: the snapshot's data cut, else the subjects projection's checkpoint. */
  computedAtPosition?: Maybe<Scalars['GlobalPosition']['output']>;
  fetchMs: Scalars['Float']['output'];
  icc?: Maybe<Icc>;
  pairCount: Scalars['Int']['output'];
  pairs: Array<AgreementPair>;
  plotUrl: Scalars['String']['output'];
  /** The snapshot the pairs come from (input.snapshotId); computedAtPosition is then its data cut. */
  snapshotId?: Maybe<Scalars['ID']['output']>;
};

/**
 * Agreement of two raters on the same studies: pairs of side A's and side B's reading of the same biomarker on the
 * same study (and lesion). Each side resolves to at most one reading per study × lesion (else AMBIGUOUS_READING on
 * raterA / raterB); both sides selecting the same measurement is SAME_READING_ON_BOTH_SIDES (field raterB).
 */
export type AgreementInput = {
  /**
   * Pair the measurement versions the registry knew at this time (later corrections and retractions undone). Adjudication
   * is read as it stands now. Not together with snapshotId (SNAPSHOT_CUT_AMBIGUOUS on asOf).
   */
  asOf?: InputMaybe<Scalars['DateTime']['input']>;
  biomarkerId: Scalars['ID']['input'];
  population?: InputMaybe<PopulationInput>;
  raterA: ReadingSelectionInput;
  raterB: ReadingSelectionInput;
  /**
   * Pair the readings of a frozen analysis snapshot (freezeAnalysisSnapshot) instead of the live read model: the same
   * pairs after any later write or correction. The caller must be allowed to read the snapshot (SNAPSHOT_NOT_FOUND, or
   * FORBIDDEN); the population filters apply within it.
   */
  snapshotId?: InputMaybe<Scalars['ID']['input']>;
  /** Optional; when given, as in ValidationStudyInput (unknown: UNKNOWN_TIME_POINT). */
  timePoint?: InputMaybe<Scalars['String']['input']>;
};

export type AgreementPair = {
  __typename?: 'AgreementPair';
  a: Scalars['Float']['output'];
  b: Scalars['Float']['output'];
  lesionTrackingUid?: Maybe<Scalars['String']['output']>;
  readingA: ReadingProvenance;
  readingB: ReadingProvenance;
  studyInstanceUid: Scalars['String']['output'];
  subjectId: Scalars['ID']['output'];
};

export type AiReadingInput = {
  aiPositive: Scalars['Boolean']['input'];
  /** An active version that declared a `scoreRange` at registration (SCORE_RANGE_NOT_DECLARED otherwise). */
  algorithmVersionId: Scalars['ID']['input'];
  /** The algorithm's score: finite and within its version's declared `scoreRange`, bounds included (VALUE_OUT_OF_RANGE otherwise). */
  score: Scalars['Float']['input'];
};

export type AlarmDirection =
  | 'DECREASE'
  | 'INCREASE';

export type AlgorithmSurveillance = {
  __typename?: 'AlgorithmSurveillance';
  algorithmVersionId: Scalars['ID']['output'];
  /** The time the result sees the registry as of (null: now). */
  asOf?: Maybe<Scalars['DateTime']['output']>;
  /** Per site and month. */
  cells: Array<SurveillanceCell>;
  comparison?: Maybe<VersionComparison>;
  /** The data cut: the read model's position, or the snapshot's position when snapshotId was given. */
  computedAtPosition?: Maybe<Scalars['GlobalPosition']['output']>;
  /** CUSUM over all sites first, then per site; a series that cannot be computed is null with an error. */
  cusum: Array<Maybe<CusumSeries>>;
  /** When the input asked for drift; null with its error when it cannot be computed. */
  drift?: Maybe<DriftSurveillance>;
  fetchMs: Scalars['Float']['output'];
  /** All sites, per month. */
  monthly: Array<SurveillanceCell>;
  plotUrl: Scalars['String']['output'];
  /** The snapshot the result was computed on (null: the live read model). */
  snapshotId?: Maybe<Scalars['ID']['output']>;
  total: SurveillanceCell;
};

export type AlgorithmVersion = {
  __typename?: 'AlgorithmVersion';
  biomarkerIds: Array<Scalars['ID']['output']>;
  ceClass?: Maybe<Scalars['String']['output']>;
  clearanceNumber?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  intendedUse: Scalars['String']['output'];
  /** The chain of versions this one descends from, the first registered version first and this one last. */
  lineage: Array<AlgorithmVersion>;
  manufacturer: Scalars['String']['output'];
  name: Scalars['String']['output'];
  predecessorId?: Maybe<Scalars['ID']['output']>;
  registeredAt: Scalars['DateTime']['output'];
  regulatoryStatus: Scalars['String']['output'];
  /** The declared range of its screening score (null: none declared; the version records no AI screening readings). */
  scoreRange?: Maybe<ScoreRange>;
  /** active, suspended or withdrawn */
  status: Scalars['String']['output'];
  statusReason?: Maybe<Scalars['String']['output']>;
  udiDi?: Maybe<Scalars['String']['output']>;
  version: Scalars['String']['output'];
};

export type AlgorithmVersionConnection = {
  __typename?: 'AlgorithmVersionConnection';
  edges: Array<AlgorithmVersionEdge>;
  nodes: Array<AlgorithmVersion>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type AlgorithmVersionEdge = {
  __typename?: 'AlgorithmVersionEdge';
  cursor: Scalars['String']['output'];
  node: AlgorithmVersion;
};

export type AlgorithmVersionFilter = {
  /** Versions that produce this biomarker. */
  biomarkerId?: InputMaybe<Scalars['ID']['input']>;
  manufacturer?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  /** active, suspended or withdrawn */
  status?: InputMaybe<Scalars['String']['input']>;
};

export type AnalysisSnapshot = {
  __typename?: 'AnalysisSnapshot';
  asOf?: Maybe<Scalars['DateTime']['output']>;
  /** Hex SHA-256 over the canonical serialisation of every row (see `hashAlgorithm`). */
  contentHash: Scalars['String']['output'];
  /**
   * Erasures (SubjectErased) after the cut of subjects in the snapshot, as recorded on the snapshot. Personal fields (year of birth, sex)
   * are never in the rows or the content hash: exports open them from the sealed envelopes in the log at the cut, so
   * after an erasure every export of the snapshot shows none for that subject (the crypto-shredding holds), while the
   * rows, the hash and verifyAnalysisSnapshot are unchanged.
   */
  erasuresSince: Array<SnapshotErasure>;
  /**
   * Where to download the snapshot in each export format (`GET /exports/snapshots/<id>.<ext>`, bearer token, the
   * same roles and scopes; logged in the access log). Built from the kept rows only: the same snapshot gives the same
   * bytes every time.
   */
  exports: Array<SnapshotExport>;
  frozenAt: Scalars['DateTime']['output'];
  frozenBy: Scalars['String']['output'];
  /** The serialisation the hash is over: one line `table TAB key TAB canonical-JSON row` per row, tables and keys in order. */
  hashAlgorithm: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** The data cut: the global position of the last event the snapshot includes. */
  position: Scalars['GlobalPosition']['output'];
  programmeId?: Maybe<Scalars['ID']['output']>;
  purpose: Scalars['String']['output'];
  /** The read models (projections) and their versions the rows come from. */
  readModels: Array<SnapshotReadModel>;
  reason: Scalars['String']['output'];
  /**
   * The snapshot's rows of one table, as frozen (canonical JSON text, primary-key order), cursor-paginated. Served
   * from the rows kept at freezing; identical after any later correction.
   */
  rows: SnapshotRowConnection;
  tables: Array<SnapshotTable>;
  trialId?: Maybe<Scalars['ID']['output']>;
};


export type AnalysisSnapshotRowsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  table: Scalars['String']['input'];
};

/** A frozen analysis snapshot; the signature binds to its manifest (content hash included). */
export type AnalysisSnapshotSignatureTargetInput = {
  snapshotId: Scalars['ID']['input'];
};

export type AnchoredSeal = {
  __typename?: 'AnchoredSeal';
  /** Events up to and including this seal's range. */
  eventsCovered: Scalars['Int']['output'];
  /** Where it is kept (the seal journal's path). */
  location: Scalars['String']['output'];
  sequence: Scalars['Int']['output'];
  upToPosition: Scalars['GlobalPosition']['output'];
};

export type AnswerDataQueryInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  queryId: Scalars['ID']['input'];
  /** Why the data are right as they are (a correction of the data resolves the query by itself instead). */
  reason: Scalars['String']['input'];
};

export type ArmSiteCount = {
  __typename?: 'ArmSiteCount';
  armCode?: Maybe<Scalars['String']['output']>;
  siteId: Scalars['String']['output'];
  subjects: Scalars['Int']['output'];
  withdrawn: Scalars['Int']['output'];
};

export type AssessmentOutcome =
  | 'BENIGN'
  | 'CANCER';

export type AuditEvent = {
  __typename?: 'AuditEvent';
  actorId?: Maybe<Scalars['String']['output']>;
  actorRole?: Maybe<Scalars['String']['output']>;
  causationId?: Maybe<Scalars['String']['output']>;
  /** For corrections: each changed field with its value before and after (JSON). */
  changes?: Maybe<Array<FieldChange>>;
  commandId?: Maybe<Scalars['String']['output']>;
  correlationId?: Maybe<Scalars['String']['output']>;
  /** The event's data as canonical JSON. */
  data: Scalars['String']['output'];
  eventId: Scalars['ID']['output'];
  globalPosition: Scalars['GlobalPosition']['output'];
  /** SHA-256 chained to the previous event of the stream. */
  hash: Scalars['String']['output'];
  /** When the fact happened (scan date, outcome date), as the event states it; null for non-clinical events. */
  occurredAt?: Maybe<Scalars['String']['output']>;
  reason?: Maybe<Scalars['String']['output']>;
  /** When the registry stored it (server clock, UTC). */
  recordedAt: Scalars['DateTime']['output'];
  revision: Scalars['Int']['output'];
  streamId: Scalars['String']['output'];
  type: Scalars['String']['output'];
};

export type AuditExportLink = {
  __typename?: 'AuditExportLink';
  format: Scalars['String']['output'];
  /** Path of the NDJSON download on this server, e.g. /audit/export?trialId=… */
  url: Scalars['String']['output'];
};

export type AuditLogFilter = {
  actorId?: InputMaybe<Scalars['String']['input']>;
  actorRole?: InputMaybe<Scalars['String']['input']>;
  eventTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Recorded at or after (inclusive). */
  from?: InputMaybe<Scalars['DateTime']['input']>;
  /** As `trialId`, for a screening programme: its own stream, its participants, their studies, linkages naming it. */
  programmeId?: InputMaybe<Scalars['String']['input']>;
  streamId?: InputMaybe<Scalars['String']['input']>;
  /** Recorded before (exclusive). */
  to?: InputMaybe<Scalars['DateTime']['input']>;
  /**
   * Every event, of any type, of every stream that belongs to the trial: its own stream, its subjects, their imaging
   * studies, its identifier reservations, pseudonym linkages naming it (services/registry-api/src/audit/README.md).
   * Complete up to the position the audit-membership projection has reached (its checkpoint in `registryStatus`).
   * An empty id is refused (BAD_USER_INPUT), not read as "all".
   */
  trialId?: InputMaybe<Scalars['String']['input']>;
};

export type AuditLogPage = {
  __typename?: 'AuditLogPage';
  events: Array<AuditEvent>;
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor?: Maybe<Scalars['String']['output']>;
};

export type AuditSeal = {
  __typename?: 'AuditSeal';
  /** SHA-256 over the previous seal's chain value, this root and position: commits to every event up to here. */
  chain: Scalars['String']['output'];
  /** Events covered by this seal (since the previous seal). */
  eventCount: Scalars['Int']['output'];
  /** Id of the Ed25519 key that signed the seal (RFC 7638 thumbprint); null for seals made before seals were signed. */
  keyId?: Maybe<Scalars['String']['output']>;
  /** RFC 6962 Merkle tree root over the covered events. */
  merkleRoot: Scalars['String']['output'];
  sealedAt: Scalars['DateTime']['output'];
  sequence: Scalars['Int']['output'];
  /** Ed25519 signature (base64url) over the seal's fields and key id (services/registry-api/src/audit/README.md). */
  signature?: Maybe<Scalars['String']['output']>;
  /** Global position of the last event the seal covers. */
  upToPosition: Scalars['GlobalPosition']['output'];
};

/** Why an item of a batch was not recorded. */
export type BatchItemError = {
  __typename?: 'BatchItemError';
  /**
   * Stable SCREAMING_SNAKE code: the item's own refusal (the same codes as the single mutation), or
   * BATCH_SUBJECT_REJECTED when another item of the same subject was refused (the item itself was fine: send it again
   * without the refused one), or BUSY (the subject was busy with concurrent writers; send the same batch again).
   */
  code: Scalars['String']['output'];
  /** The offending input, as a path from the mutation's input: `items.<index>.<field>`. */
  field?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
};

/** The outcome of one item of a batch: exactly one of `receipt` and `error` is set. */
export type BatchItemResult = {
  __typename?: 'BatchItemResult';
  error?: Maybe<BatchItemError>;
  /** 0-based position of the item in the input. */
  index: Scalars['Int']['output'];
  /**
   * Set when the item was recorded. `version` is the subject's version after this item; `globalPosition` is that of
   * the subject's last event in the batch (read your writes with it: it covers this item).
   */
  receipt?: Maybe<CommandReceipt>;
};

/** What a batch command (e.g. recordMeasurements) returns: one result per item, in the order sent. */
export type BatchReceipt = {
  __typename?: 'BatchReceipt';
  /** Items recorded now or, on a repeated batch, before (`replayed`). */
  accepted: Scalars['Int']['output'];
  /** The batch's commandId. */
  commandId: Scalars['ID']['output'];
  items: Array<BatchItemResult>;
  /** Items not recorded (each with its error). */
  rejected: Scalars['Int']['output'];
};

export type Biomarker = {
  __typename?: 'Biomarker';
  bodySite?: Maybe<Scalars['String']['output']>;
  categories?: Maybe<Array<Scalars['String']['output']>>;
  code: Scalars['String']['output'];
  /** Coded concepts of the current version (DICOM SR / FHIR codes that map to this biomarker). */
  codedConcepts: Array<CodedConcept>;
  definedAt: Scalars['DateTime']['output'];
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  modality: Scalars['String']['output'];
  name: Scalars['String']['output'];
  plausibleMax?: Maybe<Scalars['Float']['output']>;
  plausibleMin?: Maybe<Scalars['Float']['output']>;
  repeatabilityWcv?: Maybe<Scalars['Float']['output']>;
  retiredReason?: Maybe<Scalars['String']['output']>;
  /** active or retired */
  status: Scalars['String']['output'];
  /** Canonical UCUM unit of quantitative biomarkers. */
  unit?: Maybe<Scalars['String']['output']>;
  /** quantitative or categorical */
  valueKind: Scalars['String']['output'];
  /** Current definition version. */
  version: Scalars['Int']['output'];
  /** Every definition version, oldest first. */
  versions: Array<BiomarkerDefinitionVersion>;
};

export type BiomarkerConnection = {
  __typename?: 'BiomarkerConnection';
  edges: Array<BiomarkerEdge>;
  nodes: Array<Biomarker>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type BiomarkerDefinitionVersion = {
  __typename?: 'BiomarkerDefinitionVersion';
  name: Scalars['String']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  recordedAt: Scalars['DateTime']['output'];
  unit?: Maybe<Scalars['String']['output']>;
  version: Scalars['Int']['output'];
};

export type BiomarkerEdge = {
  __typename?: 'BiomarkerEdge';
  cursor: Scalars['String']['output'];
  node: Biomarker;
};

export type BiomarkerValueKind =
  | 'CATEGORICAL'
  | 'QUANTITATIVE';

/**
 * How values of the biomarker are expressed. QUANTITATIVE needs `unit` (a case-sensitive UCUM code: mm, cm2, mm3,
 * [hnsf'U], {SUVbw}g/mL, 1) and `plausibleRange` (min < max, in that unit); CATEGORICAL needs `categories` (2–100, unique).
 */
export type BiomarkerValueTypeInput = {
  categories?: InputMaybe<Array<Scalars['String']['input']>>;
  kind: BiomarkerValueKind;
  plausibleRange?: InputMaybe<PlausibleRangeInput>;
  unit?: InputMaybe<Scalars['String']['input']>;
};

export type BlandAltman = {
  __typename?: 'BlandAltman';
  /** Mean of A − B. */
  bias: Scalars['Float']['output'];
  biasCi: Interval;
  /** Limits of agreement, bias ± 1.96 SD, each with a 95 % CI. */
  lower: Scalars['Float']['output'];
  lowerCi: Interval;
  n: Scalars['Int']['output'];
  sd: Scalars['Float']['output'];
  upper: Scalars['Float']['output'];
  upperCi: Interval;
};

export type BootstrapInterval = {
  __typename?: 'BootstrapInterval';
  /** Resamples whose fit failed (left out). */
  failed: Scalars['Int']['output'];
  /** 95 % percentile limits. */
  lower: Scalars['Float']['output'];
  /** Monte Carlo SE of each limit: se·√(q(1−q)/B)/φ(z_q). Another seed moves a limit by about this much. */
  monteCarloError: Scalars['Float']['output'];
  replicates: Scalars['Int']['output'];
  /** SD over the resamples. */
  se: Scalars['Float']['output'];
  seed: Scalars['Int']['output'];
  upper: Scalars['Float']['output'];
};

export type CancerType =
  | 'BREAST'
  | 'CERVICAL'
  | 'COLORECTAL'
  | 'LUNG'
  | 'OTHER'
  | 'PROSTATE';

/** MDR device class. */
export type CeClass =
  | 'I'
  | 'IIA'
  | 'IIB'
  | 'III';

/** Replaces the rule's name and parameters (version + 1); its queries are re-evaluated: those whose finding is gone resolve. */
export type ChangeDataQualityRuleInput = {
  biomarkerId?: InputMaybe<Scalars['ID']['input']>;
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  expression?: InputMaybe<Scalars['String']['input']>;
  kind: DataQualityRuleKind;
  max?: InputMaybe<Scalars['Float']['input']>;
  maxDaysWithoutFollowUp?: InputMaybe<Scalars['Int']['input']>;
  maxRelativeDifference?: InputMaybe<Scalars['Float']['input']>;
  min?: InputMaybe<Scalars['Float']['input']>;
  name: Scalars['String']['input'];
  reason: Scalars['String']['input'];
  ruleId: Scalars['ID']['input'];
  timePoints?: InputMaybe<Array<Scalars['String']['input']>>;
  toleranceDays?: InputMaybe<Scalars['Int']['input']>;
};

export type ChiSquareTest = {
  __typename?: 'ChiSquareTest';
  chisq: Scalars['Float']['output'];
  df: Scalars['Int']['output'];
  p: Scalars['Float']['output'];
};

export type ClinicalCovariate =
  /** Years from the (sealed) year of birth to the index scan, mid-year birth assumed. */
  | 'AGE'
  /** 1 = male, 0 = female; other or unknown is missing. */
  | 'SEX'
  /** Ordinal stage group of the latest staged outcome at or before the index scan: 0/IS = 0, I = 1 … IV = 4; UNKNOWN is missing. */
  | 'STAGE';

export type CloseDataQueryInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  queryId: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};

export type CloseEnrolmentInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  reason?: InputMaybe<Scalars['String']['input']>;
  trialId: Scalars['ID']['input'];
};

export type CloseScreeningRoundInput = {
  /** YYYY-MM-DD, not before the round opened. */
  closesOn: Scalars['String']['input'];
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  programmeId: Scalars['ID']['input'];
  roundId: Scalars['ID']['input'];
};

export type CloseTrialSiteInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  reason?: InputMaybe<Scalars['String']['input']>;
  siteId: Scalars['ID']['input'];
  trialId: Scalars['ID']['input'];
};

/** A coded concept: DICOM Coding Scheme Designator (or FHIR system URI), code value and code meaning. */
export type CodedConcept = {
  __typename?: 'CodedConcept';
  meaning: Scalars['String']['output'];
  scheme: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

/**
 * A concept of a standard vocabulary the biomarker is known by, as DICOM SR and FHIR code their measurements:
 * `scheme` is the DICOM Coding Scheme Designator (DCM, SCT, LN, RADLEX, …; a FHIR system URI when it has none),
 * `value` the code, `meaning` its display text. Scheme and value are case-sensitive; one (scheme, value) names at most
 * one biomarker (a second one is refused with CODED_CONCEPT_IN_USE). Imports (`POST /dicomweb/studies`, `POST /import`
 * with `biomarker_scheme`) map a measurement to the biomarker carrying its concept code.
 */
export type CodedConceptInput = {
  meaning: Scalars['String']['input'];
  scheme: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

/** What every command returns. */
export type CommandReceipt = {
  __typename?: 'CommandReceipt';
  /** Further ids the command created, e.g. the measurement id of a recorded measurement. */
  createdIds: Array<Scalars['ID']['output']>;
  /** Types of the events the command appended. */
  events: Array<Scalars['String']['output']>;
  /** Global position of the command's last event: pass it as consistentWith to read your own write. */
  globalPosition?: Maybe<Scalars['GlobalPosition']['output']>;
  /** Id of the record the command created or changed (trial id, subject id, measurement id, …). */
  id: Scalars['ID']['output'];
  /** True when this commandId had been handled before (same content): nothing was appended this time. Exactly one of several concurrent sends of a command says false. */
  replayed: Scalars['Boolean']['output'];
  streamId: Scalars['String']['output'];
  /** Stream version after the command: pass it as expectedVersion to guard your next change. */
  version: Scalars['Int']['output'];
};

export type CompleteCases = {
  __typename?: 'CompleteCases';
  /** Of those, subjects with every covariate: the n of the models. */
  complete: Scalars['Int']['output'];
  /** Subjects evaluable for the endpoint. */
  eligible: Scalars['Int']['output'];
  excluded: Scalars['Int']['output'];
  /** Evaluable subjects lacking each covariate (one lacking two counts under both). */
  missingByCovariate: Array<CovariateMissing>;
};

/** Subjects with a current value of the biomarker at the visit, of the subjects of the trial or programme. */
export type CompletenessCell = {
  __typename?: 'CompletenessCell';
  biomarkerId: Scalars['ID']['output'];
  ratio?: Maybe<Scalars['Float']['output']>;
  subjectsExpected: Scalars['Int']['output'];
  subjectsWithValue: Scalars['Int']['output'];
  timePoint: Scalars['String']['output'];
};

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

/** Replaces a study's acquisition record as a whole (what the source says now); a protocol deviation is judged again. */
export type CorrectAcquisitionParametersInput = {
  commandId: Scalars['ID']['input'];
  contrast?: InputMaybe<ContrastAgent>;
  contrastPhase?: InputMaybe<ContrastPhase>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  fieldStrengthT?: InputMaybe<Scalars['Float']['input']>;
  kvp?: InputMaybe<Scalars['Float']['input']>;
  pixelSpacingMm?: InputMaybe<Array<Scalars['Float']['input']>>;
  protocolName?: InputMaybe<Scalars['String']['input']>;
  reason: Scalars['String']['input'];
  reconstructionKernel?: InputMaybe<Scalars['String']['input']>;
  scanner: ScannerInput;
  series?: InputMaybe<Array<ImagingSeriesInput>>;
  sliceThicknessMm?: InputMaybe<Scalars['Float']['input']>;
  studyInstanceUid: Scalars['String']['input'];
  tubeCurrentMa?: InputMaybe<Scalars['Float']['input']>;
};

export type CorrectMeasurementInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  measurementId: Scalars['ID']['input'];
  plausibilityOverrideReason?: InputMaybe<Scalars['String']['input']>;
  reason: Scalars['String']['input'];
  subjectId: Scalars['ID']['input'];
  value: MeasurementValueInput;
};

/** Fields left out keep their value; the outcome type cannot change. */
export type CorrectOutcomeInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  occurredAt?: InputMaybe<Scalars['String']['input']>;
  outcomeId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
  recistResponse?: InputMaybe<RecistResponse>;
  source?: InputMaybe<OutcomeSource>;
  stage?: InputMaybe<Scalars['String']['input']>;
  subjectId: Scalars['ID']['input'];
};

export type CovariateDescription = {
  __typename?: 'CovariateDescription';
  /** How the values are coded. */
  coding: Scalars['String']['output'];
  name: Scalars['String']['output'];
};

/**
 * One covariate: exactly one of `clinical` and `biomarkerId` (else BAD_USER_INPUT on the covariate). A biomarker covariate
 * is that biomarker's measurement of each subject at `timePoint` (default: the index time point) by the rater `reading`
 * (default: the index test's), with the same ambiguity rule (AMBIGUOUS_READING on `multivariable.covariates[i].reading`).
 */
export type CovariateInput = {
  biomarkerId?: InputMaybe<Scalars['ID']['input']>;
  biomarkerVersion?: InputMaybe<Scalars['Int']['input']>;
  clinical?: InputMaybe<ClinicalCovariate>;
  /** Term name in the models; default age / sex / stage or the biomarker id. Unique, and not "biomarker" (the index term). */
  name?: InputMaybe<Scalars['String']['input']>;
  reading?: InputMaybe<ReadingSelectionInput>;
  timePoint?: InputMaybe<Scalars['String']['input']>;
};

export type CovariateMissing = {
  __typename?: 'CovariateMissing';
  count: Scalars['Int']['output'];
  covariate: Scalars['String']['output'];
};

export type CoxBiomarker = {
  __typename?: 'CoxBiomarker';
  /** Harrell's C of the biomarker (direction from higherIsPositive). */
  concordance: Scalars['Float']['output'];
  events: Scalars['Int']['output'];
  n: Scalars['Int']['output'];
  perSd: HazardRatio;
  perUnit: HazardRatio;
  /** SD of the biomarker, the unit of perSd. */
  sd: Scalars['Float']['output'];
};

export type CusumInput = {
  baselineMonths?: InputMaybe<Scalars['Int']['input']>;
  /** In-control rate; default: the rate over the first baselineMonths months. */
  expectedRate?: InputMaybe<Scalars['Float']['input']>;
  /** Decision interval in SDs (default 4). */
  h?: InputMaybe<Scalars['Float']['input']>;
  /** Reference value in SDs (default 0.5). */
  k?: InputMaybe<Scalars['Float']['input']>;
  metric?: InputMaybe<SurveillanceMetric>;
};

export type CusumSeries = {
  __typename?: 'CusumSeries';
  alarms: Array<SurveillanceAlarm>;
  expectedRate: Scalars['Float']['output'];
  h: Scalars['Float']['output'];
  k: Scalars['Float']['output'];
  lower: Array<Scalars['Float']['output']>;
  metric: SurveillanceMetric;
  months: Array<Scalars['String']['output']>;
  observedRates: Array<Scalars['Float']['output']>;
  plotUrl: Scalars['String']['output'];
  siteId?: Maybe<Scalars['ID']['output']>;
  upper: Array<Scalars['Float']['output']>;
};

/** EHDS completeness: per biomarker measured in the dataset and per scheduled visit (a programme: per time point measured). */
export type DataQualityCompleteness = {
  __typename?: 'DataQualityCompleteness';
  cells: Array<CompletenessCell>;
  overall?: Maybe<Scalars['Float']['output']>;
};

/** EHDS consistency: a subject's biomarker measured with more than one method or algorithm version; studies outside the acquisition protocol. */
export type DataQualityConsistency = {
  __typename?: 'DataQualityConsistency';
  methodConsistencyQueries: Scalars['Int']['output'];
  /** Parameter deviations of those studies (a study off in kVp and kernel counts two). */
  protocolDeviations: Scalars['Int']['output'];
  /** Studies whose protocol deviation still holds (not resolved by a correction). */
  studiesWithProtocolDeviation: Scalars['Int']['output'];
  subjectBiomarkersWithMethodChange: Scalars['Int']['output'];
};

/** The technical-quality dimensions of the EHDS data quality and utility label, for one trial or programme. */
export type DataQualityReport = {
  __typename?: 'DataQualityReport';
  completeness: DataQualityCompleteness;
  consistency: DataQualityConsistency;
  /** The label as JSON-LD: a dcat:Dataset with one dqv:QualityMeasurement per dimension. */
  label: Scalars['String']['output'];
  programmeId?: Maybe<Scalars['ID']['output']>;
  queriesBySite: Array<DataQuerySiteCount>;
  subjects: Scalars['Int']['output'];
  timeliness: DataQualityTimeliness;
  trialId?: Maybe<Scalars['ID']['output']>;
  uniqueness: DataQualityUniqueness;
  validity: DataQualityValidity;
};

export type DataQualityRule = {
  __typename?: 'DataQualityRule';
  definedAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  kind: DataQualityRuleKind;
  name: Scalars['String']['output'];
  /** The stored parameters as JSON text (what the kind reads, after checking). */
  params: Scalars['String']['output'];
  programmeId?: Maybe<Scalars['ID']['output']>;
  retired: Scalars['Boolean']['output'];
  trialId?: Maybe<Scalars['ID']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type DataQualityRuleKind =
  /** More than one imaging study of one modality for a subject on the same day. */
  | 'DUPLICATE_SCAN'
  /** A json-logic expression (json-logic-js) over each measurement: a finding where it is not truthy. Variables: value, unit, category, biomarkerId, timePoint, occurredAt, studyDay, method, algorithmVersionId, readerId, studyInstanceUid, trackingUid, subject.siteId, subject.enrolledAt. */
  | 'EXPRESSION'
  /** The same biomarker measured with different methods or algorithm versions across a subject's time points. */
  | 'METHOD_CONSISTENCY'
  /** An active subject whose latest data is more than maxDaysWithoutFollowUp days older than the trial's or programme's latest data. */
  | 'MISSING_FOLLOW_UP'
  /** An outcome dated before the subject's enrolment. */
  | 'OUTCOME_BEFORE_ENROLMENT'
  /** Range and plausibility stricter than the catalogue's: min and/or max on the canonical value of biomarkerId. */
  | 'RANGE'
  /** Readings of one biomarker, visit and lesion by different readers differing by more than maxRelativeDifference (range / mean). */
  | 'READER_DISAGREEMENT'
  /** Required measurement per scheduled visit: a visit (timePoints, or every scheduled one) with data but without biomarkerId. */
  | 'REQUIRED_MEASUREMENT'
  /** A scan outside its visit's window (schedule target day ± window, plus toleranceDays; day 1 = randomisation, else enrolment). */
  | 'VISIT_WINDOW';

/** EHDS timeliness: days from the scan (acquisition) to its record in the registry, over current measurements. */
export type DataQualityTimeliness = {
  __typename?: 'DataQualityTimeliness';
  maxDaysScanToRecord?: Maybe<Scalars['Float']['output']>;
  meanDaysScanToRecord?: Maybe<Scalars['Float']['output']>;
  measurements: Scalars['Int']['output'];
  medianDaysScanToRecord?: Maybe<Scalars['Float']['output']>;
};

/** EHDS uniqueness: groups of same-day, same-modality imaging studies of one subject. */
export type DataQualityUniqueness = {
  __typename?: 'DataQualityUniqueness';
  duplicateStudyGroups: Scalars['Int']['output'];
  studies: Scalars['Int']['output'];
};

/** EHDS validity: current measurements passing the rules (no open or answered data query on them). */
export type DataQualityValidity = {
  __typename?: 'DataQualityValidity';
  measurements: Scalars['Int']['output'];
  ratio?: Maybe<Scalars['Float']['output']>;
  withOpenQuery: Scalars['Int']['output'];
};

export type DataQuery = {
  __typename?: 'DataQuery';
  /** The site's latest answer. */
  answer?: Maybe<Scalars['String']['output']>;
  closedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The input field the finding is about (value, occurredAt, algorithmVersionId, …). */
  field: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** Reason of the latest resolution, close or reopen. */
  lastReason?: Maybe<Scalars['String']['output']>;
  measurementId?: Maybe<Scalars['ID']['output']>;
  message: Scalars['String']['output'];
  openedAt: Scalars['DateTime']['output'];
  programmeId?: Maybe<Scalars['ID']['output']>;
  ruleId: Scalars['ID']['output'];
  ruleKind: DataQualityRuleKind;
  ruleVersion: Scalars['Int']['output'];
  siteId?: Maybe<Scalars['ID']['output']>;
  status: DataQueryStatus;
  subjectId: Scalars['ID']['output'];
  trialId?: Maybe<Scalars['ID']['output']>;
  updatedAt: Scalars['DateTime']['output'];
};

export type DataQueryConnection = {
  __typename?: 'DataQueryConnection';
  edges: Array<DataQueryEdge>;
  nodes: Array<DataQuery>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type DataQueryEdge = {
  __typename?: 'DataQueryEdge';
  cursor: Scalars['String']['output'];
  node: DataQuery;
};

/** Exactly one of trialId and programmeId; the other criteria narrow the list. */
export type DataQueryFilter = {
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  ruleId?: InputMaybe<Scalars['ID']['input']>;
  siteId?: InputMaybe<Scalars['ID']['input']>;
  status?: InputMaybe<Array<DataQueryStatus>>;
  subjectId?: InputMaybe<Scalars['ID']['input']>;
  trialId?: InputMaybe<Scalars['ID']['input']>;
};

/** Data queries of one site (null: subjects without a site) by status. */
export type DataQuerySiteCount = {
  __typename?: 'DataQuerySiteCount';
  answered: Scalars['Int']['output'];
  closed: Scalars['Int']['output'];
  open: Scalars['Int']['output'];
  resolved: Scalars['Int']['output'];
  siteId?: Maybe<Scalars['ID']['output']>;
};

export type DataQueryStatus =
  | 'ANSWERED'
  | 'CLOSED'
  | 'OPEN'
  | 'RESOLVED';

/**
 * Declares the acquisition protocol of one trial or programme (exactly one id), or replaces it: then `reason` is required.
 * Studies of the trial's or programme's subjects registered (or corrected) later are checked against it; a study outside is
 * flagged as a protocol deviation (ProtocolDeviationFlagged), not refused.
 */
export type DeclareAcquisitionProtocolInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  name: Scalars['String']['input'];
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  reason?: InputMaybe<Scalars['String']['input']>;
  /** One rule per modality, 1 to 20. */
  rules: Array<AcquisitionProtocolRuleInput>;
  trialId?: InputMaybe<Scalars['ID']['input']>;
};

export type DefineBiomarkerInput = {
  /** Optional; derived from commandId when omitted (the receipt's `id`). */
  biomarkerId?: InputMaybe<Scalars['ID']['input']>;
  /** Body site, e.g. an SNOMED CT term ("L3 vertebral level"). */
  bodySite?: InputMaybe<Scalars['String']['input']>;
  /** Stable short code, unique across the catalogue: upper case letters, digits and _ (e.g. SMA_L3, LESION_LD). */
  code: Scalars['String']['input'];
  /** Coded concepts (at most 20, each scheme + value once), e.g. { scheme: "SCT", value: "103339001", meaning: "Long axis" }. */
  codedConcepts?: InputMaybe<Array<CodedConceptInput>>;
  commandId: Scalars['ID']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  modality: ImagingModality;
  name: Scalars['String']['input'];
  /** Within-subject coefficient of variation as a fraction (0.05 = 5 %), where known from test–retest data. */
  repeatabilityWcv?: InputMaybe<Scalars['Float']['input']>;
  valueType: BiomarkerValueTypeInput;
};

/** A rule's parameters: each kind reads the ones its description names; the others are ignored (and not stored). */
export type DefineDataQualityRuleInput = {
  biomarkerId?: InputMaybe<Scalars['ID']['input']>;
  commandId: Scalars['ID']['input'];
  /** json-logic as JSON text, e.g. {"<": [{"var": "value"}, 40]}. */
  expression?: InputMaybe<Scalars['String']['input']>;
  kind: DataQualityRuleKind;
  max?: InputMaybe<Scalars['Float']['input']>;
  maxDaysWithoutFollowUp?: InputMaybe<Scalars['Int']['input']>;
  maxRelativeDifference?: InputMaybe<Scalars['Float']['input']>;
  min?: InputMaybe<Scalars['Float']['input']>;
  name: Scalars['String']['input'];
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  /** Defaults to an id derived from the commandId. */
  ruleId?: InputMaybe<Scalars['ID']['input']>;
  timePoints?: InputMaybe<Array<Scalars['String']['input']>>;
  toleranceDays?: InputMaybe<Scalars['Int']['input']>;
  /** Exactly one of trialId and programmeId. */
  trialId?: InputMaybe<Scalars['ID']['input']>;
};

export type DefineScreeningProgrammeInput = {
  ageRange: AgeRangeInput;
  cancerType: CancerType;
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  intervalMonths: Scalars['Int']['input'];
  kpiTargets: Array<KpiTargetInput>;
  name: Scalars['String']['input'];
  /** Optional; derived from commandId when omitted (the receipt's `id`). A confined manager must pass an id it is granted. */
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  targetPopulation: Scalars['String']['input'];
};

export type DefineVisitScheduleInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Required when replacing a schedule. */
  reason?: InputMaybe<Scalars['String']['input']>;
  timePoints: Array<TimePointInput>;
  trialId: Scalars['ID']['input'];
};

export type DerivePseudonymInput = {
  /** The person's identifier at the site or in the programme (e.g. a hospital number). Never stored. */
  localIdentifier: Scalars['String']['input'];
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  trialId?: InputMaybe<Scalars['ID']['input']>;
};

export type DerivedPseudonym = {
  __typename?: 'DerivedPseudonym';
  /** P1-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX: pass it as `pseudonym` to enrolSubject or inviteParticipant. */
  pseudonym: Scalars['String']['output'];
  /** trial:<id> or programme:<id> */
  scope: Scalars['String']['output'];
};

export type DiagnosticPerformance = {
  __typename?: 'DiagnosticPerformance';
  falseNegative: Scalars['Int']['output'];
  falsePositive: Scalars['Int']['output'];
  npv?: Maybe<Proportion>;
  ppv?: Maybe<Proportion>;
  sensitivity?: Maybe<Proportion>;
  specificity?: Maybe<Proportion>;
  threshold: Scalars['Float']['output'];
  thresholdSource: ThresholdSource;
  trueNegative: Scalars['Int']['output'];
  truePositive: Scalars['Int']['output'];
  youden?: Maybe<Scalars['Float']['output']>;
};

/**
 * An out-of-control signal of one stratum's chart. Identified by biomarker, stratum, chart, direction, the window (the
 * month of its first crossing) and the chart parameters: the same window raises the same alarm, once.
 */
export type DriftAlarm = {
  __typename?: 'DriftAlarm';
  L: Scalars['Float']['output'];
  alarmId: Scalars['ID']['output'];
  biomarkerId: Scalars['ID']['output'];
  /** The stratum's n-th pair (scan-time order) crossed the threshold. */
  caseNumber: Scalars['Int']['output'];
  chart: DriftChartKind;
  dimension: DriftStratumDimension;
  direction: AlarmDirection;
  expectedBias: Scalars['Float']['output'];
  expectedSd: Scalars['Float']['output'];
  h: Scalars['Float']['output'];
  k: Scalars['Float']['output'];
  lambda: Scalars['Float']['output'];
  measurementId: Scalars['ID']['output'];
  month: Scalars['String']['output'];
  occurredAt: Scalars['DateTime']['output'];
  scale: DriftScale;
  statistic: Scalars['Float']['output'];
  stratum: Scalars['String']['output'];
  /** h for the CUSUM, the control limit at that case for the EWMA. */
  threshold: Scalars['Float']['output'];
};

/** Case-by-case charts of one stratum, in scan-time order (index i = the stratum's (i+1)-th pair). */
export type DriftChart = {
  __typename?: 'DriftChart';
  cusumLower: Array<Scalars['Float']['output']>;
  cusumUpper: Array<Scalars['Float']['output']>;
  differences: Array<Scalars['Float']['output']>;
  ewma: Array<Scalars['Float']['output']>;
  ewmaLower: Array<Scalars['Float']['output']>;
  ewmaUpper: Array<Scalars['Float']['output']>;
  months: Array<Scalars['String']['output']>;
};

export type DriftChartKind =
  | 'CUSUM'
  | 'EWMA';

/** What drift is stratified by. SEX and AGE_BAND are personal data: see DriftStratum. */
export type DriftDimension =
  /** Ten-year bands of age at the scan: <40, 40–49, …, 80+. */
  | 'AGE_BAND'
  /** The study's contrast phase (else its registered contrast: none, iv, …). */
  | 'CONTRAST_PHASE'
  | 'RECONSTRUCTION_KERNEL'
  /** Manufacturer and model of the scanner of the study. */
  | 'SCANNER_MODEL'
  | 'SEX'
  | 'SITE'
  /** ≤1 mm, >1–2.5 mm, >2.5–5 mm, >5 mm. */
  | 'SLICE_THICKNESS_BAND';

/**
 * A pair is the version's AI reading and the human reference reading of the same biomarker on the same study (and
 * lesion), paired as `agreement` pairs (AMBIGUOUS_READING when a side has two readings of a unit). Every stratum's
 * CUSUM and EWMA run case by case in scan-time order and are standardised by one in-control bias and SD: stated
 * (expectedBias + expectedSd) or estimated from the first baselineCases pairs of all strata together.
 */
export type DriftInput = {
  /** EWMA control-limit width in SDs of the EWMA statistic (default 3). */
  L?: InputMaybe<Scalars['Float']['input']>;
  /** Pairs (in time order, all strata) the in-control bias and SD are estimated from (default 20). */
  baselineCases?: InputMaybe<Scalars['Int']['input']>;
  biomarkerId: Scalars['ID']['input'];
  expectedBias?: InputMaybe<Scalars['Float']['input']>;
  expectedSd?: InputMaybe<Scalars['Float']['input']>;
  /** CUSUM decision interval in in-control SDs (default 4). */
  h?: InputMaybe<Scalars['Float']['input']>;
  /** CUSUM reference value in in-control SDs (default 0.5: tuned to a 1 SD shift). */
  k?: InputMaybe<Scalars['Float']['input']>;
  /** EWMA weight, 0 < lambda ≤ 1 (default 0.2). */
  lambda?: InputMaybe<Scalars['Float']['input']>;
  /** A human rater (readerId or accepted); default accepted: ACCEPTED_OR_ONLY among the human readings. */
  reference?: InputMaybe<ReadingSelectionInput>;
  /** Default PERCENT. */
  scale?: InputMaybe<DriftScale>;
  /** The shift, in SDs, whose expected detection delay is stated in settings.cusumArlAtShift (default 1). */
  shiftSd?: InputMaybe<Scalars['Float']['input']>;
  /** Default: every dimension that is not personal data (SITE, SCANNER_MODEL, RECONSTRUCTION_KERNEL, SLICE_THICKNESS_BAND, CONTRAST_PHASE). */
  strata?: InputMaybe<Array<DriftDimension>>;
  timePoint?: InputMaybe<Scalars['String']['input']>;
};

export type DriftMonth = {
  __typename?: 'DriftMonth';
  /** null below 2 pairs. */
  agreement?: Maybe<BlandAltman>;
  month: Scalars['String']['output'];
  n: Scalars['Int']['output'];
};

export type DriftScale =
  /** AI − reference, in the biomarker's unit. */
  | 'ABSOLUTE'
  /** 100 × (AI − reference) / mean of the two: a proportional error (a scanner reading 10 % high) is a constant shift. */
  | 'PERCENT';

/** The alarm thresholds and how the in-control state was set, stated with every result. */
export type DriftSettings = {
  __typename?: 'DriftSettings';
  L: Scalars['Float']['output'];
  baselineCases: Scalars['Int']['output'];
  baselineCasesUsed: Scalars['Int']['output'];
  /** … and at a sustained shift of shiftSd: the expected number of cases until the alarm. */
  cusumArlAtShift: Scalars['Float']['output'];
  /** Siegmund's approximation of the one-sided CUSUM's average run length in control (cases between false alarms). */
  cusumArlInControl: Scalars['Float']['output'];
  /** The EWMA limits' asymptotic half-width in in-control SDs: L·√(λ/(2 − λ)). */
  ewmaLimitAsymptote: Scalars['Float']['output'];
  /** The in-control bias and SD of the difference; null when they cannot be estimated (then every chart is null with its error). */
  expectedBias?: Maybe<Scalars['Float']['output']>;
  expectedSd?: Maybe<Scalars['Float']['output']>;
  h: Scalars['Float']['output'];
  /** STATED or BASELINE_CASES. */
  inControlSource?: Maybe<Scalars['String']['output']>;
  k: Scalars['Float']['output'];
  lambda: Scalars['Float']['output'];
  scale: DriftScale;
  shiftSd: Scalars['Float']['output'];
};

export type DriftStratum = {
  __typename?: 'DriftStratum';
  /** Bias (mean difference) and limits of agreement with 95 % CIs; null with an error below 2 pairs. */
  agreement?: Maybe<BlandAltman>;
  alarms?: Maybe<Array<DriftAlarm>>;
  chart?: Maybe<DriftChart>;
  dimension: DriftStratumDimension;
  monthly: Array<DriftMonth>;
  pairCount: Scalars['Int']['output'];
  subjectCount: Scalars['Int']['output'];
  /** The stratum's value ("unknown" when the study or subject does not record it; "all" for ALL). */
  value: Scalars['String']['output'];
};

export type DriftStratumDimension =
  | 'AGE_BAND'
  /** The whole population of pairs. */
  | 'ALL'
  | 'CONTRAST_PHASE'
  | 'RECONSTRUCTION_KERNEL'
  | 'SCANNER_MODEL'
  | 'SEX'
  | 'SITE'
  | 'SLICE_THICKNESS_BAND';

/**
 * SEX and AGE_BAND strata are shown only over at least 10 subjects with personal data in the analysis and in the
 * stratum (the rule of validationStudy's AGE/SEX covariates); otherwise the stratum is null with COHORT_TOO_SMALL.
 */
export type DriftSurveillance = {
  __typename?: 'DriftSurveillance';
  /** Every alarm of the overall chart and of every stratum. */
  alarms: Array<DriftAlarm>;
  biomarkerId: Scalars['ID']['output'];
  overall: DriftStratum;
  pairCount: Scalars['Int']['output'];
  /** Whose readings are the reference. */
  reference: Scalars['String']['output'];
  settings: DriftSettings;
  strata: Array<Maybe<DriftStratum>>;
};

export type EndpointInput = {
  /** Required for BINARY; for TIME_TO_EVENT it adds an ROC at this horizon. */
  horizonDays?: InputMaybe<Scalars['Int']['input']>;
  kind: EndpointKind;
  /** Outcome types that count as the event, e.g. ["death"] or ["progression", "death"]. */
  outcomeTypes: Array<Scalars['String']['input']>;
};

export type EndpointKind =
  /** Event within `horizonDays` of the index scan (1), event-free through it (0); shorter follow-up is excluded. */
  | 'BINARY'
  /** Days to the first qualifying outcome, censored at the last known alive date (latest outcome of any type). */
  | 'TIME_TO_EVENT';

export type EnrolSubjectInput = {
  commandId: Scalars['ID']['input'];
  /** YYYY-MM-DD */
  consentDate: Scalars['String']['input'];
  consentVersion: Scalars['String']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Optional personal fields: sealed with the subject's own key before anything is stored (erasable by crypto-shredding). */
  personal?: InputMaybe<PersonalDataInput>;
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
  pseudonym: Scalars['String']['input'];
  siteId: Scalars['ID']['input'];
  /** Optional: derived from commandId when absent (so a repeated command maps to the same subject). */
  subjectId?: InputMaybe<Scalars['ID']['input']>;
  trialId: Scalars['ID']['input'];
};

export type EraseSubjectInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Why (e.g. the erasure request's reference). Kept in the event: never the person's details. */
  reason: Scalars['String']['input'];
  subjectId: Scalars['ID']['input'];
};

export type ExportJob = {
  __typename?: 'ExportJob';
  /** 1 for the first run, one more for each restart after a failure. */
  attempt: Scalars['Int']['output'];
  commandId: Scalars['ID']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** Why it failed: a stable code (EXPORT_INTERRUPTED when its process stopped, else the error's code) and a message. */
  errorCode?: Maybe<Scalars['String']['output']>;
  errorMessage?: Maybe<Scalars['String']['output']>;
  /** The files written: one per job, its name carrying the snapshot's content hash. Empty until SUCCEEDED. */
  files: Array<ExportJobFile>;
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  format: SnapshotExportFormat;
  id: Scalars['ID']['output'];
  programmeId?: Maybe<Scalars['ID']['output']>;
  /** Subjects written so far, of rowsTotal (the snapshot's subjects; null until the snapshot is known). */
  rowsDone: Scalars['Int']['output'];
  rowsTotal?: Maybe<Scalars['Int']['output']>;
  snapshotContentHash?: Maybe<Scalars['String']['output']>;
  /** The snapshot exported (null while it is being frozen). */
  snapshotId?: Maybe<Scalars['ID']['output']>;
  startedBy: Scalars['String']['output'];
  state: ExportJobState;
  trialId?: Maybe<Scalars['ID']['output']>;
};

export type ExportJobFile = {
  __typename?: 'ExportJobFile';
  bytes: Scalars['Int']['output'];
  mediaType: Scalars['String']['output'];
  name: Scalars['String']['output'];
  /** Hex SHA-256 of the file: the download's `x-content-sha256` header says the same. */
  sha256: Scalars['String']['output'];
  /** Path of the download, relative to the API's origin. */
  url: Scalars['String']['output'];
};

export type ExportJobState =
  /** Writing the file; rowsDone of rowsTotal subjects. */
  | 'EXPORTING'
  | 'FAILED'
  /** Freezing the snapshot (no snapshotId was given). */
  | 'FREEZING'
  | 'QUEUED'
  | 'SUCCEEDED';

/** How a measurement was extracted: each part is null when not stated. */
export type ExtractionMethod = {
  __typename?: 'ExtractionMethod';
  harmonisation?: Maybe<Harmonisation>;
  /** Whether the software declares the feature's computation IBSI-compliant (Image Biomarker Standardisation Initiative). */
  ibsiCompliant?: Maybe<Scalars['Boolean']['output']>;
  segmentation?: Maybe<Segmentation>;
  /** The software that computed the value (e.g. pyradiomics) and its version. */
  software?: Maybe<ExtractionSoftware>;
};

/** Each part optional. IBSI compliance needs the software (EXTRACTION_SOFTWARE_REQUIRED); an AI segmentation its algorithm and version (ALGORITHM_REQUIRED). */
export type ExtractionMethodInput = {
  harmonisation?: InputMaybe<HarmonisationInput>;
  ibsiCompliant?: InputMaybe<Scalars['Boolean']['input']>;
  segmentation?: InputMaybe<SegmentationInput>;
  software?: InputMaybe<ExtractionSoftwareInput>;
};

export type ExtractionSoftware = {
  __typename?: 'ExtractionSoftware';
  name: Scalars['String']['output'];
  version: Scalars['String']['output'];
};

export type ExtractionSoftwareInput = {
  name: Scalars['String']['input'];
  version: Scalars['String']['input'];
};

export type FieldChange = {
  __typename?: 'FieldChange';
  field: Scalars['String']['output'];
  /** JSON of the corrected value. */
  new?: Maybe<Scalars['String']['output']>;
  /** JSON of the value before the correction (null when the field was absent). */
  previous?: Maybe<Scalars['String']['output']>;
};

export type FreezeAnalysisSnapshotInput = {
  /** The data cut as a time: the last event of the log recorded at or before it (the prefix of the log up to that time). */
  asOf?: InputMaybe<Scalars['DateTime']['input']>;
  commandId: Scalars['ID']['input'];
  /**
   * The data cut: every event up to and including this global position (a mutation's `globalPosition`). Default: the
   * newest settled event. UNKNOWN_POSITION when no event is stored there; POSITION_NOT_SETTLED (retry shortly) while an
   * earlier transaction may still commit before it. Not together with asOf (SNAPSHOT_CUT_AMBIGUOUS).
   */
  position?: InputMaybe<Scalars['GlobalPosition']['input']>;
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  /** What the snapshot is for, e.g. 'Primary analysis, SAP v2.1'. */
  purpose: Scalars['String']['input'];
  reason: Scalars['String']['input'];
  /** Exactly one of trialId and programmeId (SNAPSHOT_SCOPE_REQUIRED otherwise). */
  trialId?: InputMaybe<Scalars['ID']['input']>;
};

export type GrantRoleInput = {
  /** The token subject (`sub`) of the person or service. */
  actorId: Scalars['ID']['input'];
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  programmes?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Why: recorded with the grant. */
  reason: Scalars['String']['input'];
  /** coordinator, reader, screening_manager, biostatistician, regulator, admin or data_manager. */
  role: Scalars['String']['input'];
  sites?: InputMaybe<Array<Scalars['ID']['input']>>;
  trials?: InputMaybe<Array<Scalars['ID']['input']>>;
};

export type Harmonisation = {
  __typename?: 'Harmonisation';
  method: HarmonisationMethod;
  /** The batch the values were aligned to (e.g. a scanner or site). */
  referenceBatch?: Maybe<Scalars['String']['output']>;
};

export type HarmonisationInput = {
  method: HarmonisationMethod;
  referenceBatch?: InputMaybe<Scalars['String']['input']>;
};

/** ComBat (Johnson 2007; Fortin 2018) and its variants align feature distributions across batches to a reference batch. */
export type HarmonisationMethod =
  | 'COMBAT'
  | 'LONGCOMBAT'
  | 'NEUROCOMBAT'
  | 'OTHER';

export type HazardRatio = {
  __typename?: 'HazardRatio';
  coef: Scalars['Float']['output'];
  hr: Scalars['Float']['output'];
  lower: Scalars['Float']['output'];
  p: Scalars['Float']['output'];
  se: Scalars['Float']['output'];
  upper: Scalars['Float']['output'];
};

export type HorizonCalibration = {
  __typename?: 'HorizonCalibration';
  brier: Scalars['Float']['output'];
  events: Scalars['Int']['output'];
  excluded: Scalars['Int']['output'];
  horizonDays: Scalars['Int']['output'];
  /** Calibration-in-the-large of the predicted risk 1 − S₀(t)^exp(lp) (Breslow baseline): 0 when calibrated. */
  intercept: Scalars['Float']['output'];
  /** Subjects with known status at the horizon (the others were censored earlier and are left out). */
  n: Scalars['Int']['output'];
  /** Calibration slope: 1 when calibrated. */
  slope: Scalars['Float']['output'];
};

export type HumanReadingInput = {
  readerIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  result: ScreeningReadingResult;
};

export type Icc = {
  __typename?: 'Icc';
  forms: Array<IccForm>;
  raters: Scalars['Int']['output'];
  subjects: Scalars['Int']['output'];
};

export type IccForm = {
  __typename?: 'IccForm';
  f?: Maybe<Scalars['Float']['output']>;
  /** ICC1, ICC2, ICC3 (single rater) and ICC1k, ICC2k, ICC3k (mean of k), Shrout & Fleiss 1979. */
  form: Scalars['String']['output'];
  icc: Scalars['Float']['output'];
  lower?: Maybe<Scalars['Float']['output']>;
  p: Scalars['Float']['output'];
  upper?: Maybe<Scalars['Float']['output']>;
};

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

export type ImagingSeries = {
  __typename?: 'ImagingSeries';
  contrastPhase?: Maybe<ContrastPhase>;
  pixelSpacingMm?: Maybe<Array<Scalars['Float']['output']>>;
  reconstructionKernel?: Maybe<Scalars['String']['output']>;
  seriesDescription?: Maybe<Scalars['String']['output']>;
  seriesInstanceUid: Scalars['String']['output'];
  sliceThicknessMm?: Maybe<Scalars['Float']['output']>;
};

/** Parameters that may differ per series of a study (thin and thick reconstructions, phases of a multiphase CT). */
export type ImagingSeriesInput = {
  contrastPhase?: InputMaybe<ContrastPhase>;
  /** Row and column spacing (DICOM Pixel Spacing), each greater than 0 and at most 10. */
  pixelSpacingMm?: InputMaybe<Array<Scalars['Float']['input']>>;
  reconstructionKernel?: InputMaybe<Scalars['String']['input']>;
  seriesDescription?: InputMaybe<Scalars['String']['input']>;
  seriesInstanceUid: Scalars['String']['input'];
  /** Greater than 0, at most 20. */
  sliceThicknessMm?: InputMaybe<Scalars['Float']['input']>;
};

export type ImagingStudy = {
  __typename?: 'ImagingStudy';
  acquiredAt: Scalars['DateTime']['output'];
  /** Reason of the last acquisition correction. */
  acquisitionCorrectionReason?: Maybe<Scalars['String']['output']>;
  contrast?: Maybe<Scalars['String']['output']>;
  contrastPhase?: Maybe<ContrastPhase>;
  fieldStrengthT?: Maybe<Scalars['Float']['output']>;
  kvp?: Maybe<Scalars['Float']['output']>;
  modality: Scalars['String']['output'];
  /** Row and column spacing, mm; null when not stated. */
  pixelSpacingMm?: Maybe<Array<Scalars['Float']['output']>>;
  /** The deviations from the acquisition protocol that hold now (empty: within protocol, or not checked). */
  protocolDeviations: Array<ProtocolDeviation>;
  protocolName?: Maybe<Scalars['String']['output']>;
  /** The protocol version the deviations were found against. */
  protocolVersion?: Maybe<Scalars['Int']['output']>;
  reconstructionKernel?: Maybe<Scalars['String']['output']>;
  recordedAt: Scalars['DateTime']['output'];
  scannerManufacturer?: Maybe<Scalars['String']['output']>;
  scannerModel?: Maybe<Scalars['String']['output']>;
  scannerSoftwareVersion?: Maybe<Scalars['String']['output']>;
  series: Array<ImagingSeries>;
  siteId: Scalars['String']['output'];
  sliceThicknessMm?: Maybe<Scalars['Float']['output']>;
  studyInstanceUid: Scalars['String']['output'];
  tubeCurrentMa?: Maybe<Scalars['Float']['output']>;
};

export type IncrementalCox = {
  __typename?: 'IncrementalCox';
  baseConcordance: Scalars['Float']['output'];
  bootstrap: BootstrapInterval;
  /** Harrell's C of the full and the base model's linear predictors (base without covariates: 0.5). */
  concordance: Scalars['Float']['output'];
  delta: Scalars['Float']['output'];
  /** Likelihood-ratio test of the full model against the one without the biomarker. */
  lrt: ChiSquareTest;
};

export type IncrementalLogistic = {
  __typename?: 'IncrementalLogistic';
  /** AUC of the base model's fitted probabilities (without covariates: 0.5). */
  baseAuc: Scalars['Float']['output'];
  /** DeLong paired test of the two AUCs (null without covariates). */
  deLongP?: Maybe<Scalars['Float']['output']>;
  deltaAuc: Scalars['Float']['output'];
  /** Likelihood-ratio test (deviance difference) of the full model against the one without the biomarker. */
  lrt: ChiSquareTest;
};

export type Interval = {
  __typename?: 'Interval';
  lower: Scalars['Float']['output'];
  upper: Scalars['Float']['output'];
};

export type IntervalCancer = {
  __typename?: 'IntervalCancer';
  /** Diagnosis date. */
  diagnosedAt: Scalars['DateTime']['output'];
  pseudonym: Scalars['String']['output'];
  recordedAt: Scalars['DateTime']['output'];
  reportId: Scalars['ID']['output'];
  /** How it became known (cancer registry linkage, …). */
  source: Scalars['String']['output'];
  stage?: Maybe<Scalars['String']['output']>;
  subjectId: Scalars['ID']['output'];
};

export type IntervalCancerConnection = {
  __typename?: 'IntervalCancerConnection';
  nodes: Array<IntervalCancer>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type IntervalCancerSource =
  | 'CANCER_REGISTRY_LINKAGE'
  | 'HOSPITAL_RECORD'
  | 'OTHER'
  | 'PATHOLOGY_REPORT'
  | 'SELF_REPORT';

export type InviteParticipantInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** YYYY-MM-DD */
  invitedOn: Scalars['String']['input'];
  /** Optional personal fields: sealed with the participant's own key before anything is stored (erasable by crypto-shredding). */
  personal?: InputMaybe<PersonalDataInput>;
  programmeId: Scalars['ID']['input'];
  /**
   * Pseudonym of the person in this programme (e.g. BCS-000123, or one from `derivePseudonym`): never a name, e-mail
   * or national id. A known participant is invited again under the pseudonym of its first invitation
   * (PSEUDONYM_MISMATCH otherwise).
   * Rules (libs/domain/src/subject/subject.pseudonym.ts), checked after trimming surrounding blanks:
   * - 4–40 characters of upper-case A–Z, digits 0–9 and hyphens, not starting with a hyphen, with at least one letter
   *   and one digit (INVALID_PSEUDONYM). This alphabet already shuts out names, e-mail addresses, phone numbers and
   *   purely numeric national numbers (BSN, SSN, NHS number, birth-date numbers such as 811228-9874).
   * - Refused as a possible national or other direct identifier (PSEUDONYM_LOOKS_IDENTIFYING), checked as given and
   *   with its hyphens removed: a UK National Insurance number (AB123456C), a Spanish DNI (12345678Z) or NIE
   *   (X1234567L), an Italian codice fiscale (RSSMRA85T10A562S), a Finnish henkilötunnus (131052-308T), and any run
   *   of 9 or more digits once hyphens are removed (ONC-1234-56789: dates of birth with century, account, phone or
   *   insurance numbers).
   * - Unique within the study: a second subject with a pseudonym already held by another participant of this programme is refused with
   *   DUPLICATE_PSEUDONYM (race-safe). The same pseudonym in a trial or another programme is allowed.
   */
  pseudonym: Scalars['String']['input'];
  roundId: Scalars['ID']['input'];
  /** Optional for a first invitation (derived from commandId); required to invite a known participant again. */
  subjectId?: InputMaybe<Scalars['ID']['input']>;
};

export type KaplanMeierStrata = {
  __typename?: 'KaplanMeierStrata';
  logRank?: Maybe<LogRankTest>;
  strata: Array<KmStratum>;
};

export type KmStep = {
  __typename?: 'KmStep';
  atRisk: Scalars['Int']['output'];
  censored: Scalars['Int']['output'];
  events: Scalars['Int']['output'];
  /** Log-log 95 % CI; null where undefined (S = 1 or 0). */
  lower?: Maybe<Scalars['Float']['output']>;
  survival: Scalars['Float']['output'];
  time: Scalars['Float']['output'];
  upper?: Maybe<Scalars['Float']['output']>;
};

export type KmStratum = {
  __typename?: 'KmStratum';
  events: Scalars['Int']['output'];
  label: Scalars['String']['output'];
  /** Biomarker range of the stratum (null = open). */
  lower?: Maybe<Scalars['Float']['output']>;
  median?: Maybe<Scalars['Float']['output']>;
  medianLower?: Maybe<Scalars['Float']['output']>;
  medianUpper?: Maybe<Scalars['Float']['output']>;
  n: Scalars['Int']['output'];
  steps: Array<KmStep>;
  upper?: Maybe<Scalars['Float']['output']>;
};

export type KpiCounts = {
  __typename?: 'KpiCounts';
  interval0to11: Scalars['Int']['output'];
  interval12to23: Scalars['Int']['output'];
  invited?: Maybe<Scalars['Int']['output']>;
  recalled: Scalars['Int']['output'];
  screenDetected: Scalars['Int']['output'];
  screened: Scalars['Int']['output'];
};

/** Whether a higher value is better (AT_LEAST, e.g. participation) or worse (AT_MOST, e.g. recall rate). */
export type KpiDirection =
  | 'AT_LEAST'
  | 'AT_MOST';

export type KpiFlag =
  | 'ACCEPTABLE'
  | 'DESIRABLE'
  | 'NOT_ACCEPTABLE'
  | 'NO_DATA'
  | 'NO_TARGET';

export type KpiGroup = {
  __typename?: 'KpiGroup';
  counts: KpiCounts;
  kpis: Array<KpiValue>;
  /** null on roll-ups over a round type. */
  roundId?: Maybe<Scalars['ID']['output']>;
  roundName?: Maybe<Scalars['String']['output']>;
  roundNumber?: Maybe<Scalars['Int']['output']>;
  roundType: RoundType;
  /** null = all sites. */
  siteId?: Maybe<Scalars['ID']['output']>;
};

export type KpiName =
  | 'CANCER_DETECTION_RATE'
  | 'INTERVAL_CANCER_RATE_0_11'
  | 'INTERVAL_CANCER_RATE_12_23'
  | 'PARTICIPATION_RATE'
  | 'PPV_OF_RECALL'
  | 'PROGRAMME_SENSITIVITY'
  | 'RECALL_RATE';

export type KpiScope =
  | 'ALL_ROUNDS'
  | 'FIRST_ROUND'
  | 'SUBSEQUENT_ROUNDS';

export type KpiTargetInput = {
  /** A fraction (0.7 = 70 %) for rates; per 1000 for detection and interval cancer rates. */
  acceptable: Scalars['Float']['input'];
  /** The stricter level. */
  desirable: Scalars['Float']['input'];
  direction: KpiDirection;
  kpi: ScreeningKpi;
  scope: KpiScope;
};

export type KpiValue = {
  __typename?: 'KpiValue';
  acceptable?: Maybe<Scalars['Float']['output']>;
  denominator?: Maybe<Scalars['Int']['output']>;
  desirable?: Maybe<Scalars['Float']['output']>;
  /** at_least or at_most. */
  direction?: Maybe<Scalars['String']['output']>;
  /** Fraction, or per 1000 when scale is 1000 (detection and interval cancer rates). */
  estimate?: Maybe<Scalars['Float']['output']>;
  flag: KpiFlag;
  kpi: KpiName;
  /** Wilson 95 % CI, on the same scale. */
  lower?: Maybe<Scalars['Float']['output']>;
  note?: Maybe<Scalars['String']['output']>;
  numerator?: Maybe<Scalars['Int']['output']>;
  scale: Scalars['Int']['output'];
  upper?: Maybe<Scalars['Float']['output']>;
};

export type LesionInput = {
  findingSite?: InputMaybe<Scalars['String']['input']>;
  /** Tracking Identifier (112039), e.g. Nodule 1. */
  label: Scalars['String']['input'];
  role: LesionRole;
  /** DICOM Tracking Unique Identifier (112040). */
  trackingUid: Scalars['String']['input'];
};

/** RECIST role of a lesion. */
export type LesionRole =
  | 'NEW'
  | 'NON_TARGET'
  | 'TARGET';

export type LinkedPseudonym = {
  __typename?: 'LinkedPseudonym';
  pseudonym: Scalars['String']['output'];
  scope: Scalars['String']['output'];
};

export type LinkedPseudonymInput = {
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  /**
   * The member's pseudonym in its study, under the same rules as `EnrolSubjectInput.pseudonym` (4–40 of A–Z, 0–9 and
   * hyphens with a letter and a digit; national-identifier look-alikes refused with PSEUDONYM_LOOKS_IDENTIFYING).
   * Omit when the linkage's localIdentifier is given.
   */
  pseudonym?: InputMaybe<Scalars['String']['input']>;
  trialId?: InputMaybe<Scalars['ID']['input']>;
};

/** Soft: no new data entry (corrections with a reason still accepted). Hard: frozen, every write refused (TRIAL_LOCKED). */
export type LockLevel =
  | 'HARD'
  | 'SOFT';

export type LockScope =
  | 'SITE'
  | 'SUBJECT'
  | 'TRIAL';

/** A lock in force: of the whole trial, or of one site or one subject of it (`scopeId`). */
export type LockSignatureTargetInput = {
  scope?: InputMaybe<LockScope>;
  /** The site or subject id; omitted for TRIAL. */
  scopeId?: InputMaybe<Scalars['ID']['input']>;
  trialId: Scalars['ID']['input'];
};

export type LockTrialInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** HARD (the default, what lockTrial always did) or SOFT. A soft lock can be made hard; a hard one only unlocked. */
  level?: InputMaybe<LockLevel>;
  reason: Scalars['String']['input'];
  /** Lock these sites only (at most 1000). */
  siteIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Lock these subjects only: a batch lock (at most 1000). Not together with siteIds. */
  subjectIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  trialId: Scalars['ID']['input'];
};

export type LogRankTest = {
  __typename?: 'LogRankTest';
  chisq: Scalars['Float']['output'];
  df: Scalars['Int']['output'];
  p: Scalars['Float']['output'];
};

export type LogisticCalibration = {
  __typename?: 'LogisticCalibration';
  brier: Scalars['Float']['output'];
  /** Apparent: on the fitted data slope is 1 and intercept 0 by the score equations; the Brier score is informative. */
  intercept: Scalars['Float']['output'];
  slope: Scalars['Float']['output'];
};

export type MeasuredLesion = {
  __typename?: 'MeasuredLesion';
  findingSite?: Maybe<Scalars['String']['output']>;
  label: Scalars['String']['output'];
  role: Scalars['String']['output'];
  trackingUid: Scalars['String']['output'];
};

export type Measurement = {
  __typename?: 'Measurement';
  /** accepted / not_accepted after adjudication. */
  adjudication?: Maybe<Scalars['String']['output']>;
  algorithmVersionId?: Maybe<Scalars['ID']['output']>;
  /** The subject's arm; at asOf, only if the randomisation had been recorded by then. */
  armCode?: Maybe<Scalars['String']['output']>;
  biomarkerId: Scalars['ID']['output'];
  biomarkerVersion: Scalars['Int']['output'];
  category?: Maybe<Scalars['String']['output']>;
  /** Reason of the last correction, retraction or adjudication. */
  changeReason?: Maybe<Scalars['String']['output']>;
  correctionCount: Scalars['Int']['output'];
  /** How the value was extracted; null when the recording stated nothing about it. */
  extraction?: Maybe<ExtractionMethod>;
  id: Scalars['ID']['output'];
  lesion?: Maybe<MeasuredLesion>;
  method: MeasurementMethod;
  /** When the measured state existed (the study's acquisition time). */
  occurredAt: Scalars['DateTime']['output'];
  originalUnit?: Maybe<Scalars['String']['output']>;
  originalValue?: Maybe<Scalars['Float']['output']>;
  position: Scalars['GlobalPosition']['output'];
  programmeId?: Maybe<Scalars['ID']['output']>;
  readerId?: Maybe<Scalars['String']['output']>;
  /** When the measurement was first recorded. */
  recordedAt: Scalars['DateTime']['output'];
  retracted: Scalars['Boolean']['output'];
  seriesInstanceUid?: Maybe<Scalars['String']['output']>;
  /** Signatures of this measurement (as it reads now). */
  signatures: Array<Signature>;
  /** The subject's site as it is now (a screening participant's is the site of their latest screening). */
  siteId?: Maybe<Scalars['String']['output']>;
  studyInstanceUid: Scalars['String']['output'];
  subjectId: Scalars['ID']['output'];
  timePoint: Scalars['String']['output'];
  trialId?: Maybe<Scalars['ID']['output']>;
  unit?: Maybe<Scalars['String']['output']>;
  value?: Maybe<Scalars['Float']['output']>;
  /** QUANTITATIVE values carry value/unit (canonical UCUM) and the original; CATEGORICAL ones a category. */
  valueKind: Scalars['String']['output'];
  /** 0 for the value first recorded; each correction, retraction or adjudication adds one. */
  version: Scalars['Int']['output'];
  /** When this value was recorded. */
  versionRecordedAt: Scalars['DateTime']['output'];
};

export type MeasurementConnection = {
  __typename?: 'MeasurementConnection';
  edges: Array<MeasurementEdge>;
  nodes: Array<Measurement>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type MeasurementEdge = {
  __typename?: 'MeasurementEdge';
  cursor: Scalars['String']['output'];
  node: Measurement;
};

export type MeasurementFilter = {
  algorithmVersionId?: InputMaybe<Scalars['ID']['input']>;
  /** Rows of subjects randomised to this arm (at asOf: randomised as recorded by then). */
  armCode?: InputMaybe<Scalars['String']['input']>;
  biomarkerId?: InputMaybe<Scalars['ID']['input']>;
  biomarkerVersion?: InputMaybe<Scalars['Int']['input']>;
  lesionTrackingUid?: InputMaybe<Scalars['String']['input']>;
  method?: InputMaybe<MeasurementMethod>;
  occurredBefore?: InputMaybe<Scalars['DateTime']['input']>;
  occurredFrom?: InputMaybe<Scalars['DateTime']['input']>;
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  readerId?: InputMaybe<Scalars['String']['input']>;
  recordedBefore?: InputMaybe<Scalars['DateTime']['input']>;
  recordedFrom?: InputMaybe<Scalars['DateTime']['input']>;
  /** Rows of subjects whose current site this is. */
  siteId?: InputMaybe<Scalars['String']['input']>;
  studyInstanceUid?: InputMaybe<Scalars['String']['input']>;
  subjectId?: InputMaybe<Scalars['ID']['input']>;
  timePoint?: InputMaybe<Scalars['String']['input']>;
  trialId?: InputMaybe<Scalars['ID']['input']>;
};

export type MeasurementMethod =
  | 'AI'
  | 'MANUAL'
  | 'SEMI_AUTOMATIC';

export type MeasurementSignatureTargetInput = {
  measurementId: Scalars['ID']['input'];
  subjectId: Scalars['ID']['input'];
};

/** Either `value` and `unit` (quantitative biomarkers; UCUM unit, converted to the biomarker's unit) or `category`. */
export type MeasurementValueInput = {
  category?: InputMaybe<Scalars['String']['input']>;
  /** UCUM, case-sensitive: mm, cm2, mm3, [hnsf'U], {SUVbw}g/mL, 1 … */
  unit?: InputMaybe<Scalars['String']['input']>;
  value?: InputMaybe<Scalars['Float']['input']>;
};

export type Milestone = {
  __typename?: 'Milestone';
  detailsJson: Scalars['String']['output'];
  /** enrolled, randomised, withdrawn, invited, opted_out, interval_cancer, reading_accepted, protocol_deviation */
  type: Scalars['String']['output'];
};

export type ModelTerm = {
  __typename?: 'ModelTerm';
  coef: Scalars['Float']['output'];
  /** 95 % Wald limits of the ratio. */
  lower: Scalars['Float']['output'];
  name: Scalars['String']['output'];
  /** Wald p-value. */
  p: Scalars['Float']['output'];
  /** Hazard ratio (Cox) or odds ratio (logistic) per unit; for (Intercept) the baseline odds. */
  ratio: Scalars['Float']['output'];
  se: Scalars['Float']['output'];
  upper: Scalars['Float']['output'];
};

export type MultivariableCox = {
  __typename?: 'MultivariableCox';
  /** Apparent calibration at calibrationHorizonDays (null without one). */
  calibration?: Maybe<HorizonCalibration>;
  events: Scalars['Int']['output'];
  incremental: IncrementalCox;
  /** Global tests of the full model against the null model. */
  likelihoodRatio: ChiSquareTest;
  n: Scalars['Int']['output'];
  score: ChiSquareTest;
  terms: Array<ModelTerm>;
  timeDependentAuc: Array<TimeDependentAuc>;
  wald: ChiSquareTest;
};

export type MultivariableInput = {
  /** Bootstrap resamples of the ΔC-index, 20 … 2000; default 200. */
  bootstrapReplicates?: InputMaybe<Scalars['Int']['input']>;
  /** Seed of the bootstrap (mulberry32); default 20260101, so a rerun on the same data gives the same interval. */
  bootstrapSeed?: InputMaybe<Scalars['Int']['input']>;
  /** Horizon (days) of the Cox model's calibration; default endpoint.horizonDays. */
  calibrationHorizonDays?: InputMaybe<Scalars['Int']['input']>;
  /** At most 20; may be empty (the biomarker alone, against the null model). */
  covariates: Array<CovariateInput>;
  /** Horizons (days) of the time-dependent AUC; default [endpoint.horizonDays] when given. */
  horizonsDays?: InputMaybe<Array<Scalars['Int']['input']>>;
};

export type MultivariableLogistic = {
  __typename?: 'MultivariableLogistic';
  /** AUC of the fitted probabilities. */
  auc: Scalars['Float']['output'];
  calibration: LogisticCalibration;
  events: Scalars['Int']['output'];
  incremental: IncrementalLogistic;
  likelihoodRatio: ChiSquareTest;
  n: Scalars['Int']['output'];
  /** (Intercept) first. */
  terms: Array<ModelTerm>;
};

/**
 * The biomarker (term `biomarker`, per unit) beside the covariates, checked against R (libs/biostat/README.md).
 * Complete-case analysis: a subject lacking any covariate is left out of the models and counted (never imputed).
 * Age and sex are sealed personal fields: they are opened inside the computation only; no response carries a subject's
 * value (rows do not show covariates). Cox statistics need a TIME_TO_EVENT endpoint, logistic ones a horizon.
 */
export type MultivariableValidation = {
  __typename?: 'MultivariableValidation';
  /** Complete cases of the binary analysis (null without a horizon). */
  binaryCases?: Maybe<CompleteCases>;
  covariates: Array<CovariateDescription>;
  cox?: Maybe<MultivariableCox>;
  logistic?: Maybe<MultivariableLogistic>;
  /** Complete cases of the time-to-event analysis (null without a TIME_TO_EVENT endpoint). */
  survivalCases?: Maybe<CompleteCases>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** After adjudication: which of several readings of the same biomarker, study and lesion is accepted (coordinator, screening manager). */
  acceptMeasurementReading: CommandReceipt;
  activateTrialSite: CommandReceipt;
  addTrialArm: CommandReceipt;
  /** The site (coordinator, or screening manager for a programme): why the flagged data are right. */
  answerDataQuery: CommandReceipt;
  changeDataQualityRule: CommandReceipt;
  /** Data manager. */
  closeDataQuery: CommandReceipt;
  closeEnrolment: CommandReceipt;
  closeScreeningRound: CommandReceipt;
  closeTrialSite: CommandReceipt;
  /** Corrects a study's acquisition parameters with a reason (who may: as for registering a study at its site and of its subject). */
  correctAcquisitionParameters: CommandReceipt;
  /** Corrects the value of a measurement, keeping the previous one. Readers may correct only measurements they recorded. */
  correctMeasurement: CommandReceipt;
  /** Corrects an outcome's date, source, RECIST category or stage, keeping the previous values. */
  correctOutcome: CommandReceipt;
  /** Declares or changes the acquisition protocol of a trial (coordinator, data manager) or programme (screening manager, data manager). */
  declareAcquisitionProtocol: CommandReceipt;
  /** Defines a biomarker (version 1). Duplicate codes are refused with DUPLICATE_BIOMARKER_CODE, coded concepts another biomarker carries with CODED_CONCEPT_IN_USE. */
  defineBiomarker: CommandReceipt;
  /** Data manager: a rule for a trial or programme; it is evaluated over the existing data at once, then on every change. */
  defineDataQualityRule: CommandReceipt;
  defineScreeningProgramme: CommandReceipt;
  /** Defining again replaces the schedule with a new version (reason required). */
  defineVisitSchedule: CommandReceipt;
  /**
   * The keyed pseudonym of a person in one trial or programme: HMAC-SHA-256 of the site's local identifier under that
   * study's own key (created on first use). The same identifier gives unrelated pseudonyms in different studies.
   * The local identifier is used in memory only; it is never stored (the access log keeps a hash of the variables).
   * Coordinators of the trial, screening managers of the programme. Give exactly one of trialId, programmeId.
   */
  derivePseudonym: DerivedPseudonym;
  /** Enrols a subject in a trial at an active site while enrolment is open (coordinator of that trial and site). */
  enrolSubject: CommandReceipt;
  /**
   * Crypto-shredding (admin, reason required): destroys the subject's key, so its personal fields become unreadable in
   * events, read models and exports, and appends SubjectErased (no personal data; the audit trail keeps the fact and
   * the reason). The pseudonymised clinical record stays.
   */
  eraseSubject: CommandReceipt;
  /**
   * Freezes the dataset of a trial or programme at one position as an immutable `AnalysisSnapshotFrozen` event on
   * stream `snapshot-<id>` (part of the trial's or programme's audit trail) with its manifest. The receipt's `id` is
   * the snapshot id. Idempotent by commandId like every mutation.
   */
  freezeAnalysisSnapshot: CommandReceipt;
  /** Grants `role` to the actor within the given scopes (`*` = all). One active grant per role: revoke first to change it. Admins only. */
  grantRole: CommandReceipt;
  /** Invites a participant to an open round. A first invitation creates the participant (`createdIds`). */
  inviteParticipant: CommandReceipt;
  /** Soft or hard lock of the trial, some of its sites or a batch of its subjects (one TrialLocked event). */
  lockTrial: CommandReceipt;
  /** Needs at least one arm and one active site. */
  openEnrolment: CommandReceipt;
  openScreeningRound: CommandReceipt;
  /**
   * Computes the surveillance of `input` and appends a SurveillanceAlarmRaised event to stream
   * surveillance-<algorithmVersionId> for each CUSUM alarm not raised before (idempotent per alarm and per commandId).
   */
  raiseSurveillanceAlarms: SurveillanceAlarmReceipt;
  /** Randomises an enrolled, not withdrawn subject to an arm of its trial, once (coordinator). */
  randomiseSubject: CommandReceipt;
  /** Records the outcome of the assessment after a recall (benign, or cancer with diagnosis date and stage). */
  recordAssessmentOutcome: CommandReceipt;
  /**
   * Records an imaging measurement: a reader for the studies of its sites (as itself), a coordinator for its trial and
   * site, a screening manager for its programme. AI results are recorded on behalf of the algorithm: method `ai` and
   * `algorithmVersionId` (a suspended or withdrawn version is refused). `createdIds` holds the measurement id.
   */
  recordMeasurement: CommandReceipt;
  /**
   * Records up to 1,000 measurements in one request (e.g. the radiomics features an algorithm produced for a scan).
   * Every item is decided exactly as `recordMeasurement` would decide it, with the same roles and scope checks, and
   * answered in `items` in the order sent (receipt or error, with the item's index).
   *
   * What is atomic: **each subject**. The items of one subject are appended together or not at all: if one of them is
   * refused, it reports its own error (`field` prefixed with `items.<index>.`) and the subject's other items report
   * BATCH_SUBJECT_REJECTED; nothing of that subject is recorded. Items of other subjects are recorded regardless.
   * Items of a subject are decided in the order sent, each on what the earlier ones recorded.
   *
   * Refused as a whole (a GraphQL error, nothing recorded): more than 1,000 items (BATCH_TOO_LARGE, field `items`),
   * none (BATCH_EMPTY), an item the caller may not write (FORBIDDEN: access is checked for every item before anything
   * is recorded), a reused `commandId` with other content (IDEMPOTENCY_CONFLICT), and the rate limit (RATE_LIMITED):
   * a batch counts as one request per 10 items.
   *
   * Idempotency: sending the same batch again (same `commandId`, same items) records nothing and answers the first
   * receipts (`replayed: true`); subjects that were refused the first time are decided again. There is no
   * `expectedVersion`: concurrent writers of a subject are retried by the server (2 s budget, then BUSY for that
   * subject's items). Measurement ids default to ids derived from `commandId` and the item's index.
   */
  recordMeasurements: BatchReceipt;
  /** Records that the participant opted out of the programme. */
  recordOptOut: CommandReceipt;
  /** Records an outcome (death, progression, response assessment, …) of a subject. `createdIds` holds the outcome id. */
  recordOutcome: CommandReceipt;
  /**
   * Records a subject's personal fields, sealed with the subject's own key before they reach the event
   * (PersonalDataRecorded; the latest recording wins). Coordinator of the subject's trial and site, screening manager
   * of its programme. Refused with SUBJECT_ERASED after erasure and with TRIAL_LOCKED while the trial is locked.
   */
  recordPersonalData: CommandReceipt;
  /**
   * Records that pseudonyms of different studies belong to one person (admin, reason required). Give each member's
   * pseudonym, or give `localIdentifier` and the registry derives the members' pseudonyms (and forgets the identifier).
   */
  recordPseudonymLinkage: CommandReceipt;
  /** Recalls the participant for assessment after a screening. */
  recordRecall: CommandReceipt;
  /** Records a screening in a round the participant was invited to, with the human reading and optionally the AI reading. */
  recordScreening: CommandReceipt;
  /**
   * Records up to 1,000 screenings in one request (e.g. a reading session's results), each decided exactly as
   * `recordScreening` would decide it, with the same roles and scope checks. Atomic per participant, idempotent by
   * `commandId`, limits and errors as `recordMeasurements` (graphql/subjects.mutations.graphql); screening ids default
   * to ids derived from `commandId` and the item's index. `createdIds` of an item's receipt holds its screening id.
   */
  recordScreenings: BatchReceipt;
  recordUnblinding: CommandReceipt;
  registerAlgorithmVersion: CommandReceipt;
  /** Registers a study; the receipt's `id` is the Study Instance UID. A study outside its trial's or programme's acquisition protocol is registered and flagged. */
  registerImagingStudy: CommandReceipt;
  registerTrial: CommandReceipt;
  reinstateAlgorithmVersion: CommandReceipt;
  /** Data manager: a closed or resolved query is open again. */
  reopenDataQuery: CommandReceipt;
  /** Reports a cancer diagnosed after a negative screening, before the next one (e.g. from cancer registry linkage). */
  reportIntervalCancer: CommandReceipt;
  /** A retired biomarker takes no new measurements; existing ones stay. */
  retireBiomarker: CommandReceipt;
  /** Data manager: the rule stops; its open queries resolve. */
  retireDataQualityRule: CommandReceipt;
  /** Retracts a measurement (it stays in the history). Readers may retract only measurements they recorded. */
  retractMeasurement: CommandReceipt;
  reviseBiomarker: CommandReceipt;
  /** Revokes the actor's active grant of `role`. Admins only. */
  revokeRole: CommandReceipt;
  /**
   * Seals the log now up to its newest safely readable event, and keeps the seal outside the database too (the
   * registry also seals every AUDIT_SEAL_INTERVAL_SECONDS). Waits for a seal another instance is making. Null when
   * nothing new.
   */
  sealAuditTrail?: Maybe<AuditSeal>;
  /** Signs a trial, a subject's casebook, a measurement, a lock or an analysis snapshot (§11.50, §11.70, §11.200). Returns the signature id as `id`. */
  signRecord: CommandReceipt;
  /** Starts an export of a snapshot (or of one frozen now) as a job; answers at once with the job (see ExportJob). */
  startExport: ExportJob;
  /** A suspended version records no measurements or readings until reinstated. */
  suspendAlgorithmVersion: CommandReceipt;
  /** Lifts a lock; needs a reason and an electronic signature (one TrialUnlocked event carrying the signature). */
  unlockTrial: CommandReceipt;
  /** Final: a withdrawn version never measures again. */
  withdrawAlgorithmVersion: CommandReceipt;
  /** Withdraws a subject from its trial (coordinator); the reason is kept in the event and its metadata. */
  withdrawSubject: CommandReceipt;
};


export type MutationAcceptMeasurementReadingArgs = {
  input: AcceptMeasurementReadingInput;
};


export type MutationActivateTrialSiteArgs = {
  input: ActivateTrialSiteInput;
};


export type MutationAddTrialArmArgs = {
  input: AddTrialArmInput;
};


export type MutationAnswerDataQueryArgs = {
  input: AnswerDataQueryInput;
};


export type MutationChangeDataQualityRuleArgs = {
  input: ChangeDataQualityRuleInput;
};


export type MutationCloseDataQueryArgs = {
  input: CloseDataQueryInput;
};


export type MutationCloseEnrolmentArgs = {
  input: CloseEnrolmentInput;
};


export type MutationCloseScreeningRoundArgs = {
  input: CloseScreeningRoundInput;
};


export type MutationCloseTrialSiteArgs = {
  input: CloseTrialSiteInput;
};


export type MutationCorrectAcquisitionParametersArgs = {
  input: CorrectAcquisitionParametersInput;
};


export type MutationCorrectMeasurementArgs = {
  input: CorrectMeasurementInput;
};


export type MutationCorrectOutcomeArgs = {
  input: CorrectOutcomeInput;
};


export type MutationDeclareAcquisitionProtocolArgs = {
  input: DeclareAcquisitionProtocolInput;
};


export type MutationDefineBiomarkerArgs = {
  input: DefineBiomarkerInput;
};


export type MutationDefineDataQualityRuleArgs = {
  input: DefineDataQualityRuleInput;
};


export type MutationDefineScreeningProgrammeArgs = {
  input: DefineScreeningProgrammeInput;
};


export type MutationDefineVisitScheduleArgs = {
  input: DefineVisitScheduleInput;
};


export type MutationDerivePseudonymArgs = {
  input: DerivePseudonymInput;
};


export type MutationEnrolSubjectArgs = {
  input: EnrolSubjectInput;
};


export type MutationEraseSubjectArgs = {
  input: EraseSubjectInput;
};


export type MutationFreezeAnalysisSnapshotArgs = {
  input: FreezeAnalysisSnapshotInput;
};


export type MutationGrantRoleArgs = {
  input: GrantRoleInput;
};


export type MutationInviteParticipantArgs = {
  input: InviteParticipantInput;
};


export type MutationLockTrialArgs = {
  input: LockTrialInput;
};


export type MutationOpenEnrolmentArgs = {
  input: OpenEnrolmentInput;
};


export type MutationOpenScreeningRoundArgs = {
  input: OpenScreeningRoundInput;
};


export type MutationRaiseSurveillanceAlarmsArgs = {
  commandId: Scalars['ID']['input'];
  input: SurveillanceInput;
};


export type MutationRandomiseSubjectArgs = {
  input: RandomiseSubjectInput;
};


export type MutationRecordAssessmentOutcomeArgs = {
  input: RecordAssessmentOutcomeInput;
};


export type MutationRecordMeasurementArgs = {
  input: RecordMeasurementInput;
};


export type MutationRecordMeasurementsArgs = {
  input: RecordMeasurementsInput;
};


export type MutationRecordOptOutArgs = {
  input: RecordOptOutInput;
};


export type MutationRecordOutcomeArgs = {
  input: RecordOutcomeInput;
};


export type MutationRecordPersonalDataArgs = {
  input: RecordPersonalDataInput;
};


export type MutationRecordPseudonymLinkageArgs = {
  input: RecordPseudonymLinkageInput;
};


export type MutationRecordRecallArgs = {
  input: RecordRecallInput;
};


export type MutationRecordScreeningArgs = {
  input: RecordScreeningInput;
};


export type MutationRecordScreeningsArgs = {
  input: RecordScreeningsInput;
};


export type MutationRecordUnblindingArgs = {
  input: RecordUnblindingInput;
};


export type MutationRegisterAlgorithmVersionArgs = {
  input: RegisterAlgorithmVersionInput;
};


export type MutationRegisterImagingStudyArgs = {
  input: RegisterImagingStudyInput;
};


export type MutationRegisterTrialArgs = {
  input: RegisterTrialInput;
};


export type MutationReinstateAlgorithmVersionArgs = {
  input: ReinstateAlgorithmVersionInput;
};


export type MutationReopenDataQueryArgs = {
  input: ReopenDataQueryInput;
};


export type MutationReportIntervalCancerArgs = {
  input: ReportIntervalCancerInput;
};


export type MutationRetireBiomarkerArgs = {
  input: RetireBiomarkerInput;
};


export type MutationRetireDataQualityRuleArgs = {
  input: RetireDataQualityRuleInput;
};


export type MutationRetractMeasurementArgs = {
  input: RetractMeasurementInput;
};


export type MutationReviseBiomarkerArgs = {
  input: ReviseBiomarkerInput;
};


export type MutationRevokeRoleArgs = {
  input: RevokeRoleInput;
};


export type MutationSignRecordArgs = {
  input: SignRecordInput;
};


export type MutationStartExportArgs = {
  input: StartExportInput;
};


export type MutationSuspendAlgorithmVersionArgs = {
  input: SuspendAlgorithmVersionInput;
};


export type MutationUnlockTrialArgs = {
  input: UnlockTrialInput;
};


export type MutationWithdrawAlgorithmVersionArgs = {
  input: WithdrawAlgorithmVersionInput;
};


export type MutationWithdrawSubjectArgs = {
  input: WithdrawSubjectInput;
};

/** What a hard lock of the trial waits for: queries still open or answered (not yet closed or resolved). */
export type OpenDataQueryCount = {
  __typename?: 'OpenDataQueryCount';
  count: Scalars['Int']['output'];
  trialId: Scalars['ID']['output'];
};

export type OpenEnrolmentInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  trialId: Scalars['ID']['input'];
};

export type OpenScreeningRoundInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  name: Scalars['String']['input'];
  /** YYYY-MM-DD; may lie in the future. */
  opensOn: Scalars['String']['input'];
  programmeId: Scalars['ID']['input'];
  /** Optional; derived from commandId when omitted (returned in the receipt's createdIds). */
  roundId?: InputMaybe<Scalars['ID']['input']>;
};

export type Outcome = {
  __typename?: 'Outcome';
  /** Reason of the last correction. */
  changeReason?: Maybe<Scalars['String']['output']>;
  correctionCount: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  notes?: Maybe<Scalars['String']['output']>;
  occurredAt: Scalars['DateTime']['output'];
  recistResponse?: Maybe<RecistResponse>;
  recordedAt: Scalars['DateTime']['output'];
  source: Scalars['String']['output'];
  stage?: Maybe<Scalars['String']['output']>;
  timePoint?: Maybe<Scalars['String']['output']>;
  type: OutcomeType;
  /** When the current value was recorded (the last correction, or the first record). */
  versionRecordedAt: Scalars['DateTime']['output'];
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

export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item of this page; pass it as `after` for the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type ParameterRangeInput = {
  max?: InputMaybe<Scalars['Float']['input']>;
  min?: InputMaybe<Scalars['Float']['input']>;
};

/** Personal fields the registry may keep. At least one; a year of birth, never a date of birth. */
export type PersonalDataInput = {
  /** Free text, at most 2000 characters. Never a name, address or other direct identifier. */
  comment?: InputMaybe<Scalars['String']['input']>;
  sex?: InputMaybe<Sex>;
  /** 1880 … current year. */
  yearOfBirth?: InputMaybe<Scalars['Int']['input']>;
};

export type PlausibleRangeInput = {
  max: Scalars['Float']['input'];
  min: Scalars['Float']['input'];
};

/** Who is in the analysis. Ids must be within the caller's grants; omitted = everything the caller may read. */
export type PopulationInput = {
  armCodes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Index scans acquired at or after this time. */
  from?: InputMaybe<Scalars['DateTime']['input']>;
  programmeIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  siteIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Index scans acquired before this time. */
  to?: InputMaybe<Scalars['DateTime']['input']>;
  trialIds?: InputMaybe<Array<Scalars['ID']['input']>>;
};

export type ProjectionState =
  | 'CATCHING_UP'
  | 'FAILED'
  | 'RUNNING'
  | 'STOPPED';

export type ProjectionStatus = {
  __typename?: 'ProjectionStatus';
  /** Global position of the last event this projection applied, null before the first. */
  checkpoint?: Maybe<Scalars['GlobalPosition']['output']>;
  error?: Maybe<Scalars['String']['output']>;
  /** When FAILED: the event it stopped at and why. */
  failedAt?: Maybe<Scalars['GlobalPosition']['output']>;
  /** Events in the store that this projection has not applied yet (counted exactly up to 1,000,000). */
  lag: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  state: ProjectionState;
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
  version: Scalars['Int']['output'];
};

export type Proportion = {
  __typename?: 'Proportion';
  estimate: Scalars['Float']['output'];
  /** Wilson 95 % confidence limits. */
  lower: Scalars['Float']['output'];
  n: Scalars['Int']['output'];
  upper: Scalars['Float']['output'];
  x: Scalars['Int']['output'];
};

export type ProportionDifference = {
  __typename?: 'ProportionDifference';
  estimate: Scalars['Float']['output'];
  /** Newcombe hybrid score 95 % CI. */
  lower: Scalars['Float']['output'];
  upper: Scalars['Float']['output'];
};

export type ProtocolDeviation = {
  __typename?: 'ProtocolDeviation';
  /** The study's value as text; null when not recorded. */
  actual?: Maybe<Scalars['String']['output']>;
  /** What the protocol allows, e.g. 100–120 or B30f, B31f. */
  expected: Scalars['String']['output'];
  kind: ProtocolDeviationKind;
  /** kvp, tubeCurrentMa, sliceThicknessMm, pixelSpacingMm, fieldStrengthT, reconstructionKernel, contrastPhase, manufacturer */
  parameter: Scalars['String']['output'];
  /** The series the value comes from, for series parameters. */
  seriesInstanceUid?: Maybe<Scalars['String']['output']>;
};

export type ProtocolDeviationKind =
  | 'NOT_ALLOWED'
  | 'NOT_RECORDED'
  | 'OUT_OF_RANGE';

export type PseudonymLinkage = {
  __typename?: 'PseudonymLinkage';
  actorId?: Maybe<Scalars['String']['output']>;
  linkageId: Scalars['ID']['output'];
  members: Array<LinkedPseudonym>;
  reason: Scalars['String']['output'];
  recordedAt: Scalars['DateTime']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Who ran which operation on which trial or programme, when (newest first). Kept at least 366 days. */
  accessLog: AccessLogPage;
  /** Agreement of two raters (AI vs reader, reader vs reader) measuring the same studies. */
  agreement: Agreement;
  /** Post-market surveillance of one AI algorithm version per site and month, with CUSUM alarms. */
  algorithmSurveillance: AlgorithmSurveillance;
  /** Registered AI algorithm versions with their lineage, in the order they were registered. */
  algorithmVersions: AlgorithmVersionConnection;
  /** A frozen snapshot's manifest and its rows, as frozen. SNAPSHOT_NOT_FOUND (or FORBIDDEN out of scope) otherwise. */
  analysisSnapshot: AnalysisSnapshot;
  /** The snapshots of a trial or of a programme (exactly one), oldest first. */
  analysisSnapshots: Array<AnalysisSnapshot>;
  /**
   * Where to download the same selection as JSON lines (one event per line, with its hash and the previous hash
   * of its stream so each line verifies offline). GET it with the same bearer token; the download is logged. Without a
   * filter it is the whole log, signed seals included (`npm run audit:verify`). With `proofs`, each line also carries
   * the inclusion proof of its event in the seal that covers it, so a filtered download verifies offline against the
   * seal journal too (services/registry-api/src/audit/README.md).
   */
  auditExport: AuditExportLink;
  /** All events matching the filter in global order, a page at a time (pass `nextCursor` back as `after`). */
  auditLog: AuditLogPage;
  /** Seals of the event log (Merkle roots over all events up to a position), newest first. */
  auditSeals: Array<AuditSeal>;
  /** The biomarker catalogue, in the order biomarkers were defined. */
  biomarkers: BiomarkerConnection;
  /** The data quality and utility label of one trial or programme (exactly one of the two ids). */
  dataQualityReport: DataQualityReport;
  /** Rules of one trial or programme (exactly one of the two ids). */
  dataQualityRules: Array<DataQualityRule>;
  /** Data queries, oldest first; a site-bound actor sees its sites' only. */
  dataQueries: DataQueryConnection;
  /** Data queries per site and status, for one trial or programme. */
  dataQueryCounts: Array<DataQuerySiteCount>;
  /** An export job and its progress. EXPORT_JOB_NOT_FOUND (or FORBIDDEN out of scope) otherwise. */
  exportJob: ExportJob;
  /**
   * Every event of one stream (e.g. `subject-…`, `trial-…`), oldest first, with who, in which role, why, when it
   * was recorded and when it happened. Corrections show the previous and the new values side by side. With
   * `entityId`, only the events of that stream that concern it (e.g. one measurement of a subject).
   */
  history: Array<AuditEvent>;
  /** Interval cancers reported after a negative screen in this round, in the order they were reported; cursor-paged. */
  intervalCancers: IntervalCancerConnection;
  /**
   * The long analysis table: one row per measurement (its current value, or the value known at `asOf`), in the
   * order the measurements were recorded. Retracted measurements are left out unless includeRetracted.
   */
  measurements: MeasurementConnection;
  /** Open and answered data queries of a trial: what a hard lock waits for. */
  openDataQueryCount: OpenDataQueryCount;
  /** Recorded linkages that name this pseudonym (admin, regulator). */
  pseudonymLinkages: Array<PseudonymLinkage>;
  /**
   * RECIST 1.1 assessment of a subject from its lesion measurements, with SDTM TR/RS rows. RECIST reads only the
   * biomarkers whose catalogue code is an SDTM TR test code of the CDISC RECIST examples: LDIAM (longest diameter of
   * non-nodal lesions), LPERP (longest perpendicular: the short axis of lymph nodes) and TUMSTATE (categorical tumour
   * state of non-target and new lesions: PRESENT, ABSENT, UNEQUIVOCAL_PROGRESSION, EQUIVOCAL). Diameters are converted
   * to mm with UCUM (a biomarker in cm is read in mm); every other measurement of a lesion (volume, SUV, scores) is
   * ignored, and a target without an LDIAM/LPERP reading at a time point is not evaluated there (target response NE;
   * at baseline the assessment is refused with BASELINE_INCOMPLETE). Nodal = the lesion's finding site names a lymph
   * node. `reading` chooses whose readings are assessed; `readings` lists every one used.
   * `snapshotId`: assess the subject as of a frozen analysis snapshot (its events up to the snapshot's data cut: the
   * same answer after any later correction); the caller must be allowed to read the snapshot (SNAPSHOT_NOT_FOUND, or
   * FORBIDDEN; coordinators do not read snapshots), and the subject must be in its trial or programme
   * (SNAPSHOT_SCOPE_MISMATCH on snapshotId). `asOf`: what was recorded at or before that time. Not both
   * (SNAPSHOT_CUT_AMBIGUOUS on asOf).
   */
  recist?: Maybe<RecistAssessment>;
  /** Health of the registry: the event log and every projection's progress. */
  registryStatus: RegistryStatus;
  /** The active grants of an actor (the token subject). Admins and regulators. */
  roleGrants: Array<RoleGrant>;
  /** EU-guideline KPIs of a screening programme per round (first vs subsequent) and site, against the programme's targets. */
  screeningKpis: ScreeningKpis;
  /** A screening programme with its rounds and per-round counts; null when it does not exist. */
  screeningProgramme?: Maybe<ScreeningProgramme>;
  screeningProgrammes: ScreeningProgrammeConnection;
  /** A round's recalled screenings (recall for assessment), in the order they were screened; cursor-paged. */
  screeningRecalls: ScreeningRecallConnection;
  /** One subject (trial subject or screening participant) with its timeline; null when it does not exist. */
  subject?: Maybe<Subject>;
  /**
   * A subject's personal fields, decrypted for this request only (coordinator of its trial and site, screening manager
   * of its programme, regulator, admin). After `eraseSubject` every field is null and `erased` is true.
   */
  subjectPersonalData: SubjectPersonalData;
  /** Subjects in the order they were enrolled or first invited. */
  subjects: SubjectConnection;
  /** Alarms raised (and audited) for an algorithm version, oldest first. */
  surveillanceAlarms: Array<RaisedSurveillanceAlarm>;
  /** Drift alarms raised (and audited) for an algorithm version, by users or the scheduled run, oldest first. */
  surveillanceDriftAlarms: Array<RaisedDriftAlarm>;
  /**
   * What an MDR periodic safety update report (PSUR, MDR Art. 86) needs for one algorithm version over [from, to):
   * use volume, performance per site with 95 % CIs, quantitative drift per stratum against the human reference for every
   * biomarker the version measures, the alarms of the period and what was done about them. `htmlUrl` serves it as an
   * HTML page with plots (same bearer token); no PDF (print the page).
   */
  surveillanceReport: SurveillanceReport;
  /** One trial; null when it does not exist. With asOf: the trial as known at that moment. */
  trial?: Maybe<Trial>;
  /** Trials in the order they were registered. */
  trials: TrialConnection;
  /** Does a biomarker predict an outcome? The analysis dataset (one row per subject) and its statistics. */
  validationStudy: ValidationStudy;
  /**
   * Recomputes the snapshot from the events at its position (the same projection code as a rebuild, into scratch
   * tables) and compares the hash with the frozen one, table by table.
   */
  verifyAnalysisSnapshot: SnapshotVerification;
  /**
   * Recomputes every seal from the stored events (detects a stream rewritten together with its hash chain), checks
   * each seal's Ed25519 signature (detects seal rows forged or re-made without the key), checks the seal journal kept
   * outside the database line by line (detects a removed or edited line) and compares the log's seals with the
   * journal's (detects a cut-off or rewritten tail, even one re-sealed with a stolen key). docs/audit-threat-model.md.
   */
  verifyAuditSeals: SealVerificationReport;
  /**
   * Walks the event store's hash chains (one stream, or all) and reports the first event whose content no longer
   * matches. Over the whole log it also recomputes the seals and compares the log with the newest seal kept outside
   * the database, so a cut-off or rewritten tail is reported too (see `seals`).
   */
  verifyAuditTrail: VerificationReport;
};


export type QueryAccessLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AccessLogFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAgreementArgs = {
  input: AgreementInput;
};


export type QueryAlgorithmSurveillanceArgs = {
  input: SurveillanceInput;
};


export type QueryAlgorithmVersionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  filter?: InputMaybe<AlgorithmVersionFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAnalysisSnapshotArgs = {
  id: Scalars['ID']['input'];
};


export type QueryAnalysisSnapshotsArgs = {
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  trialId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryAuditExportArgs = {
  filter?: InputMaybe<AuditLogFilter>;
  proofs?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryAuditLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditLogFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAuditSealsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryBiomarkersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  includeRetired?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryDataQualityReportArgs = {
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  trialId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryDataQualityRulesArgs = {
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  includeRetired?: InputMaybe<Scalars['Boolean']['input']>;
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  trialId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryDataQueriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  filter: DataQueryFilter;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryDataQueryCountsArgs = {
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  trialId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryExportJobArgs = {
  id: Scalars['ID']['input'];
};


export type QueryHistoryArgs = {
  entityId?: InputMaybe<Scalars['String']['input']>;
  streamId: Scalars['String']['input'];
};


export type QueryIntervalCancersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  programmeId: Scalars['ID']['input'];
  roundId: Scalars['ID']['input'];
};


export type QueryMeasurementsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  asOf?: InputMaybe<Scalars['DateTime']['input']>;
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  filter?: InputMaybe<MeasurementFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  includeRetracted?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryOpenDataQueryCountArgs = {
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  trialId: Scalars['ID']['input'];
};


export type QueryPseudonymLinkagesArgs = {
  pseudonym: Scalars['String']['input'];
};


export type QueryRecistArgs = {
  asOf?: InputMaybe<Scalars['DateTime']['input']>;
  reading: ReadingSelectionInput;
  snapshotId?: InputMaybe<Scalars['ID']['input']>;
  studyId?: InputMaybe<Scalars['String']['input']>;
  subjectId: Scalars['ID']['input'];
};


export type QueryRoleGrantsArgs = {
  actorId: Scalars['ID']['input'];
};


export type QueryScreeningKpisArgs = {
  input: ScreeningKpiInput;
};


export type QueryScreeningProgrammeArgs = {
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  id: Scalars['ID']['input'];
};


export type QueryScreeningProgrammesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryScreeningRecallsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  programmeId: Scalars['ID']['input'];
  roundId: Scalars['ID']['input'];
};


export type QuerySubjectArgs = {
  asOf?: InputMaybe<Scalars['DateTime']['input']>;
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  id: Scalars['ID']['input'];
};


export type QuerySubjectPersonalDataArgs = {
  subjectId: Scalars['ID']['input'];
};


export type QuerySubjectsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  filter?: InputMaybe<SubjectFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySurveillanceAlarmsArgs = {
  algorithmVersionId: Scalars['ID']['input'];
};


export type QuerySurveillanceDriftAlarmsArgs = {
  algorithmVersionId: Scalars['ID']['input'];
};


export type QuerySurveillanceReportArgs = {
  algorithmVersionId: Scalars['ID']['input'];
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
};


export type QueryTrialArgs = {
  asOf?: InputMaybe<Scalars['DateTime']['input']>;
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  id: Scalars['ID']['input'];
};


export type QueryTrialsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  consistentWith?: InputMaybe<Scalars['GlobalPosition']['input']>;
  filter?: InputMaybe<TrialFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryValidationStudyArgs = {
  input: ValidationStudyInput;
};


export type QueryVerifyAnalysisSnapshotArgs = {
  id: Scalars['ID']['input'];
};


export type QueryVerifyAuditTrailArgs = {
  streamId?: InputMaybe<Scalars['String']['input']>;
};

export type RaisedDriftAlarm = {
  __typename?: 'RaisedDriftAlarm';
  alarm: DriftAlarm;
  algorithmVersionId: Scalars['ID']['output'];
  computedAtPosition?: Maybe<Scalars['GlobalPosition']['output']>;
  globalPosition: Scalars['GlobalPosition']['output'];
  raisedAt: Scalars['DateTime']['output'];
  /** The actor that raised it: a user, or `registry:surveillance-schedule` for the scheduled run. */
  raisedBy?: Maybe<Scalars['String']['output']>;
};

export type RaisedSurveillanceAlarm = {
  __typename?: 'RaisedSurveillanceAlarm';
  alarmId: Scalars['ID']['output'];
  algorithmVersionId: Scalars['ID']['output'];
  computedAtPosition?: Maybe<Scalars['GlobalPosition']['output']>;
  direction: AlarmDirection;
  expectedRate: Scalars['Float']['output'];
  globalPosition: Scalars['GlobalPosition']['output'];
  h: Scalars['Float']['output'];
  k: Scalars['Float']['output'];
  metric: SurveillanceMetric;
  month: Scalars['String']['output'];
  observedRate: Scalars['Float']['output'];
  raisedAt: Scalars['DateTime']['output'];
  raisedBy?: Maybe<Scalars['String']['output']>;
  siteId?: Maybe<Scalars['ID']['output']>;
  statistic: Scalars['Float']['output'];
};

export type RandomiseSubjectInput = {
  armCode: Scalars['String']['input'];
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** YYYY-MM-DD or date-time; defaults to the time the command is received. */
  randomisedAt?: InputMaybe<Scalars['String']['input']>;
  stratum: Scalars['String']['input'];
  subjectId: Scalars['ID']['input'];
};

export type RaterKind =
  /** An AI algorithm version (method ai). */
  | 'AI'
  /** A human reader (method manual or semi_automatic). */
  | 'READER';

export type ReadingAdjudication =
  | 'ACCEPTED'
  | 'NOT_ACCEPTED';

/** Which reading an analysis used for a value. */
export type ReadingProvenance = {
  __typename?: 'ReadingProvenance';
  /** null when the reading was never adjudicated. */
  adjudication?: Maybe<ReadingAdjudication>;
  /** The algorithm version (AI outputs; the assisting tool of semi-automatic readings). */
  algorithmVersionId?: Maybe<Scalars['ID']['output']>;
  measurementId: Scalars['ID']['output'];
  /** manual, semi_automatic or ai. */
  method: Scalars['String']['output'];
  raterKind: RaterKind;
  /** The reader (manual, semi-automatic; also the uploader of some AI outputs). */
  readerId?: Maybe<Scalars['ID']['output']>;
};

/**
 * Whose readings an analysis reads: exactly one of the fields (else INVALID_READING_SELECTION).
 * - `algorithmVersionId`: that AI algorithm version's outputs (method ai). Semi-automatic readings that name the version
 *   as the tool a reader used are the reader's, not the algorithm's. Adjudication does not remove an algorithm's outputs.
 * - `readerId`: that reader's manual and semi-automatic readings (an AI output a reader uploaded is the algorithm's).
 * - `accepted`: the adjudicated reading (acceptMeasurementReading), under the policy named.
 */
export type ReadingSelectionInput = {
  accepted?: InputMaybe<AcceptedReadingPolicy>;
  algorithmVersionId?: InputMaybe<Scalars['ID']['input']>;
  readerId?: InputMaybe<Scalars['ID']['input']>;
};

export type RecistAssessment = {
  __typename?: 'RecistAssessment';
  /** The asOf argument, when given. */
  asOf?: Maybe<Scalars['DateTime']['output']>;
  bestOverallResponse: Scalars['String']['output'];
  /** The snapshot's data cut, else the global position of the newest of the subject's events the assessment folded. */
  computedAtPosition?: Maybe<Scalars['GlobalPosition']['output']>;
  lesions: Array<RecistLesion>;
  /** Every reading the assessment used, by time point and lesion. */
  readings: Array<RecistReading>;
  rs: Array<SdtmRsRow>;
  /** The snapshot the assessment was computed on (the snapshotId argument); computedAtPosition is then its data cut. */
  snapshotId?: Maybe<Scalars['ID']['output']>;
  subjectId: Scalars['ID']['output'];
  timePoints: Array<RecistTimePointResult>;
  tr: Array<SdtmTrRow>;
};

export type RecistLesion = {
  __typename?: 'RecistLesion';
  id: Scalars['ID']['output'];
  nodal: Scalars['Boolean']['output'];
  organ: Scalars['String']['output'];
  /** TARGET or NON_TARGET (from the lesion's role at baseline). */
  role: Scalars['String']['output'];
};

/** A reading RECIST used. */
export type RecistReading = {
  __typename?: 'RecistReading';
  category?: Maybe<Scalars['String']['output']>;
  lesionId: Scalars['ID']['output'];
  originalUnit?: Maybe<Scalars['String']['output']>;
  originalValue?: Maybe<Scalars['Float']['output']>;
  reading: ReadingProvenance;
  /** LDIAM, LPERP or TUMSTATE. */
  testCode: Scalars['String']['output'];
  /** In mm (UCUM-converted); null for TUMSTATE or when the biomarker's unit is not a length (then not evaluated). */
  valueMm?: Maybe<Scalars['Float']['output']>;
  visit: Scalars['String']['output'];
};

/** RECIST 1.1 overall response (NON_CR_NON_PD for non-target-only disease). */
export type RecistResponse =
  | 'CR'
  | 'NE'
  | 'NON_CR_NON_PD'
  | 'PD'
  | 'PR'
  | 'SD';

export type RecistTimePointResult = {
  __typename?: 'RecistTimePointResult';
  baselineSum?: Maybe<Scalars['Float']['output']>;
  changeFromBaselinePct?: Maybe<Scalars['Float']['output']>;
  changeFromNadirMm?: Maybe<Scalars['Float']['output']>;
  changeFromNadirPct?: Maybe<Scalars['Float']['output']>;
  date: Scalars['String']['output'];
  day: Scalars['Int']['output'];
  equivocalNewLesion: Scalars['Boolean']['output'];
  isBaseline: Scalars['Boolean']['output'];
  nadir?: Maybe<Scalars['Float']['output']>;
  newLesion: Scalars['Boolean']['output'];
  nonTargetResponse?: Maybe<Scalars['String']['output']>;
  overallResponse?: Maybe<Scalars['String']['output']>;
  sumOfDiameters?: Maybe<Scalars['Float']['output']>;
  targetResponse?: Maybe<Scalars['String']['output']>;
  visit: Scalars['String']['output'];
};

export type RecordAssessmentOutcomeInput = {
  /** YYYY-MM-DD */
  assessedOn: Scalars['String']['input'];
  commandId: Scalars['ID']['input'];
  /** Required for cancer. */
  diagnosisDate?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  outcome: AssessmentOutcome;
  screeningId: Scalars['ID']['input'];
  /** Required for cancer (UNKNOWN if not yet staged). */
  stage?: InputMaybe<Scalars['String']['input']>;
  subjectId: Scalars['ID']['input'];
};

/** A lock in force (Trial.locks); every lock and unlock is an event of the trial's stream (history, auditLog). */
export type RecordLock = {
  __typename?: 'RecordLock';
  level: LockLevel;
  lockedAt: Scalars['DateTime']['output'];
  lockedBy: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
  scope: LockScope;
  /** The site or subject id; null for a lock of the whole trial. */
  scopeId?: Maybe<Scalars['ID']['output']>;
  /** Signatures of this lock (signRecord with target.lock). */
  signatures: Array<Signature>;
};

export type RecordMeasurementInput = {
  /** Required for method ai. */
  algorithmVersionId?: InputMaybe<Scalars['ID']['input']>;
  biomarkerId: Scalars['ID']['input'];
  biomarkerVersion: Scalars['Int']['input'];
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** How the value was extracted (software and version, IBSI compliance, segmentation, harmonisation), as far as known. */
  extraction?: InputMaybe<ExtractionMethodInput>;
  lesion?: InputMaybe<LesionInput>;
  /** Optional: derived from commandId when absent. */
  measurementId?: InputMaybe<Scalars['ID']['input']>;
  method: MeasurementMethod;
  /**
   * Keeps a value outside the biomarker's plausible range, saying why. Not for method AI: an algorithm output outside
   * the plausible range is refused with VALUE_OUT_OF_RANGE whatever the reason (record a reader's value instead).
   */
  plausibilityOverrideReason?: InputMaybe<Scalars['String']['input']>;
  /** Who read the images. Required for manual and semi_automatic; a reader's own id by default when a reader records. */
  readerId?: InputMaybe<Scalars['ID']['input']>;
  seriesInstanceUid?: InputMaybe<Scalars['String']['input']>;
  studyInstanceUid: Scalars['String']['input'];
  subjectId: Scalars['ID']['input'];
  /** A time point code of the trial's visit schedule (or UNSCHEDULED); any code for screening participants. */
  timePoint: Scalars['String']['input'];
  value: MeasurementValueInput;
};

/** One measurement of a batch: the fields of RecordMeasurementInput without commandId and expectedVersion. */
export type RecordMeasurementItemInput = {
  /** Required for method AI. */
  algorithmVersionId?: InputMaybe<Scalars['ID']['input']>;
  biomarkerId: Scalars['ID']['input'];
  biomarkerVersion: Scalars['Int']['input'];
  extraction?: InputMaybe<ExtractionMethodInput>;
  lesion?: InputMaybe<LesionInput>;
  /** Optional: derived from the batch's commandId and the item's index when absent. */
  measurementId?: InputMaybe<Scalars['ID']['input']>;
  method: MeasurementMethod;
  plausibilityOverrideReason?: InputMaybe<Scalars['String']['input']>;
  /** Required for MANUAL and SEMI_AUTOMATIC; a reader's own id by default when a reader records. */
  readerId?: InputMaybe<Scalars['ID']['input']>;
  seriesInstanceUid?: InputMaybe<Scalars['String']['input']>;
  studyInstanceUid: Scalars['String']['input'];
  subjectId: Scalars['ID']['input'];
  timePoint: Scalars['String']['input'];
  value: MeasurementValueInput;
};

export type RecordMeasurementsInput = {
  /** Identifies the whole batch (graphql/commands.graphql); each subject's part is recorded under an id derived from it. */
  commandId: Scalars['ID']['input'];
  /** 1 to 1,000 measurements, in any mix of subjects. */
  items: Array<RecordMeasurementItemInput>;
};

export type RecordOptOutInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** YYYY-MM-DD */
  optedOutOn: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
  subjectId: Scalars['ID']['input'];
};

export type RecordOutcomeInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  notes?: InputMaybe<Scalars['String']['input']>;
  /** When it happened: YYYY-MM-DD or date-time. */
  occurredAt: Scalars['String']['input'];
  /** Optional: derived from commandId when absent. */
  outcomeId?: InputMaybe<Scalars['ID']['input']>;
  outcomeType: OutcomeType;
  /** Required for RESPONSE_ASSESSMENT, refused otherwise. */
  recistResponse?: InputMaybe<RecistResponse>;
  source: OutcomeSource;
  /** Stage group (0, IA … IV, UNKNOWN). */
  stage?: InputMaybe<Scalars['String']['input']>;
  subjectId: Scalars['ID']['input'];
  timePoint?: InputMaybe<Scalars['String']['input']>;
};

export type RecordPersonalDataInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  personal: PersonalDataInput;
  subjectId: Scalars['ID']['input'];
};

export type RecordPseudonymLinkageInput = {
  commandId: Scalars['ID']['input'];
  /** Optional: derived from commandId when absent. */
  linkageId?: InputMaybe<Scalars['ID']['input']>;
  localIdentifier?: InputMaybe<Scalars['String']['input']>;
  /** 2–10 members, at most one per trial or programme. */
  members: Array<LinkedPseudonymInput>;
  reason: Scalars['String']['input'];
};

export type RecordRecallInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  reason?: InputMaybe<Scalars['String']['input']>;
  /** YYYY-MM-DD */
  recalledOn: Scalars['String']['input'];
  screeningId: Scalars['ID']['input'];
  subjectId: Scalars['ID']['input'];
};

export type RecordScreeningInput = {
  aiReading?: InputMaybe<AiReadingInput>;
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  humanReading: HumanReadingInput;
  modality: ImagingModality;
  roundId: Scalars['ID']['input'];
  /** YYYY-MM-DD or date-time. */
  screenedOn: Scalars['String']['input'];
  /** Optional: derived from commandId when absent. */
  screeningId?: InputMaybe<Scalars['ID']['input']>;
  siteId: Scalars['ID']['input'];
  subjectId: Scalars['ID']['input'];
};

/** One screening of a batch: the fields of RecordScreeningInput without commandId and expectedVersion. */
export type RecordScreeningItemInput = {
  aiReading?: InputMaybe<AiReadingInput>;
  humanReading: HumanReadingInput;
  modality: ImagingModality;
  roundId: Scalars['ID']['input'];
  /** YYYY-MM-DD or date-time. */
  screenedOn: Scalars['String']['input'];
  /** Optional: derived from the batch's commandId and the item's index when absent. */
  screeningId?: InputMaybe<Scalars['ID']['input']>;
  siteId: Scalars['ID']['input'];
  subjectId: Scalars['ID']['input'];
};

export type RecordScreeningsInput = {
  commandId: Scalars['ID']['input'];
  /** 1 to 1,000 screenings, in any mix of participants. */
  items: Array<RecordScreeningItemInput>;
};

export type RecordUnblindingInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** When it happened: YYYY-MM-DD or an ISO-8601 date-time with offset; not in the future. */
  occurredAt: Scalars['String']['input'];
  reason: Scalars['String']['input'];
  scope: UnblindingScope;
  /** Required for SUBJECT (emergency unblinding of one subject). */
  subjectId?: InputMaybe<Scalars['ID']['input']>;
  trialId: Scalars['ID']['input'];
};

export type RegisterAlgorithmVersionInput = {
  /** Optional; derived from commandId when omitted (the receipt's `id`). */
  algorithmVersionId?: InputMaybe<Scalars['ID']['input']>;
  /** The biomarkers this version produces (each must be defined in the catalogue). */
  biomarkerIds: Array<Scalars['ID']['input']>;
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  intendedUse: Scalars['String']['input'];
  manufacturer: Scalars['String']['input'];
  name: Scalars['String']['input'];
  /** The version this one succeeds: same manufacturer and product name. */
  predecessorVersionId?: InputMaybe<Scalars['ID']['input']>;
  regulatory: RegulatoryStatusInput;
  /**
   * The declared range of the screening score this version outputs. Required before the version records AI screening
   * readings (`recordScreening.aiReading`: SCORE_RANGE_NOT_DECLARED without it); every such score outside it is refused
   * with VALUE_OUT_OF_RANGE on `aiReading.score`. Omit it for versions that only produce measurements: those are
   * checked against each biomarker's plausible range. Fixed once registered (register a new version to change it).
   */
  scoreRange?: InputMaybe<ScoreRangeInput>;
  version: Scalars['String']['input'];
};

export type RegisterImagingStudyInput = {
  /** YYYY-MM-DD or an ISO-8601 date-time with offset; not in the future. */
  acquisitionDateTime: Scalars['String']['input'];
  commandId: Scalars['ID']['input'];
  contrast?: InputMaybe<ContrastAgent>;
  contrastPhase?: InputMaybe<ContrastPhase>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** MR only (PARAMETER_NOT_FOR_MODALITY otherwise): greater than 0, at most 12. */
  fieldStrengthT?: InputMaybe<Scalars['Float']['input']>;
  /** 40 to 150. */
  kvp?: InputMaybe<Scalars['Float']['input']>;
  modality: ImagingModality;
  /** Row and column spacing, mm (two values). */
  pixelSpacingMm?: InputMaybe<Array<Scalars['Float']['input']>>;
  /** The site's protocol name (DICOM Protocol Name 0018,1030). */
  protocolName?: InputMaybe<Scalars['String']['input']>;
  /** As the vendor names it (B30f, STANDARD, FC13 …); compared case-insensitively with a protocol. */
  reconstructionKernel?: InputMaybe<Scalars['String']['input']>;
  scanner: ScannerInput;
  series?: InputMaybe<Array<ImagingSeriesInput>>;
  siteId: Scalars['ID']['input'];
  /** Greater than 0, at most 20 (the study's main reconstruction; per series in `series`). */
  sliceThicknessMm?: InputMaybe<Scalars['Float']['input']>;
  /** DICOM Study Instance UID (≤ 64 characters of digits and dots, no leading zeros); registered once (DUPLICATE_STUDY_UID). */
  studyInstanceUid: Scalars['String']['input'];
  /** The subject the study belongs to, when known: its trial or programme then bounds who may register. */
  subjectId?: InputMaybe<Scalars['ID']['input']>;
  /** Tube current, mA: greater than 0, at most 2000. */
  tubeCurrentMa?: InputMaybe<Scalars['Float']['input']>;
};

export type RegisterTrialInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Registry identifiers; each may belong to one trial only (DUPLICATE_TRIAL_IDENTIFIER). */
  identifiers: Array<TrialIdentifierInput>;
  phase: TrialPhase;
  primaryEndpoint: Scalars['String']['input'];
  sponsor: Scalars['String']['input'];
  title: Scalars['String']['input'];
  /** Optional; derived from commandId when omitted (the receipt's `id`). A confined coordinator must pass an id it is granted. */
  trialId?: InputMaybe<Scalars['ID']['input']>;
};

export type RegistryStatus = {
  __typename?: 'RegistryStatus';
  /** Number of events in the store. */
  eventCount: Scalars['Int']['output'];
  /**
   * Inconsistencies between these figures that only a change to the log behind the registry's back can cause (e.g.
   * more events counted than positions handed out: events were deleted). Empty when all is well; run
   * `verifyAuditTrail` for the full check.
   */
  findings: Array<StatusFinding>;
  /** Global position of the newest event, null when the store is empty. */
  lastPosition?: Maybe<Scalars['GlobalPosition']['output']>;
  projections: Array<ProjectionStatus>;
};

export type RegulatoryStatus =
  | 'CE_MARKED'
  | 'CE_MARKED_AND_FDA_CLEARED'
  | 'FDA_CLEARED'
  | 'INVESTIGATIONAL'
  | 'RESEARCH_USE_ONLY';

export type RegulatoryStatusInput = {
  /** Required when CE-marked. */
  ceClass?: InputMaybe<CeClass>;
  /** e.g. an FDA 510(k) number. */
  clearanceNumber?: InputMaybe<Scalars['String']['input']>;
  status: RegulatoryStatus;
  /** UDI-DI of the device version. */
  udiDi?: InputMaybe<Scalars['String']['input']>;
};

export type ReinstateAlgorithmVersionInput = {
  algorithmVersionId: Scalars['ID']['input'];
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  reason: Scalars['String']['input'];
};

export type ReopenDataQueryInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  queryId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};

export type ReportIntervalCancerInput = {
  commandId: Scalars['ID']['input'];
  /** YYYY-MM-DD */
  diagnosisDate: Scalars['String']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Optional: derived from commandId when absent. */
  reportId?: InputMaybe<Scalars['ID']['input']>;
  source: IntervalCancerSource;
  stage?: InputMaybe<Scalars['String']['input']>;
  subjectId: Scalars['ID']['input'];
};

export type RetireBiomarkerInput = {
  biomarkerId: Scalars['ID']['input'];
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  reason: Scalars['String']['input'];
};

export type RetireDataQualityRuleInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  reason: Scalars['String']['input'];
  ruleId: Scalars['ID']['input'];
};

export type RetractMeasurementInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  measurementId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
  subjectId: Scalars['ID']['input'];
};

/** A new version of the definition; measurements keep the version they were taken under. */
export type ReviseBiomarkerInput = {
  biomarkerId: Scalars['ID']['input'];
  bodySite?: InputMaybe<Scalars['String']['input']>;
  /** Omitted or null: the current version's coded concepts stay; a list (also empty) replaces them. */
  codedConcepts?: InputMaybe<Array<CodedConceptInput>>;
  commandId: Scalars['ID']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  modality: ImagingModality;
  name: Scalars['String']['input'];
  reason: Scalars['String']['input'];
  repeatabilityWcv?: InputMaybe<Scalars['Float']['input']>;
  valueType: BiomarkerValueTypeInput;
  /** Exactly the current version + 1. */
  version: Scalars['Int']['input'];
};

export type RevokeRoleInput = {
  actorId: Scalars['ID']['input'];
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  reason: Scalars['String']['input'];
  role: Scalars['String']['input'];
};

export type RocPoint = {
  __typename?: 'RocPoint';
  sensitivity: Scalars['Float']['output'];
  specificity: Scalars['Float']['output'];
  /** null at the ends of the curve (±infinity). */
  threshold?: Maybe<Scalars['Float']['output']>;
};

export type RocResult = {
  __typename?: 'RocResult';
  auc: Scalars['Float']['output'];
  curve: Array<RocPoint>;
  /** DeLong 95 % CI. */
  lower: Scalars['Float']['output'];
  nNegative: Scalars['Int']['output'];
  nPositive: Scalars['Int']['output'];
  se: Scalars['Float']['output'];
  upper: Scalars['Float']['output'];
};

export type RoleGrant = {
  __typename?: 'RoleGrant';
  actorId: Scalars['ID']['output'];
  grantedAt: Scalars['DateTime']['output'];
  /** The admin who granted it (event metadata). */
  grantedBy: Scalars['ID']['output'];
  programmes: Array<Scalars['ID']['output']>;
  reason: Scalars['String']['output'];
  role: Scalars['String']['output'];
  sites: Array<Scalars['ID']['output']>;
  trials: Array<Scalars['ID']['output']>;
};

export type RoundType =
  | 'ALL'
  | 'FIRST'
  | 'SUBSEQUENT';

export type ScannerInput = {
  manufacturer: Scalars['String']['input'];
  model: Scalars['String']['input'];
  /** The scanner's software version (DICOM Software Versions 0018,1020). */
  softwareVersion?: InputMaybe<Scalars['String']['input']>;
};

/** A declared closed range [min, max] of an algorithm output. */
export type ScoreRange = {
  __typename?: 'ScoreRange';
  max: Scalars['Float']['output'];
  min: Scalars['Float']['output'];
};

/**
 * The range the version's screening score is declared to lie in, from its instructions for use (e.g. 0–1, 0–100 or a
 * 1–10 suspicion scale). Both bounds are finite and min < max (INVALID_SCORE_RANGE otherwise); the bounds belong to the
 * range.
 */
export type ScoreRangeInput = {
  max: Scalars['Float']['input'];
  min: Scalars['Float']['input'];
};

export type Screening = {
  __typename?: 'Screening';
  aiAlgorithmVersionId?: Maybe<Scalars['ID']['output']>;
  aiPositive?: Maybe<Scalars['Boolean']['output']>;
  aiScore?: Maybe<Scalars['Float']['output']>;
  assessmentOutcome?: Maybe<Scalars['String']['output']>;
  diagnosisDate?: Maybe<Scalars['String']['output']>;
  humanResult: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  modality: Scalars['String']['output'];
  programmeId: Scalars['ID']['output'];
  readerIds: Array<Scalars['String']['output']>;
  recallReason?: Maybe<Scalars['String']['output']>;
  recalledAt?: Maybe<Scalars['DateTime']['output']>;
  roundId: Scalars['ID']['output'];
  screenedAt: Scalars['DateTime']['output'];
  siteId: Scalars['String']['output'];
  stage?: Maybe<Scalars['String']['output']>;
};

/** KPIs of the EU breast screening guidelines, configurable per programme. */
export type ScreeningKpi =
  | 'CANCER_DETECTION_RATE'
  | 'INTERVAL_CANCER_RATE'
  | 'PARTICIPATION_RATE'
  | 'PPV_OF_RECALL'
  | 'PROGRAMME_SENSITIVITY'
  | 'RECALL_RATE';

export type ScreeningKpiInput = {
  /** Also report every round and round type per site (participation is per round only: invitations have no site). */
  bySite?: InputMaybe<Scalars['Boolean']['input']>;
  programmeId: Scalars['ID']['input'];
  siteIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /**
   * Count over a frozen analysis snapshot of this programme (freezeAnalysisSnapshot with programmeId) instead of the live
   * read model: the same KPIs after any later write. SNAPSHOT_SCOPE_MISMATCH when it is another scope's snapshot.
   */
  snapshotId?: InputMaybe<Scalars['ID']['input']>;
};

export type ScreeningKpiTarget = {
  __typename?: 'ScreeningKpiTarget';
  acceptable: Scalars['Float']['output'];
  desirable: Scalars['Float']['output'];
  direction: Scalars['String']['output'];
  kpi: Scalars['String']['output'];
  scope: Scalars['String']['output'];
};

export type ScreeningKpis = {
  __typename?: 'ScreeningKpis';
  computedAtPosition?: Maybe<Scalars['GlobalPosition']['output']>;
  fetchMs: Scalars['Float']['output'];
  groups: Array<KpiGroup>;
  /** Trend of one KPI per round: add &kpi=<KpiName> (default RECALL_RATE). */
  plotUrl: Scalars['String']['output'];
  programmeId: Scalars['ID']['output'];
  programmeName: Scalars['String']['output'];
  /** The snapshot the counts come from (input.snapshotId); computedAtPosition is then its data cut. */
  snapshotId?: Maybe<Scalars['ID']['output']>;
};

export type ScreeningProgramme = {
  __typename?: 'ScreeningProgramme';
  ageMax: Scalars['Int']['output'];
  ageMin: Scalars['Int']['output'];
  cancerType: Scalars['String']['output'];
  definedAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  intervalMonths: Scalars['Int']['output'];
  kpiTargets: Array<ScreeningKpiTarget>;
  name: Scalars['String']['output'];
  /** Rounds by number. */
  rounds: Array<ScreeningRound>;
  targetPopulation: Scalars['String']['output'];
};

export type ScreeningProgrammeConnection = {
  __typename?: 'ScreeningProgrammeConnection';
  edges: Array<ScreeningProgrammeEdge>;
  nodes: Array<ScreeningProgramme>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ScreeningProgrammeEdge = {
  __typename?: 'ScreeningProgrammeEdge';
  cursor: Scalars['String']['output'];
  node: ScreeningProgramme;
};

export type ScreeningReadingResult =
  | 'NEGATIVE'
  | 'POSITIVE';

export type ScreeningRecall = {
  __typename?: 'ScreeningRecall';
  aiPositive?: Maybe<Scalars['Boolean']['output']>;
  /** cancer, benign, no_abnormality, … once assessed; null while the assessment is outstanding. */
  assessmentOutcome?: Maybe<Scalars['String']['output']>;
  humanResult: Scalars['String']['output'];
  /** The participant's pseudonym (no direct identifier is kept). */
  pseudonym: Scalars['String']['output'];
  recallReason?: Maybe<Scalars['String']['output']>;
  recalledAt: Scalars['DateTime']['output'];
  screenedAt: Scalars['DateTime']['output'];
  screeningId: Scalars['ID']['output'];
  siteId: Scalars['String']['output'];
  stage?: Maybe<Scalars['String']['output']>;
  subjectId: Scalars['ID']['output'];
};

export type ScreeningRecallConnection = {
  __typename?: 'ScreeningRecallConnection';
  nodes: Array<ScreeningRecall>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ScreeningRound = {
  __typename?: 'ScreeningRound';
  closesOn?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** Interval cancers after a negative screen in this round. */
  intervalCancers: Scalars['Int']['output'];
  invited: Scalars['Int']['output'];
  name?: Maybe<Scalars['String']['output']>;
  number?: Maybe<Scalars['Int']['output']>;
  opensOn?: Maybe<Scalars['String']['output']>;
  recalled: Scalars['Int']['output'];
  screenDetectedCancers: Scalars['Int']['output'];
  screened: Scalars['Int']['output'];
  /** open or closed */
  status: Scalars['String']['output'];
};

/** SDTM RS row. */
export type SdtmRsRow = {
  __typename?: 'SdtmRsRow';
  DOMAIN: Scalars['String']['output'];
  RSCAT: Scalars['String']['output'];
  RSDTC?: Maybe<Scalars['String']['output']>;
  RSEVAL?: Maybe<Scalars['String']['output']>;
  RSORRES: Scalars['String']['output'];
  RSSEQ: Scalars['Int']['output'];
  RSSTRESC: Scalars['String']['output'];
  RSTEST: Scalars['String']['output'];
  RSTESTCD: Scalars['String']['output'];
  STUDYID: Scalars['String']['output'];
  USUBJID: Scalars['String']['output'];
  VISIT?: Maybe<Scalars['String']['output']>;
};

/** SDTM TR row (field names as in SDTMIG). */
export type SdtmTrRow = {
  __typename?: 'SdtmTrRow';
  DOMAIN: Scalars['String']['output'];
  STUDYID: Scalars['String']['output'];
  TRDTC: Scalars['String']['output'];
  TREVAL?: Maybe<Scalars['String']['output']>;
  TRLNKID?: Maybe<Scalars['String']['output']>;
  TRORRES: Scalars['String']['output'];
  TRORRESU?: Maybe<Scalars['String']['output']>;
  TRSEQ: Scalars['Int']['output'];
  TRSTAT?: Maybe<Scalars['String']['output']>;
  TRSTRESC: Scalars['String']['output'];
  TRSTRESN?: Maybe<Scalars['Float']['output']>;
  TRSTRESU?: Maybe<Scalars['String']['output']>;
  TRTEST: Scalars['String']['output'];
  TRTESTCD: Scalars['String']['output'];
  USUBJID: Scalars['String']['output'];
  VISIT: Scalars['String']['output'];
};

export type SealFailure = {
  __typename?: 'SealFailure';
  expected: Scalars['String']['output'];
  /**
   * merkle_root_mismatch, event_count_mismatch, chain_mismatch, missing_seal, position_missing (the log disagrees
   * with its own seals); signature_invalid, unknown_key, signature_missing (a seal in the log is not signed by an
   * accepted key); journal_line_unreadable, journal_chain_broken (a line removed, inserted or edited),
   * journal_sequence_gap, journal_seal_chain_mismatch, journal_signature_invalid (the journal itself is damaged);
   * anchored_seal_missing (a journaled seal is not in the log: its tail was cut off); anchored_seal_mismatch (the
   * log's seal differs from the journaled one: rewritten).
   */
  reason: Scalars['String']['output'];
  sequence: Scalars['Int']['output'];
  stored: Scalars['String']['output'];
};

export type SealVerificationReport = {
  __typename?: 'SealVerificationReport';
  /** The newest seal of the journal kept outside the database that the log was compared with; null before the first seal. */
  anchored?: Maybe<AnchoredSeal>;
  eventsCovered: Scalars['Int']['output'];
  firstFailure?: Maybe<SealFailure>;
  /** Lines of the seal journal checked (chained to the previous line's hash, signed, consecutive). */
  journalEntries: Scalars['Int']['output'];
  /** The key ids a seal signature is accepted from: the current signing key first, then retired ones. */
  keyIds: Array<Scalars['String']['output']>;
  ok: Scalars['Boolean']['output'];
  sealsChecked: Scalars['Int']['output'];
};

export type Segmentation = {
  __typename?: 'Segmentation';
  /** The segmentation algorithm and its version (required for AI). */
  algorithm?: Maybe<Scalars['String']['output']>;
  algorithmVersion?: Maybe<Scalars['String']['output']>;
  method: SegmentationMethod;
};

export type SegmentationInput = {
  algorithm?: InputMaybe<Scalars['String']['input']>;
  algorithmVersion?: InputMaybe<Scalars['String']['input']>;
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

export type SignRecordInput = {
  commandId: Scalars['ID']['input'];
  meaning: SignatureMeaning;
  /** Local mode only (AUTH_MODE=local): the signer's signing password (npm run signing-password). Never stored or logged. */
  signingPassword?: InputMaybe<Scalars['String']['input']>;
  /** What the signer agrees to, e.g. 'I approve this casebook as complete and correct.' Shown with the signature. */
  statement: Scalars['String']['input'];
  target: SignatureTargetInput;
};

export type Signature = {
  __typename?: 'Signature';
  authenticatedAt: Scalars['DateTime']['output'];
  /** How the signer re-authenticated: oidc_auth_time or local_signing_password. */
  authenticationMethod: Scalars['String']['output'];
  contentRevision: Scalars['Int']['output'];
  /** SHA-256 (hex) of the signed content: the canonical JSON of the target's events up to contentRevision. */
  contentSha256: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** When the signed content first changed after signing; null while VALID. */
  invalidatedAt?: Maybe<Scalars['DateTime']['output']>;
  meaning: SignatureMeaning;
  /** §11.50(a)(2): when it was signed (server clock, UTC). */
  signedAt: Scalars['DateTime']['output'];
  /** The token subject who signed. */
  signerId: Scalars['ID']['output'];
  /** §11.50(a)(1): the signer's printed name (the token's `name` claim). */
  signerName: Scalars['String']['output'];
  signerRole: Scalars['String']['output'];
  statement: Scalars['String']['output'];
  status: SignatureStatus;
};

export type SignatureMeaning =
  | 'APPROVAL'
  | 'AUTHORSHIP'
  | 'RESPONSIBILITY'
  | 'REVIEW'
  | 'VERIFICATION';

export type SignatureStatus =
  /** The signed content changed after signing (an edit, a correction, an unlock): the signature no longer covers it. */
  | 'INVALIDATED'
  /** The signed content is as it was when signed. */
  | 'VALID';

/** Exactly one of these (INVALID_SIGNATURE_TARGET otherwise). */
export type SignatureTargetInput = {
  analysisSnapshot?: InputMaybe<AnalysisSnapshotSignatureTargetInput>;
  lock?: InputMaybe<LockSignatureTargetInput>;
  measurement?: InputMaybe<MeasurementSignatureTargetInput>;
  subject?: InputMaybe<SubjectSignatureTargetInput>;
  trial?: InputMaybe<TrialSignatureTargetInput>;
};

export type SnapshotErasure = {
  __typename?: 'SnapshotErasure';
  /** Global position of the SubjectErased event. */
  position: Scalars['GlobalPosition']['output'];
  /**
   * When eraseSubject recorded the erasure on the snapshot (AnalysisSnapshotErasureRecorded on its stream, part of the
   * snapshot's manifest from then on). Null for an erasure found only in the log: its recording did not complete, and
   * repeating the same eraseSubject command completes it.
   */
  recordedAt?: Maybe<Scalars['DateTime']['output']>;
  subjectId: Scalars['ID']['output'];
};

export type SnapshotExport = {
  __typename?: 'SnapshotExport';
  format: SnapshotExportFormat;
  mediaType: Scalars['String']['output'];
  /** Path of the download, relative to the API's origin; the file name carries the snapshot's content hash. */
  url: Scalars['String']['output'];
};

export type SnapshotExportFormat =
  /** One row per measurement (measurements_long.csv). */
  | 'CSV_LONG'
  /** One row per subject x time point x lesion x observer, a column per biomarker (measurements_wide.csv). */
  | 'CSV_WIDE'
  /** The data dictionary of the CSV files (data_dictionary.csv). */
  | 'DICTIONARY'
  /** FHIR R4: one collection Bundle per subject, NDJSON. */
  | 'FHIR'
  /** OMOP CDM 5.4 + Medical Imaging extension: one CSV per table, in a ZIP archive. */
  | 'OMOP'
  /** The long file as Apache Parquet (measurements_long.parquet). */
  | 'PARQUET'
  /** CDISC SDTM DM, TU, TR, RS as a SAS transport file (XPORT version 5), one member per domain (trials only). */
  | 'SAS_XPORT'
  /** CDISC SDTM DM, TU, TR, RS as CSV with define.xml, in a ZIP archive (trials only). */
  | 'SDTM';

export type SnapshotReadModel = {
  __typename?: 'SnapshotReadModel';
  name: Scalars['String']['output'];
  version: Scalars['Int']['output'];
};

export type SnapshotRow = {
  __typename?: 'SnapshotRow';
  /** Canonical JSON of the row. */
  json: Scalars['String']['output'];
  /** Canonical JSON of the row's primary-key values. */
  key: Scalars['String']['output'];
};

export type SnapshotRowConnection = {
  __typename?: 'SnapshotRowConnection';
  /** Pass as `after` for the next page; null on the last. */
  endCursor?: Maybe<Scalars['String']['output']>;
  nodes: Array<SnapshotRow>;
};

export type SnapshotTable = {
  __typename?: 'SnapshotTable';
  /** Hex SHA-256 of this table's lines alone. */
  hash: Scalars['String']['output'];
  rows: Scalars['Int']['output'];
  table: Scalars['String']['output'];
};

export type SnapshotVerification = {
  __typename?: 'SnapshotVerification';
  /** Tables whose recomputed rows differ from the frozen ones (row count or hash). */
  differingTables: Array<Scalars['String']['output']>;
  matches: Scalars['Boolean']['output'];
  recomputedHash: Scalars['String']['output'];
  snapshotId: Scalars['ID']['output'];
  storedHash: Scalars['String']['output'];
  /** Whether the kept rows still hash to the frozen hash (nothing changed them in the database). */
  storedRowsMatch: Scalars['Boolean']['output'];
};

export type StartExportInput = {
  /**
   * Idempotent: the same commandId answers the same job (IDEMPOTENCY_CONFLICT with other content). A job that FAILED
   * (also one whose process stopped: shown FAILED with code EXPORT_INTERRUPTED) is started again by sending the same
   * input with the same commandId: same job id, `attempt` one higher, the same snapshot when one was frozen.
   */
  commandId: Scalars['ID']['input'];
  format: SnapshotExportFormat;
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  /** An existing snapshot of the scope; without it the job freezes one now (purpose 'export', commandId-derived id). */
  snapshotId?: InputMaybe<Scalars['ID']['input']>;
  /** Exactly one of trialId and programmeId (SNAPSHOT_SCOPE_REQUIRED otherwise). */
  trialId?: InputMaybe<Scalars['ID']['input']>;
};

export type StatusFinding = {
  __typename?: 'StatusFinding';
  /**
   * EVENTS_MISSING: more events were counted than the newest position allows. CHECKPOINT_BEYOND_LOG: a projection
   * applied events beyond the newest one in the log. ANCHORED_SEAL_BEYOND_LOG: the newest seal kept outside the
   * database covers positions the log no longer has.
   */
  code: Scalars['String']['output'];
  /** What was seen, in figures. */
  message: Scalars['String']['output'];
};

/** Kaplan–Meier strata of the biomarker: a threshold (below / at or above) or quantile groups; default: median split. */
export type StrataInput = {
  quantiles?: InputMaybe<Scalars['Int']['input']>;
  threshold?: InputMaybe<Scalars['Float']['input']>;
};

export type Subject = {
  __typename?: 'Subject';
  armCode?: Maybe<Scalars['String']['output']>;
  consentDate?: Maybe<Scalars['String']['output']>;
  consentVersion?: Maybe<Scalars['String']['output']>;
  enrolledAt?: Maybe<Scalars['DateTime']['output']>;
  firstInvitedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  kind: SubjectKind;
  programmeId?: Maybe<Scalars['ID']['output']>;
  /** Keyed pseudonym, unique within its trial or programme (rules: `EnrolSubjectInput.pseudonym`); the registry keeps no direct identifiers. */
  pseudonym: Scalars['String']['output'];
  randomisedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Signatures of the subject's casebook (as it reads now; `asOf` does not apply). */
  signatures: Array<Signature>;
  siteId?: Maybe<Scalars['String']['output']>;
  /** enrolled, randomised, withdrawn, invited, screened, recalled, assessed, opted_out */
  status: Scalars['String']['output'];
  stratum?: Maybe<Scalars['String']['output']>;
  /** Everything that happened to the subject, in the order it happened (then in the order it was recorded). */
  timeline: Array<TimelineEntry>;
  trialId?: Maybe<Scalars['ID']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  /** Stream version (pass it as expectedVersion to guard a change). */
  version: Scalars['Int']['output'];
  withdrawalReason?: Maybe<Scalars['String']['output']>;
  withdrawnAt?: Maybe<Scalars['DateTime']['output']>;
};

export type SubjectConnection = {
  __typename?: 'SubjectConnection';
  edges: Array<SubjectEdge>;
  nodes: Array<Subject>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type SubjectEdge = {
  __typename?: 'SubjectEdge';
  cursor: Scalars['String']['output'];
  node: Subject;
};

export type SubjectFilter = {
  armCode?: InputMaybe<Scalars['String']['input']>;
  programmeId?: InputMaybe<Scalars['ID']['input']>;
  /**
   * Free text (1–40 characters after trimming; blank = no search): subjects whose pseudonym, subject id or site id
   * starts with it, case-insensitively (`con-00` finds CON-0001). A prefix match on indexed columns, never a scan of the
   * registry; `%` and `_` are plain characters. Combined with the other fields and the caller's scopes as they are.
   * Personal data is never searched: it is sealed and held outside the read models. Longer: BAD_USER_INPUT (field
   * `filter.search`).
   */
  search?: InputMaybe<Scalars['String']['input']>;
  siteId?: InputMaybe<Scalars['String']['input']>;
  /** enrolled, randomised, withdrawn, invited, screened, recalled, assessed, opted_out */
  status?: InputMaybe<Scalars['String']['input']>;
  trialId?: InputMaybe<Scalars['ID']['input']>;
};

export type SubjectKind =
  | 'SCREENING'
  | 'TRIAL';

export type SubjectPersonalData = {
  __typename?: 'SubjectPersonalData';
  comment?: Maybe<Scalars['String']['output']>;
  /** True once the subject was erased: its key is gone and nothing below can be read. */
  erased: Scalars['Boolean']['output'];
  /** When the fields shown were recorded (the latest recording wins). */
  recordedAt?: Maybe<Scalars['DateTime']['output']>;
  sex?: Maybe<Sex>;
  subjectId: Scalars['ID']['output'];
  yearOfBirth?: Maybe<Scalars['Int']['output']>;
};

export type SubjectSignatureTargetInput = {
  subjectId: Scalars['ID']['input'];
};

export type SurveillanceAlarm = {
  __typename?: 'SurveillanceAlarm';
  alarmId: Scalars['ID']['output'];
  direction: AlarmDirection;
  expectedRate: Scalars['Float']['output'];
  h: Scalars['Float']['output'];
  k: Scalars['Float']['output'];
  metric: SurveillanceMetric;
  month: Scalars['String']['output'];
  observedRate: Scalars['Float']['output'];
  siteId?: Maybe<Scalars['ID']['output']>;
  statistic: Scalars['Float']['output'];
};

export type SurveillanceAlarmReceipt = {
  __typename?: 'SurveillanceAlarmReceipt';
  alarms: Array<SurveillanceAlarm>;
  /** Drift alarms of input.drift (appended as SurveillanceDriftAlarmRaised, once per alarm id). */
  driftAlarms: Array<DriftAlarm>;
  globalPosition?: Maybe<Scalars['GlobalPosition']['output']>;
  /** Alarms appended by this command (already raised ones are not repeated). */
  raisedCount: Scalars['Int']['output'];
  replayed: Scalars['Boolean']['output'];
  streamId: Scalars['String']['output'];
  version: Scalars['Int']['output'];
};

export type SurveillanceCell = {
  __typename?: 'SurveillanceCell';
  aiMeasurements: Scalars['Int']['output'];
  aiPositive: Scalars['Int']['output'];
  aiPositiveRate?: Maybe<Proportion>;
  cancers: Scalars['Int']['output'];
  /** Share of AI measurements later corrected or retracted. */
  correctionRate?: Maybe<Proportion>;
  /** YYYY-MM (UTC); "all" on the total. */
  month: Scalars['String']['output'];
  /** Share of readings where the AI call equals the human reading. */
  readerAgreementRate?: Maybe<Proportion>;
  readings: Scalars['Int']['output'];
  /** Against confirmed cancers (screen-detected, or interval cancers after the screening). */
  sensitivity?: Maybe<Proportion>;
  /** null on rows that sum all sites. */
  siteId?: Maybe<Scalars['ID']['output']>;
  specificity?: Maybe<Proportion>;
};

/**
 * Surveillance is per algorithm version and never mixes versions or human readings: screenings count by the version
 * of their AI reading (the human reading is only the comparator of readerAgreementRate), and correctionRate counts
 * that version's own AI outputs (method ai; not semi-automatic readings that name it as the reader's tool).
 */
export type SurveillanceInput = {
  algorithmVersionId: Scalars['ID']['input'];
  /**
   * Compute over what the registry knew at this time: reading versions recorded by then (a later correction is not seen),
   * screening results and interval cancers recorded by then. Not together with snapshotId.
   */
  asOf?: InputMaybe<Scalars['DateTime']['input']>;
  compareWithPredecessor?: InputMaybe<Scalars['Boolean']['input']>;
  cusum?: InputMaybe<CusumInput>;
  /** Quantitative drift of one biomarker the version measures, against the human reference, per stratum. */
  drift?: InputMaybe<DriftInput>;
  /** Readings acquired at or after / before. */
  from?: InputMaybe<Scalars['DateTime']['input']>;
  programmeIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  siteIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /**
   * Compute over a frozen analysis snapshot (freezeAnalysisSnapshot) instead of the live read model: the same result after
   * any later write. The caller must be allowed to read the snapshot's trial or programme.
   */
  snapshotId?: InputMaybe<Scalars['ID']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

export type SurveillanceMetric =
  | 'AI_POSITIVE_RATE'
  | 'FALSE_NEGATIVE_RATE'
  | 'READER_DISAGREEMENT_RATE';

export type SurveillanceReport = {
  __typename?: 'SurveillanceReport';
  /**
   * What was done about the alarms. The registry has no acknowledgement or corrective-action record for surveillance
   * alarms yet, so this states that none is recorded.
   */
  actions: Scalars['String']['output'];
  /** Alarms whose window (month) lies in the period, as raised in the audited log (by users or the scheduled run). */
  alarms: Array<RaisedSurveillanceAlarm>;
  algorithm: SurveillanceReportAlgorithm;
  algorithmVersionId: Scalars['ID']['output'];
  computedAtPosition?: Maybe<Scalars['GlobalPosition']['output']>;
  /** One drift section per biomarker the version measures (default settings, non-personal strata). */
  drift: Array<Maybe<DriftSurveillance>>;
  driftAlarms: Array<RaisedDriftAlarm>;
  from: Scalars['DateTime']['output'];
  generatedAt: Scalars['DateTime']['output'];
  htmlUrl: Scalars['String']['output'];
  perSite: Array<SurveillanceCell>;
  to: Scalars['DateTime']['output'];
  /** Screening performance (Wilson 95 % CIs): all sites, then per site. */
  total: SurveillanceCell;
  use: SurveillanceUse;
};

export type SurveillanceReportAlgorithm = {
  __typename?: 'SurveillanceReportAlgorithm';
  intendedUse: Scalars['String']['output'];
  manufacturer: Scalars['String']['output'];
  name: Scalars['String']['output'];
  predecessorId?: Maybe<Scalars['ID']['output']>;
  status: Scalars['String']['output'];
  version: Scalars['String']['output'];
};

export type SurveillanceUse = {
  __typename?: 'SurveillanceUse';
  /** The version's quantitative outputs (AI measurements). */
  aiMeasurements: Scalars['Int']['output'];
  monthly: Array<SurveillanceUseMonth>;
  /** Screenings read by the version. */
  screeningReadings: Scalars['Int']['output'];
  sites: Scalars['Int']['output'];
};

export type SurveillanceUseMonth = {
  __typename?: 'SurveillanceUseMonth';
  aiMeasurements: Scalars['Int']['output'];
  month: Scalars['String']['output'];
  screeningReadings: Scalars['Int']['output'];
};

export type SuspendAlgorithmVersionInput = {
  algorithmVersionId: Scalars['ID']['input'];
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  reason: Scalars['String']['input'];
};

export type ThresholdSource =
  | 'GIVEN'
  | 'YOUDEN';

export type TimeDependentAuc = {
  __typename?: 'TimeDependentAuc';
  /** Cumulative/dynamic AUC of the linear predictor: cases with the event by the horizon, controls event-free at it. */
  auc: Scalars['Float']['output'];
  cases: Scalars['Int']['output'];
  controls: Scalars['Int']['output'];
  /** Censored before the horizon: left out (no censoring weights). */
  excluded: Scalars['Int']['output'];
  horizonDays: Scalars['Int']['output'];
  /** DeLong 95 % CI. */
  lower: Scalars['Float']['output'];
  upper: Scalars['Float']['output'];
};

export type TimePointInput = {
  /** Stable code measurements refer to (BASELINE, W8, EOT). */
  code: Scalars['String']['input'];
  label: Scalars['String']['input'];
  /** Study day relative to randomisation (day 1); negative for screening visits. */
  targetDay: Scalars['Int']['input'];
  windowAfterDays: Scalars['Int']['input'];
  windowBeforeDays: Scalars['Int']['input'];
};

/** One entry of a subject's timeline: exactly one of the detail fields is set, as `kind` says. */
export type TimelineEntry = {
  __typename?: 'TimelineEntry';
  imagingStudy?: Maybe<ImagingStudy>;
  kind: TimelineEntryKind;
  measurement?: Maybe<Measurement>;
  milestone?: Maybe<Milestone>;
  /** When it happened (scan date, outcome date, …). */
  occurredAt: Scalars['DateTime']['output'];
  outcome?: Maybe<Outcome>;
  /** Global position of the event that created the entry. */
  position: Scalars['GlobalPosition']['output'];
  /** When the registry learnt it (for a corrected measurement: when it was first recorded). */
  recordedAt: Scalars['DateTime']['output'];
  screening?: Maybe<Screening>;
};

export type TimelineEntryKind =
  | 'IMAGING_STUDY'
  | 'MEASUREMENT'
  | 'MILESTONE'
  | 'OUTCOME'
  | 'SCREENING';

export type Trial = {
  __typename?: 'Trial';
  arms: Array<TrialArm>;
  enrolment: TrialEnrolment;
  id: Scalars['ID']['output'];
  identifiers: Array<TrialRegistryIdentifier>;
  /** Reason of the last lock or unlock. */
  lockReason?: Maybe<Scalars['String']['output']>;
  locked: Scalars['Boolean']['output'];
  lockedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The locks in force now: of the trial, its sites and its subjects. */
  locks: Array<RecordLock>;
  /** As registered: 0, I, I/II, II, II/III, III, IV or NOT_APPLICABLE. */
  phase: Scalars['String']['output'];
  primaryEndpoint: Scalars['String']['output'];
  registeredAt: Scalars['DateTime']['output'];
  schedule: Array<VisitTimePoint>;
  scheduleVersion?: Maybe<Scalars['Int']['output']>;
  /** Signatures of the trial record (as it reads now; `asOf` does not apply). */
  signatures: Array<Signature>;
  sites: Array<TrialSite>;
  sponsor: Scalars['String']['output'];
  status: TrialStatus;
  title: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** Stream version (pass it as expectedVersion to guard a change). */
  version: Scalars['Int']['output'];
};

export type TrialArm = {
  __typename?: 'TrialArm';
  /** Subjects randomised to the arm (withdrawn ones included). */
  actualSize: Scalars['Int']['output'];
  code: Scalars['String']['output'];
  name: Scalars['String']['output'];
  plannedSize: Scalars['Int']['output'];
  type: TrialArmType;
  withdrawn: Scalars['Int']['output'];
};

export type TrialArmType =
  | 'ACTIVE_COMPARATOR'
  | 'EXPERIMENTAL'
  | 'NO_INTERVENTION'
  | 'PLACEBO';

export type TrialConnection = {
  __typename?: 'TrialConnection';
  edges: Array<TrialEdge>;
  nodes: Array<Trial>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type TrialEdge = {
  __typename?: 'TrialEdge';
  cursor: Scalars['String']['output'];
  node: Trial;
};

export type TrialEnrolment = {
  __typename?: 'TrialEnrolment';
  /** Subjects per arm (null: not randomised yet) and site. */
  byArmAndSite: Array<ArmSiteCount>;
  enrolled: Scalars['Int']['output'];
  randomised: Scalars['Int']['output'];
  withdrawn: Scalars['Int']['output'];
};

export type TrialFilter = {
  /** A registry identifier value, e.g. NCT01234567. */
  identifier?: InputMaybe<Scalars['String']['input']>;
  locked?: InputMaybe<Scalars['Boolean']['input']>;
  /** As registered, e.g. III or I/II. */
  phase?: InputMaybe<Scalars['String']['input']>;
  sponsor?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<TrialStatus>;
  /** Case-insensitive part of the title. */
  titleContains?: InputMaybe<Scalars['String']['input']>;
};

export type TrialIdentifierInput = {
  /** Detected from the value when omitted (NCT01234567, 2024-512345-12-00, …). */
  system?: InputMaybe<TrialIdentifierSystem>;
  value: Scalars['String']['input'];
};

export type TrialIdentifierSystem =
  | 'EUDRACT'
  | 'EU_CT'
  | 'ISRCTN'
  | 'NCT'
  | 'OTHER';

export type TrialPhase =
  | 'NOT_APPLICABLE'
  | 'PHASE_0'
  | 'PHASE_I'
  | 'PHASE_II'
  | 'PHASE_III'
  | 'PHASE_II_III'
  | 'PHASE_IV'
  | 'PHASE_I_II';

export type TrialRegistryIdentifier = {
  __typename?: 'TrialRegistryIdentifier';
  system: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type TrialSignatureTargetInput = {
  trialId: Scalars['ID']['input'];
};

export type TrialSite = {
  __typename?: 'TrialSite';
  activatedAt: Scalars['DateTime']['output'];
  closedAt?: Maybe<Scalars['DateTime']['output']>;
  country?: Maybe<Scalars['String']['output']>;
  /** Subjects enrolled at the site (withdrawn ones included). */
  enrolled: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  status: TrialSiteStatus;
  withdrawn: Scalars['Int']['output'];
};

export type TrialSiteStatus =
  | 'ACTIVE'
  | 'CLOSED';

export type TrialStatus =
  | 'ENROLMENT_CLOSED'
  | 'ENROLMENT_OPEN'
  | 'REGISTERED';

export type UnblindingScope =
  | 'SUBJECT'
  | 'TRIAL';

/** The electronic signature an unlock carries (meaning defaults to RESPONSIBILITY). */
export type UnlockSignatureInput = {
  meaning?: InputMaybe<SignatureMeaning>;
  /** Local mode only: the signer's signing password. */
  signingPassword?: InputMaybe<Scalars['String']['input']>;
  statement: Scalars['String']['input'];
};

export type UnlockTrialInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  reason: Scalars['String']['input'];
  /** Required (UNLOCK_SIGNATURE_REQUIRED): the electronic signature of who lifts the lock, with a fresh authentication. */
  signature?: InputMaybe<UnlockSignatureInput>;
  /** Unlock these sites only. */
  siteIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Unlock these subjects only. */
  subjectIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  trialId: Scalars['ID']['input'];
};

export type ValidationStudy = {
  __typename?: 'ValidationStudy';
  /** Global event position of the subjects projection the dataset was read at (provenance; rerun to compare). */
  computedAtPosition?: Maybe<Scalars['GlobalPosition']['output']>;
  cox?: Maybe<CoxBiomarker>;
  /** Milliseconds spent reading the dataset from the read models. */
  fetchMs: Scalars['Float']['output'];
  /** Forest plot of multivariable.cox's hazard ratios; null without input.multivariable or a TIME_TO_EVENT endpoint. */
  forestPlotUrl?: Maybe<Scalars['String']['output']>;
  /** Subjects in the statistics (binary: with an evaluable label). */
  includedCount: Scalars['Int']['output'];
  kaplanMeier?: Maybe<KaplanMeierStrata>;
  /** KM plot by strata (the ROC plot is plotUrl). */
  kaplanMeierPlotUrl: Scalars['String']['output'];
  /** Present when input.multivariable is given. */
  multivariable?: Maybe<MultivariableValidation>;
  performance?: Maybe<DiagnosticPerformance>;
  plotUrl: Scalars['String']['output'];
  roc?: Maybe<RocResult>;
  rows: Array<ValidationStudyRow>;
  /** The snapshot the dataset was read from (input.snapshotId); computedAtPosition is then its data cut. */
  snapshotId?: Maybe<Scalars['ID']['output']>;
  subjectCount: Scalars['Int']['output'];
};

export type ValidationStudyInput = {
  biomarkerId: Scalars['ID']['input'];
  biomarkerVersion?: InputMaybe<Scalars['Int']['input']>;
  endpoint: EndpointInput;
  /** Whether a higher value means positive / higher risk (fixed in advance, never chosen from the data). Default true. */
  higherIsPositive?: InputMaybe<Scalars['Boolean']['input']>;
  /** Whose reading is the index test. One reading per subject, else AMBIGUOUS_READING (field indexTest). */
  indexTest: ReadingSelectionInput;
  /** Multivariable validation: the biomarker beside clinical covariates and other biomarkers (ValidationStudy.multivariable). */
  multivariable?: InputMaybe<MultivariableInput>;
  population?: InputMaybe<PopulationInput>;
  /**
   * Compute over a frozen analysis snapshot (freezeAnalysisSnapshot) instead of the live read model: the rows as they
   * were at its data cut, so a re-run gives the same result after any later write or correction. The caller must be
   * allowed to read the snapshot (SNAPSHOT_NOT_FOUND, or FORBIDDEN); the population filters apply within it.
   */
  snapshotId?: InputMaybe<Scalars['ID']['input']>;
  strata?: InputMaybe<StrataInput>;
  /** Threshold for sensitivity/specificity; default: the Youden-optimal one. */
  threshold?: InputMaybe<Scalars['Float']['input']>;
  /**
   * Time point of the index measurement: a code of the trial's visit schedule (e.g. "BASELINE") or a time point the
   * biomarker's measurements carry. Case-sensitive; a code nothing in the population knows is UNKNOWN_TIME_POINT.
   */
  timePoint: Scalars['String']['input'];
};

export type ValidationStudyRow = {
  __typename?: 'ValidationStudyRow';
  armCode?: Maybe<Scalars['String']['output']>;
  event?: Maybe<Scalars['Int']['output']>;
  eventAt?: Maybe<Scalars['DateTime']['output']>;
  exclusionReason?: Maybe<Scalars['String']['output']>;
  included: Scalars['Boolean']['output'];
  label?: Maybe<Scalars['Int']['output']>;
  lastKnownAliveAt?: Maybe<Scalars['DateTime']['output']>;
  measuredAt: Scalars['DateTime']['output'];
  measurementId: Scalars['ID']['output'];
  /** Global position of the measurement version used. */
  position: Scalars['GlobalPosition']['output'];
  programmeId?: Maybe<Scalars['ID']['output']>;
  /** The index reading the value comes from (measurementId, rater, reader or algorithm version). */
  reading: ReadingProvenance;
  siteId?: Maybe<Scalars['ID']['output']>;
  subjectId: Scalars['ID']['output'];
  /** Days from the index scan to the event or censoring. */
  time?: Maybe<Scalars['Float']['output']>;
  trialId?: Maybe<Scalars['ID']['output']>;
  unit?: Maybe<Scalars['String']['output']>;
  value: Scalars['Float']['output'];
};

export type VerificationFailure = {
  __typename?: 'VerificationFailure';
  eventId: Scalars['ID']['output'];
  expectedHash: Scalars['String']['output'];
  globalPosition: Scalars['GlobalPosition']['output'];
  reason: Scalars['String']['output'];
  revision: Scalars['Int']['output'];
  storedHash: Scalars['String']['output'];
  streamId: Scalars['String']['output'];
};

export type VerificationReport = {
  __typename?: 'VerificationReport';
  eventsChecked: Scalars['Int']['output'];
  /** The first event whose hash chain fails; null when every chain holds (the seals may still fail). */
  firstFailure?: Maybe<VerificationFailure>;
  /** False when a hash chain or (over the whole log) a seal or the anchored seal disagrees with the log. */
  ok: Scalars['Boolean']['output'];
  /** Seals recomputed from the log and compared with the newest anchored seal; null when one stream was verified. */
  seals?: Maybe<SealVerificationReport>;
  streamsChecked: Scalars['Int']['output'];
};

export type VersionComparison = {
  __typename?: 'VersionComparison';
  /** This version minus its predecessor. */
  aiPositiveRate?: Maybe<ProportionDifference>;
  correctionRate?: Maybe<ProportionDifference>;
  predecessor: SurveillanceCell;
  predecessorVersionId: Scalars['ID']['output'];
  readerAgreementRate?: Maybe<ProportionDifference>;
  sensitivity?: Maybe<ProportionDifference>;
  specificity?: Maybe<ProportionDifference>;
};

export type VisitTimePoint = {
  __typename?: 'VisitTimePoint';
  code: Scalars['String']['output'];
  label: Scalars['String']['output'];
  targetDay: Scalars['Int']['output'];
  windowAfterDays: Scalars['Int']['output'];
  windowBeforeDays: Scalars['Int']['output'];
};

export type WithdrawAlgorithmVersionInput = {
  algorithmVersionId: Scalars['ID']['input'];
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  reason: Scalars['String']['input'];
};

export type WithdrawSubjectInput = {
  commandId: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  reason: Scalars['String']['input'];
  subjectId: Scalars['ID']['input'];
  /** YYYY-MM-DD */
  withdrawalDate: Scalars['String']['input'];
};
