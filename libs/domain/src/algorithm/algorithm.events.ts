import type { DomainEvent } from '../decider.js';

export const REGULATORY_STATUSES = ['ce_marked', 'fda_cleared', 'ce_marked_and_fda_cleared', 'investigational', 'research_use_only'] as const;
export type RegulatoryStatusKind = (typeof REGULATORY_STATUSES)[number];
/** MDR Annex VIII classes (software under Rule 11 is at least IIa, but class I exists for legacy registrations). */
export const CE_CLASSES = ['I', 'IIa', 'IIb', 'III'] as const;
export type CeClass = (typeof CE_CLASSES)[number];

export interface RegulatoryStatus {
  readonly status: RegulatoryStatusKind;
  readonly ceClass: CeClass | null;
  /** UDI device identifier (GS1 GTIN, HIBCC or ICCBBA), kept as given. */
  readonly udiDi: string | null;
  /** e.g. an FDA 510(k) number. */
  readonly clearanceNumber: string | null;
}

/**
 * The range the version's screening score is declared to lie in (from its instructions for use, e.g. 0–1 or 1–10).
 * Every AI screening reading is checked against it; absent on versions that produce no screening score.
 */
export interface ScoreRange {
  readonly min: number;
  readonly max: number;
}

export type AlgorithmVersionRegistered = DomainEvent<
  'AlgorithmVersionRegistered',
  {
    readonly algorithmVersionId: string;
    readonly manufacturer: string;
    readonly name: string;
    readonly version: string;
    readonly intendedUse: string;
    readonly regulatory: RegulatoryStatus;
    readonly biomarkerIds: readonly string[];
    readonly predecessorVersionId: string | null;
    /** Absent on events recorded before score ranges were declared: read as null. */
    readonly scoreRange?: ScoreRange | null;
    readonly registeredAt: string;
  }
>;
export type AlgorithmVersionSuspended = DomainEvent<
  'AlgorithmVersionSuspended',
  { readonly algorithmVersionId: string; readonly reason: string; readonly suspendedAt: string }
>;
export type AlgorithmVersionReinstated = DomainEvent<
  'AlgorithmVersionReinstated',
  { readonly algorithmVersionId: string; readonly reason: string; readonly reinstatedAt: string }
>;
export type AlgorithmVersionWithdrawn = DomainEvent<
  'AlgorithmVersionWithdrawn',
  { readonly algorithmVersionId: string; readonly reason: string; readonly withdrawnAt: string }
>;

export type AlgorithmEvent = AlgorithmVersionRegistered | AlgorithmVersionSuspended | AlgorithmVersionReinstated | AlgorithmVersionWithdrawn;
