import type { DomainEvent } from '../decider.js';

/** What a snapshot covers: one trial or one screening programme (exactly one of the two ids). */
export type SnapshotScope = { readonly kind: 'trial'; readonly trialId: string } | { readonly kind: 'programme'; readonly programmeId: string };

/** One read model the snapshot was computed with, at the version of its projection code. */
export interface SnapshotReadModel {
  readonly name: string;
  readonly version: number;
}

/**
 * The manifest of a frozen snapshot: which rows (scope, position, read models) and what they hash to. Position is the
 * global (`prepare`) position and its commit part, as text, so the event needs no bigint.
 */
export interface SnapshotManifest {
  readonly position: string;
  readonly commitPosition: string;
  readonly readModels: readonly SnapshotReadModel[];
  /** Row counts and SHA-256 per table, tables in name order (the per-table hash names the tables that differ on verification). */
  readonly rowCounts: readonly { readonly table: string; readonly rows: number; readonly hash: string }[];
  /** SHA-256 (hex) of the canonical serialisation (libs/projections snapshot/canonical-snapshot.ts). */
  readonly contentHash: string;
  /** Name of the hash's serialisation, so a later change of the format cannot silently verify differently. */
  readonly hashAlgorithm: string;
}

export type AnalysisSnapshotFrozen = DomainEvent<
  'AnalysisSnapshotFrozen',
  {
    readonly snapshotId: string;
    // Named at the top level (trialId / programmeId) so the audit-membership rules place the stream in its scope.
    readonly trialId?: string;
    readonly programmeId?: string;
    readonly purpose: string;
    readonly reason: string;
    /** The asOf the client asked for, when the position was derived from it. */
    readonly asOf: string | null;
    readonly frozenAt: string;
  } & SnapshotManifest
>;

/**
 * A subject the snapshot holds was erased after the cut: recorded on the snapshot's own stream, so its manifest tells
 * that its exports no longer carry that subject's personal fields (they were never in the rows or the hash).
 */
export type AnalysisSnapshotErasureRecorded = DomainEvent<
  'AnalysisSnapshotErasureRecorded',
  {
    readonly snapshotId: string;
    readonly trialId?: string;
    readonly programmeId?: string;
    readonly subjectId: string;
    /** Global position of the SubjectErased event. */
    readonly erasurePosition: string;
    readonly recordedAt: string;
  }
>;

export type SnapshotEvent = AnalysisSnapshotFrozen | AnalysisSnapshotErasureRecorded;
