import { reject, SnapshotErrors, type SnapshotManifest, type SnapshotScope } from '#domain';
import { type EventStore, type Position } from '#event-store';
import { SnapshotCutError, withSnapshot, type SnapshotComputation, type SnapshotCut } from '#projections';
import type { DataSource } from 'typeorm';
import { keepSnapshotRows } from './snapshot-rows.js';

/** The data cut a client asked for, as the replay takes it: a stored position, a time, or the newest settled event. */
export async function resolveCut(store: EventStore, position: bigint | null, asOf: Date | null): Promise<SnapshotCut> {
  if (position !== null && asOf !== null) reject(SnapshotErrors.SNAPSHOT_CUT_AMBIGUOUS, 'position', 'Give position or asOf, not both');
  if (asOf !== null) return { kind: 'asOf', asOf };
  if (position === null) return { kind: 'now' };
  const full = await store.positionOf(position);
  if (!full) return reject(SnapshotErrors.UNKNOWN_POSITION, 'position', `No event is stored at position ${position}`);
  return { kind: 'position', position: full };
}

/**
 * The snapshot at the cut, handed to `use` while its rows can still be copied (libs/projections withSnapshot), with the
 * domain's errors for a cut or a scope that cannot be taken.
 */
export async function withScopeSnapshot<T>(
  store: EventStore,
  dataSource: DataSource,
  scope: SnapshotScope,
  cut: SnapshotCut,
  use: (computed: SnapshotComputation & { position: Position }) => Promise<T>,
): Promise<T> {
  const field = scope.kind === 'trial' ? 'trialId' : 'programmeId';
  try {
    return await withSnapshot(store, dataSource, scope, cut, {}, async (computed) => {
      if (!computed.scopeFound || !computed.position) {
        reject(SnapshotErrors.SNAPSHOT_SCOPE_NOT_FOUND, field, `The ${scope.kind} is not registered at the cut`);
      }
      return use(computed as SnapshotComputation & { position: Position });
    });
  } catch (err) {
    if (!(err instanceof SnapshotCutError)) throw err;
    switch (err.reason) {
      case 'not_settled':
        return reject(SnapshotErrors.POSITION_NOT_SETTLED, 'position', 'An earlier transaction may still commit before this position; retry shortly');
      case 'unknown_position':
        return reject(SnapshotErrors.UNKNOWN_POSITION, 'position', 'No event is stored at this position');
      case 'empty_log':
        return reject(SnapshotErrors.SNAPSHOT_SCOPE_NOT_FOUND, field, 'Nothing is recorded at or before the cut');
    }
  }
}

/** The frozen cut as the replay takes it. */
export const frozenCut = (manifest: SnapshotManifest): SnapshotCut => ({
  kind: 'position',
  position: { commit: BigInt(manifest.commitPosition), prepare: BigInt(manifest.position) },
});

/**
 * Re-materialises a frozen snapshot's rows from the log (after a crash between the freeze event and the rows), kept
 * only when they hash to the frozen hash. Returns whether rows are kept now.
 */
export async function materialiseSnapshotRows(
  store: EventStore,
  dataSource: DataSource,
  snapshotId: string,
  scope: SnapshotScope,
  manifest: SnapshotManifest,
): Promise<boolean> {
  return withScopeSnapshot(store, dataSource, scope, frozenCut(manifest), async (again) => {
    if (again.contentHash !== manifest.contentHash) return false;
    await keepSnapshotRows(again, snapshotId);
    return true;
  });
}
