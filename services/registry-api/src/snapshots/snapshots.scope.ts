import type { SnapshotScope } from '#domain';
import { ROLE_SCOPE_DIMENSIONS, type Actor, type Role } from '../auth/actor.js';
import { forbidden, unauthenticated } from '../auth/auth.errors.js';
import { assertInScope } from '../auth/scope.js';

/** Who freezes snapshots (graphql/snapshots.graphql): the analysts of the trial or programme, and admins. */
export const SNAPSHOT_WRITERS: readonly Role[] = ['biostatistician', 'screening_manager', 'admin'];
/** Who reads, verifies and exports them: the writers and regulators. */
export const SNAPSHOT_READERS: readonly Role[] = [...SNAPSHOT_WRITERS, 'regulator'];

/**
 * Whether the actor may freeze or read a snapshot of this scope. `undefined` is a snapshot that does not exist: a
 * confined actor gets the same FORBIDDEN as for one out of scope (no existence leak), an unconfined one may be told
 * it is not found. A screening manager works on programmes only, so never on a trial's snapshot.
 */
export function assertSnapshotScope(actor: Actor, scope: SnapshotScope | undefined): void {
  if (actor.unauthenticated) throw unauthenticated();
  if (!scope) {
    const confined = ROLE_SCOPE_DIMENSIONS[actor.role].some((d) => d === 'trial' || d === 'programme');
    if (confined) throw forbidden();
    return;
  }
  switch (scope.kind) {
    case 'trial':
      if (actor.role === 'screening_manager') throw forbidden();
      assertInScope(actor, { trial: scope.trialId });
      return;
    case 'programme':
      assertInScope(actor, { programme: scope.programmeId });
      return;
  }
}
