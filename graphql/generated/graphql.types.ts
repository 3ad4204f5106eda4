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
  /** Health of the registry: the event log and every projection's progress. */
  registryStatus: RegistryStatus;
  /** Walks the event store's hash chains (one stream, or all) and reports the first event whose content no longer matches. */
  verifyAuditTrail: VerificationReport;
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
