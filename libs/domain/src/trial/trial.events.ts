import type { DomainEvent } from '../decider.js';

export const TRIAL_IDENTIFIER_SYSTEMS = ['EU_CT', 'EUDRACT', 'NCT', 'ISRCTN', 'OTHER'] as const;
export type TrialIdentifierSystem = (typeof TRIAL_IDENTIFIER_SYSTEMS)[number];
export const TRIAL_PHASES = ['0', 'I', 'I/II', 'II', 'II/III', 'III', 'IV', 'NOT_APPLICABLE'] as const;
export type TrialPhase = (typeof TRIAL_PHASES)[number];
export const ARM_TYPES = ['experimental', 'active_comparator', 'placebo', 'no_intervention'] as const;
export type ArmType = (typeof ARM_TYPES)[number];
export const UNBLINDING_SCOPES = ['subject', 'trial'] as const;
export type UnblindingScope = (typeof UNBLINDING_SCOPES)[number];

export interface TrialIdentifier {
  readonly system: TrialIdentifierSystem;
  /** Normalised: upper case, no surrounding blanks. */
  readonly value: string;
}

export interface TimePoint {
  /** Stable code the measurements refer to (e.g. BASELINE, W8, EOT). */
  readonly code: string;
  readonly label: string;
  /** Study day relative to randomisation (day 1); negative for screening visits. */
  readonly targetDay: number;
  readonly windowBeforeDays: number;
  readonly windowAfterDays: number;
}

type TrialData<T> = { readonly trialId: string } & T;

export type TrialRegistered = DomainEvent<
  'TrialRegistered',
  TrialData<{ identifiers: readonly TrialIdentifier[]; title: string; phase: TrialPhase; sponsor: string; primaryEndpoint: string; registeredAt: string }>
>;
export type TrialArmAdded = DomainEvent<'TrialArmAdded', TrialData<{ armCode: string; name: string; armType: ArmType; plannedSize: number }>>;
export type TrialSiteActivated = DomainEvent<'TrialSiteActivated', TrialData<{ siteId: string; name: string; country: string | null; activatedAt: string }>>;
export type TrialSiteClosed = DomainEvent<'TrialSiteClosed', TrialData<{ siteId: string; reason: string | null; closedAt: string }>>;
export type VisitScheduleDefined = DomainEvent<
  'VisitScheduleDefined',
  TrialData<{ scheduleVersion: number; timePoints: readonly TimePoint[]; reason: string | null }>
>;
export type EnrolmentOpened = DomainEvent<'EnrolmentOpened', TrialData<{ openedAt: string }>>;
export type EnrolmentClosed = DomainEvent<'EnrolmentClosed', TrialData<{ closedAt: string; reason: string | null }>>;
export type UnblindingRecorded = DomainEvent<
  'UnblindingRecorded',
  TrialData<{ scope: UnblindingScope; subjectId: string | null; reason: string; occurredAt: string }>
>;
/**
 * Soft lock: no new data entry (corrections that answer data queries are still accepted). Hard lock: frozen, every
 * write refused. Events written before issue 18 carry neither `level` nor `scope`: they are hard locks of the trial.
 */
export const LOCK_LEVELS = ['soft', 'hard'] as const;
export type LockLevel = (typeof LOCK_LEVELS)[number];
/** What a lock covers: the whole trial, some of its sites, or some of its subjects (a batch lock names several). */
export const LOCK_SCOPES = ['trial', 'site', 'subject'] as const;
export type LockScope = (typeof LOCK_SCOPES)[number];

/** The electronic signature an unlock carries (§11.50 manifestation; the signer is the command's actor). */
export interface UnlockSignature {
  readonly signerId: string;
  readonly signerName: string;
  readonly meaning: string;
  readonly statement: string;
  readonly signedAt: string;
  /** How the signer re-authenticated (§11.200): `oidc_auth_time` or `local_signing_password`. */
  readonly authenticationMethod: string;
  readonly authenticatedAt: string;
}

export type TrialLocked = DomainEvent<
  'TrialLocked',
  TrialData<{ reason: string; lockedAt: string; level?: LockLevel; scope?: LockScope; ids?: readonly string[] }>
>;
export type TrialUnlocked = DomainEvent<
  'TrialUnlocked',
  TrialData<{ reason: string; unlockedAt: string; scope?: LockScope; ids?: readonly string[]; signature?: UnlockSignature }>
>;

export type TrialEvent =
  | TrialRegistered
  | TrialArmAdded
  | TrialSiteActivated
  | TrialSiteClosed
  | VisitScheduleDefined
  | EnrolmentOpened
  | EnrolmentClosed
  | UnblindingRecorded
  | TrialLocked
  | TrialUnlocked;
