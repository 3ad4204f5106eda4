import type { SnapshotManifest, SnapshotScope } from './snapshot.events.js';

/**
 * Freeze a dataset. The handler computes the manifest (position, rows, hash) from the log before deciding: the
 * decider stays pure and judges only what the command says.
 */
export interface FreezeAnalysisSnapshot {
  readonly type: 'FreezeAnalysisSnapshot';
  readonly snapshotId: string;
  readonly scope: SnapshotScope;
  readonly purpose: string;
  readonly reason: string;
  readonly asOf: string | null;
  readonly manifest: SnapshotManifest;
}

/** Record on a frozen snapshot that one of its subjects was erased after its cut (the privacy service sends it). */
export interface RecordSnapshotErasure {
  readonly type: 'RecordSnapshotErasure';
  readonly snapshotId: string;
  readonly subjectId: string;
  readonly erasurePosition: string;
}

export type SnapshotCommand = FreezeAnalysisSnapshot | RecordSnapshotErasure;
