import type { ArmType, LockLevel, LockScope, TimePoint, TrialIdentifierSystem, TrialPhase, UnblindingScope, UnlockSignature } from './trial.events.js';

export interface RegisterTrial {
  readonly type: 'RegisterTrial';
  readonly trialId: string;
  readonly identifiers: readonly { readonly system: TrialIdentifierSystem; readonly value: string }[];
  readonly title: string;
  readonly phase: TrialPhase;
  readonly sponsor: string;
  readonly primaryEndpoint: string;
}

export interface AddTrialArm {
  readonly type: 'AddTrialArm';
  readonly trialId: string;
  readonly armCode: string;
  readonly name: string;
  readonly armType: ArmType;
  readonly plannedSize: number;
}

export interface ActivateTrialSite {
  readonly type: 'ActivateTrialSite';
  readonly trialId: string;
  readonly siteId: string;
  readonly name: string;
  readonly country?: string | null;
}

export interface CloseTrialSite {
  readonly type: 'CloseTrialSite';
  readonly trialId: string;
  readonly siteId: string;
  readonly reason?: string | null;
}

/** Defining again replaces the schedule with a new version; a redefinition needs a reason. */
export interface DefineVisitSchedule {
  readonly type: 'DefineVisitSchedule';
  readonly trialId: string;
  readonly timePoints: readonly TimePoint[];
  readonly reason?: string | null;
}

export interface OpenEnrolment {
  readonly type: 'OpenEnrolment';
  readonly trialId: string;
}

export interface CloseEnrolment {
  readonly type: 'CloseEnrolment';
  readonly trialId: string;
  readonly reason?: string | null;
}

export interface RecordUnblinding {
  readonly type: 'RecordUnblinding';
  readonly trialId: string;
  readonly scope: UnblindingScope;
  /** Required for `scope: 'subject'` (emergency unblinding of one subject). */
  readonly subjectId?: string | null;
  readonly reason: string;
  readonly occurredAt: string;
}

/** Locks the trial, some sites or a batch of subjects; `level` defaults to hard (what lockTrial always did). */
export interface LockTrial {
  readonly type: 'LockTrial';
  readonly trialId: string;
  readonly reason: string;
  readonly level?: LockLevel;
  /** Default `trial`; `site` and `subject` name the ids (a batch lock names several). */
  readonly scope?: LockScope;
  readonly ids?: readonly string[];
}

/**
 * Lifts the locks of the trial, of some sites or of a batch of subjects. Needs a reason and an electronic signature
 * (the handler verifies the signer's fresh authentication before it builds `signature`).
 */
export interface UnlockTrial {
  readonly type: 'UnlockTrial';
  readonly trialId: string;
  readonly reason: string;
  readonly scope?: LockScope;
  readonly ids?: readonly string[];
  readonly signature?: UnlockSignature | null;
}

export type TrialCommand =
  | RegisterTrial
  | AddTrialArm
  | ActivateTrialSite
  | CloseTrialSite
  | DefineVisitSchedule
  | OpenEnrolment
  | CloseEnrolment
  | RecordUnblinding
  | LockTrial
  | UnlockTrial;
