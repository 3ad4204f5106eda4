import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { actorStreamId, requireActorId, type AccessEvent, type AccessRole } from '#domain';
import { APP_CONFIG, type AppConfig } from '#runtime';
import type { ActorScopes, VerifiedActor } from '../auth/actor.js';

/** An active grant as `roleGrants` shows it: the RoleGranted event's data and who granted it (its metadata). */
export interface RoleGrantView {
  readonly actorId: string;
  readonly role: AccessRole;
  readonly trials: readonly string[];
  readonly programmes: readonly string[];
  readonly sites: readonly string[];
  readonly reason: string;
  readonly grantedAt: string;
  readonly grantedBy: string;
}

/** What the authentication middleware asks: the actor as far as the registry's grants allow, or null (refused). */
export const ACTOR_GRANTS = Symbol('ACTOR_GRANTS');
export interface ActorGrants {
  effectiveActor(actor: VerifiedActor): Promise<VerifiedActor | null>;
}

const MAX_CACHED_ACTORS = 10_000;

/** The ids both the token and the grant allow: `*` on one side defers to the other. */
function intersect(token: readonly string[], granted: readonly string[]): string[] {
  if (token.includes('*')) return [...granted];
  if (granted.includes('*')) return [...token];
  return token.filter((id) => granted.includes(id));
}

/**
 * Active grants folded straight from the actor's stream (one short stream per actor: no read model needed), cached
 * per actor for AUTH_GRANTS_CACHE_SECONDS so a request costs no extra read; grants and revocations made through this
 * instance drop the entry at once, other instances see them when their entry expires.
 */
@Injectable()
export class ActorGrantsService implements ActorGrants {
  private readonly cache = new Map<string, { readonly until: number; readonly grants: Promise<RoleGrantView[]> }>();
  private readonly bootstrapAdmins: ReadonlySet<string>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.bootstrapAdmins = new Set(
      (config.AUTH_BOOTSTRAP_ADMINS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  }

  /** The actor's active grants as recorded now (uncached). */
  async activeGrants(actorId: string): Promise<RoleGrantView[]> {
    const events = await this.store.readStream(actorStreamId(requireActorId(actorId)));
    const active = new Map<AccessRole, RoleGrantView>();
    for (const e of events) {
      const event = { type: e.type, data: e.data } as unknown as AccessEvent;
      if (event.type === 'RoleGranted') {
        const { actorId: id, role, trials, programmes, sites, reason, grantedAt } = event.data;
        active.set(role, { actorId: id, role, trials, programmes, sites, reason, grantedAt, grantedBy: String(e.metadata['actorId'] ?? '') });
      } else if (event.type === 'RoleRevoked') {
        active.delete(event.data.role);
      }
    }
    return [...active.values()];
  }

  invalidate(actorId: string): void {
    this.cache.delete(actorId);
  }

  async effectiveActor(actor: VerifiedActor): Promise<VerifiedActor | null> {
    if (this.config.AUTH_GRANTS === 'token') return actor;
    if (actor.role === 'admin' && this.bootstrapAdmins.has(actor.id)) return actor;
    const grant = (await this.cachedGrants(actor.id)).find((g) => g.role === actor.role);
    if (!grant) return null;
    const scopes: ActorScopes = Object.freeze({
      trials: intersect(actor.scopes.trials, grant.trials),
      programmes: intersect(actor.scopes.programmes, grant.programmes),
      sites: intersect(actor.scopes.sites, grant.sites),
    });
    return Object.freeze({ ...actor, scopes });
  }

  private cachedGrants(actorId: string): Promise<RoleGrantView[]> {
    const now = Date.now();
    const hit = this.cache.get(actorId);
    if (hit && hit.until > now) return hit.grants;
    if (this.cache.size >= MAX_CACHED_ACTORS) this.cache.clear();
    const grants = this.activeGrants(actorId);
    // A failed read is not cached: the next request tries again.
    grants.catch(() => this.cache.delete(actorId));
    this.cache.set(actorId, { until: now + this.config.AUTH_GRANTS_CACHE_SECONDS * 1000, grants });
    return grants;
  }
}
