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

export type AccessLogEntry = {
  __typename?: 'AccessLogEntry';
  actorId: Scalars['String']['output'];
  actorRole: Scalars['String']['output'];
  at: Scalars['DateTime']['output'];
  /** graphql, http-export or cli-export. */
  channel: Scalars['String']['output'];
  correlationId?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  operationName?: Maybe<Scalars['String']['output']>;
  operationType: Scalars['String']['output'];
  programmeIds: Array<Scalars['String']['output']>;
  rootFields: Array<Scalars['String']['output']>;
  trialIds: Array<Scalars['String']['output']>;
  /** SHA-256 of the canonical JSON of the operation's variables. */
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
  programmeId?: InputMaybe<Scalars['String']['input']>;
  streamId?: InputMaybe<Scalars['String']['input']>;
  /** Recorded before (exclusive). */
  to?: InputMaybe<Scalars['DateTime']['input']>;
  /** Events of the trial's own stream and every event whose data names the trial (subjects, measurements, …). */
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
  /** RFC 6962 Merkle tree root over the covered events. */
  merkleRoot: Scalars['String']['output'];
  sealedAt: Scalars['DateTime']['output'];
  sequence: Scalars['Int']['output'];
  /** Global position of the last event the seal covers. */
  upToPosition: Scalars['GlobalPosition']['output'];
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
  /** True when this commandId had been handled before: nothing was appended this time. */
  replayed: Scalars['Boolean']['output'];
  streamId: Scalars['String']['output'];
  /** Stream version after the command: pass it as expectedVersion to guard your next change. */
  version: Scalars['Int']['output'];
};

export type FieldChange = {
  __typename?: 'FieldChange';
  field: Scalars['String']['output'];
  /** JSON of the corrected value. */
  new?: Maybe<Scalars['String']['output']>;
  /** JSON of the value before the correction (null when the field was absent). */
  previous?: Maybe<Scalars['String']['output']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Seals the log now up to its newest safely readable event (the registry also seals periodically). Null when nothing new. */
  sealAuditTrail?: Maybe<AuditSeal>;
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
  /** Events in the store that this projection has not applied yet. */
  lag: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  state: ProjectionState;
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
  version: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Who ran which operation on which trial or programme, when (newest first). Kept at least 366 days. */
  accessLog: AccessLogPage;
  /**
   * Where to download the same selection as JSON lines (one event per line, with its hash and the previous hash
   * of its stream so each line verifies offline). GET it with the same bearer token; the download is logged.
   */
  auditExport: AuditExportLink;
  /** All events matching the filter in global order, a page at a time (pass `nextCursor` back as `after`). */
  auditLog: AuditLogPage;
  /** Seals of the event log (Merkle roots over all events up to a position), newest first. */
  auditSeals: Array<AuditSeal>;
  /**
   * Every event of one stream (e.g. `subject-…`, `trial-…`), oldest first, with who, in which role, why, when it
   * was recorded and when it happened. Corrections show the previous and the new values side by side. With
   * `entityId`, only the events of that stream that concern it (e.g. one measurement of a subject).
   */
  history: Array<AuditEvent>;
  /** Health of the registry: the event log and every projection's progress. */
  registryStatus: RegistryStatus;
  /** Recomputes every seal from the stored events: detects a stream rewritten together with its hash chain. */
  verifyAuditSeals: SealVerificationReport;
  /** Walks the event store's hash chains (one stream, or all) and reports the first event whose content no longer matches. */
  verifyAuditTrail: VerificationReport;
};


export type QueryAccessLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AccessLogFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAuditExportArgs = {
  filter?: InputMaybe<AuditLogFilter>;
};


export type QueryAuditLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditLogFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAuditSealsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryHistoryArgs = {
  entityId?: InputMaybe<Scalars['String']['input']>;
  streamId: Scalars['String']['input'];
};


export type QueryVerifyAuditTrailArgs = {
  streamId?: InputMaybe<Scalars['String']['input']>;
};

export type RegistryStatus = {
  __typename?: 'RegistryStatus';
  /** Number of events in the store. */
  eventCount: Scalars['Int']['output'];
  /** Global position of the newest event, null when the store is empty. */
  lastPosition?: Maybe<Scalars['GlobalPosition']['output']>;
  projections: Array<ProjectionStatus>;
};

export type SealFailure = {
  __typename?: 'SealFailure';
  expected: Scalars['String']['output'];
  reason: Scalars['String']['output'];
  sequence: Scalars['Int']['output'];
  stored: Scalars['String']['output'];
};

export type SealVerificationReport = {
  __typename?: 'SealVerificationReport';
  eventsCovered: Scalars['Int']['output'];
  firstFailure?: Maybe<SealFailure>;
  ok: Scalars['Boolean']['output'];
  sealsChecked: Scalars['Int']['output'];
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
  firstFailure?: Maybe<VerificationFailure>;
  ok: Scalars['Boolean']['output'];
  streamsChecked: Scalars['Int']['output'];
};
