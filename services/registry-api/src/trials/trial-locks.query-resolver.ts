import { Inject } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { trialStreamId, type TrialEvent } from '#domain';
import { EVENT_STORE, type EventStore } from '#event-store';

export interface LockView {
  readonly trialId: string;
  readonly scope: 'TRIAL' | 'SITE' | 'SUBJECT';
  readonly scopeId: string | null;
  readonly level: 'SOFT' | 'HARD';
  readonly reason: string;
  readonly lockedAt: string;
  readonly lockedBy: string;
}

/**
 * The locks in force now, folded from the trial's stream (the same events the decider folds; no read model, since
 * a trial has few lock events). A lock made hard keeps its entry, with the hard lock's reason, time and actor.
 */
export function locksInForce(trialId: string, events: readonly { type: string; data: unknown; metadata: Record<string, unknown> }[]): LockView[] {
  const locks = new Map<string, LockView>();
  for (const e of events) {
    const ev = e as unknown as TrialEvent;
    if (ev.type !== 'TrialLocked' && ev.type !== 'TrialUnlocked') continue;
    const scope = ev.data.scope ?? 'trial';
    const ids = scope === 'trial' ? [null] : (ev.data.ids ?? []);
    for (const id of ids) {
      const key = `${scope}\u0000${id ?? ''}`;
      if (ev.type === 'TrialUnlocked') locks.delete(key);
      else {
        locks.set(key, {
          trialId,
          scope: scope.toUpperCase() as LockView['scope'],
          scopeId: id,
          level: (ev.data.level ?? 'hard').toUpperCase() as LockView['level'],
          reason: ev.data.reason,
          lockedAt: ev.data.lockedAt,
          lockedBy: String(e.metadata['actorId'] ?? ''),
        });
      }
    }
  }
  return [...locks.values()];
}

@Resolver('Trial')
export class TrialLocksResolver {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Inherits the access check of the query that reached the trial. */
  @ResolveField('locks')
  async locks(@Parent() trial: { id: string }): Promise<LockView[]> {
    return locksInForce(trial.id, await this.store.readStream(trialStreamId(trial.id)));
  }
}
