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
export type TrialLocked = DomainEvent<'TrialLocked', TrialData<{ reason: string; lockedAt: string }>>;
export type TrialUnlocked = DomainEvent<'TrialUnlocked', TrialData<{ reason: string; unlockedAt: string }>>;

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
