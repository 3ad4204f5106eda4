import { reject, SnapshotErrors, type SnapshotScope } from '#domain';
import { type EventStore, type Position } from '#event-store';
import { computeSnapshot, SnapshotCutError, type ComputedSnapshot, type SnapshotCut } from '#projections';
import type { DataSource } from 'typeorm';

/** The data cut a client asked for, as the replay takes it: a stored position, a time, or the newest settled event. */
export async function resolveCut(store: EventStore, position: bigint | null, asOf: Date | null): Promise<SnapshotCut> {
  if (position !== null && asOf !== null) reject(SnapshotErrors.SNAPSHOT_CUT_AMBIGUOUS, 'position', 'Give position or asOf, not both');
  if (asOf !== null) return { kind: 'asOf', asOf };
  if (position === null) return { kind: 'now' };
  const full = await store.positionOf(position);
  if (!full) return reject(SnapshotErrors.UNKNOWN_POSITION, 'position', `No event is stored at position ${position}`);
  return { kind: 'position', position: full };
}

/** The snapshot's rows at the cut, with the domain's errors for a cut or a scope that cannot be taken. */
export async function computeScopeSnapshot(
  store: EventStore,
  dataSource: DataSource,
  scope: SnapshotScope,
  cut: SnapshotCut,
): Promise<ComputedSnapshot & { position: Position }> {
  let computed: ComputedSnapshot;
  try {
    computed = await computeSnapshot(store, dataSource, scope, cut);
  } catch (err) {
    if (!(err instanceof SnapshotCutError)) throw err;
    switch (err.reason) {
      case 'not_settled':
        return reject(SnapshotErrors.POSITION_NOT_SETTLED, 'position', 'An earlier transaction may still commit before this position; retry shortly');
      case 'unknown_position':
        return reject(SnapshotErrors.UNKNOWN_POSITION, 'position', 'No event is stored at this position');
      case 'empty_log':
        return reject(SnapshotErrors.SNAPSHOT_SCOPE_NOT_FOUND, scope.kind === 'trial' ? 'trialId' : 'programmeId', 'Nothing is recorded at or before the cut');
    }
  }
  const field = scope.kind === 'trial' ? 'trialId' : 'programmeId';
  if (!computed.scopeFound || !computed.position) {
    reject(SnapshotErrors.SNAPSHOT_SCOPE_NOT_FOUND, field, `The ${scope.kind} is not registered at the cut`);
  }
  return computed as ComputedSnapshot & { position: Position };
}
