export const SnapshotErrors = {
  /** Neither or both of trialId and programmeId. */
  SNAPSHOT_SCOPE_REQUIRED: 'SNAPSHOT_SCOPE_REQUIRED',
  /** position and asOf together: one names the data cut. */
  SNAPSHOT_CUT_AMBIGUOUS: 'SNAPSHOT_CUT_AMBIGUOUS',
  /** No event is stored at the given position. */
  UNKNOWN_POSITION: 'UNKNOWN_POSITION',
  /** The position is stored but not yet settled (an earlier transaction may still commit before it): try again shortly. */
  POSITION_NOT_SETTLED: 'POSITION_NOT_SETTLED',
  /** The trial or programme has no event at or before the cut. */
  SNAPSHOT_SCOPE_NOT_FOUND: 'SNAPSHOT_SCOPE_NOT_FOUND',
  /** A snapshot id names a frozen snapshot already (snapshots are immutable). */
  SNAPSHOT_ALREADY_FROZEN: 'SNAPSHOT_ALREADY_FROZEN',
  SNAPSHOT_NOT_FOUND: 'SNAPSHOT_NOT_FOUND',
} as const;
export type SnapshotErrorCode = (typeof SnapshotErrors)[keyof typeof SnapshotErrors];
