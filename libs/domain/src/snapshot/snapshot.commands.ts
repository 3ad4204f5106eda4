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

export type SnapshotCommand = FreezeAnalysisSnapshot;
