import type { SnapshotScope } from '#domain';
import type { Actor, Role } from '../auth/actor.js';
import { forbidden } from '../auth/auth.errors.js';
import { assertSnapshotScope, SNAPSHOT_READERS } from '../snapshots/snapshots.scope.js';

/** Who starts and follows export jobs (graphql/export-jobs.graphql): the snapshot readers and coordinators. */
export const EXPORT_ROLES: readonly Role[] = [...SNAPSHOT_READERS, 'coordinator'];

/**
 * Whether the actor may export this scope. A coordinator exports its own trials only, and only with a token not
 * confined to sites: a snapshot is the whole trial's dataset, every site's subjects in it. `undefined` is a job that
 * does not exist (a confined caller gets FORBIDDEN, as for one out of scope).
 */
export function assertExportScope(actor: Actor, scope: SnapshotScope | undefined): void {
  if (!actor.unauthenticated && actor.role === 'coordinator') {
    if (scope?.kind === 'programme' || !actor.scopes.sites.includes('*')) throw forbidden();
    if (!scope) throw forbidden();
  }
  assertSnapshotScope(actor, scope);
}

/** Freezing a snapshot for the export: regulators read, they freeze nothing. */
export function assertMayFreezeForExport(actor: Actor): void {
  if (!actor.unauthenticated && actor.role === 'regulator') throw forbidden();
}
