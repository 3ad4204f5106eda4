import { reject, SignatureErrors, snapshotDecider, snapshotStreamId, SubjectErrors, subjectDecider, subjectStreamId, type SignatureTarget } from '#domain';
import type { VerifiedActor } from '../auth/actor.js';
import { forbidden } from '../auth/auth.errors.js';
import { assertInScope, requireInScope } from '../auth/scope.js';
import type { CommandRunner } from '../commands/command-runner.js';

/**
 * The trial subject as it was created (its trial and site never change), checked against the actor's scope: a
 * confined actor gets FORBIDDEN for a subject outside its grants and for one that does not exist alike; a screening
 * participant is no trial subject, so nothing trial-bound (a signature, a lock) applies to it.
 */
export async function requireTrialSubjectInScope(
  runner: CommandRunner,
  actor: VerifiedActor,
  subjectId: string,
  field: string,
  trialId?: string,
): Promise<{ trialId: string; siteId: string }> {
  const state = await runner.loadCreation(subjectStreamId(subjectId), subjectDecider);
  const subject = requireInScope(
    actor,
    state.kind === 'none' ? undefined : state,
    (s) => (s.kind === 'trial' ? { trial: s.trialId, site: s.siteId } : { trial: null }),
    ['trial', 'site'],
  );
  if (!subject) reject(SubjectErrors.SUBJECT_NOT_FOUND, field, `Subject ${subjectId} is not registered`);
  if (subject.kind !== 'trial') throw forbidden();
  if (trialId !== undefined && subject.trialId !== trialId)
    reject(SubjectErrors.SUBJECT_NOT_IN_TRIAL, field, `Subject ${subjectId} is not in trial ${trialId}`);
  return { trialId: subject.trialId, siteId: subject.siteId };
}

/** The trial or programme a signed record belongs to. */
export interface TargetScope {
  readonly trialId?: string;
  readonly programmeId?: string;
}

/**
 * Scope of a signature target, checked before anything about it is read or written (denied attempts write nothing);
 * returns the trial or programme it found, which the signature event names for the audit trail.
 */
export async function assertTargetInScope(runner: CommandRunner, actor: VerifiedActor, target: SignatureTarget): Promise<TargetScope> {
  switch (target.kind) {
    case 'trial':
      assertInScope(actor, { trial: target.trialId });
      return { trialId: target.trialId };
    case 'subject':
    case 'measurement':
      return { trialId: (await requireTrialSubjectInScope(runner, actor, target.subjectId, `target.${target.kind}.subjectId`)).trialId };
    case 'lock':
      assertInScope(actor, { trial: target.trialId, ...(target.scope === 'site' ? { site: target.scopeId } : {}) });
      if (target.scope === 'subject') await requireTrialSubjectInScope(runner, actor, target.scopeId!, 'target.lock.scopeId', target.trialId);
      return { trialId: target.trialId };
    case 'analysisSnapshot': {
      const state = await runner.loadCreation(snapshotStreamId(target.snapshotId), snapshotDecider);
      const snapshot = requireInScope(
        actor,
        state.status === 'none' ? undefined : state,
        (s) => (s.scope.kind === 'trial' ? { trial: s.scope.trialId } : { programme: s.scope.programmeId }),
        ['trial', 'programme'],
      );
      if (!snapshot) reject(SignatureErrors.SIGNATURE_TARGET_NOT_FOUND, 'target.analysisSnapshot.snapshotId', `Snapshot ${target.snapshotId} is not frozen`);
      return snapshot.scope.kind === 'trial' ? { trialId: snapshot.scope.trialId } : { programmeId: snapshot.scope.programmeId };
    }
  }
}
