import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { InMemoryEventStore } from '#event-store';
import { ACCESS_ROLES } from '#domain';
import { ROLES, type Role, type VerifiedActor } from '../auth/actor.js';
import { loadConfig } from '#runtime';
import { ActorGrantsService } from './actor-grants.service.js';

const actor = (role: Role, trials: string[], sites: string[] = ['*'], id = 'carol'): VerifiedActor => ({
  id,
  role,
  scopes: { trials, programmes: [], sites },
  issuer: 'test',
  unauthenticated: false,
});

async function service(mode: 'token' | 'registry', grants: { role: Role; trials: string[]; sites: string[] }[] = [], revoked: Role[] = []) {
  const store = new InMemoryEventStore();
  const events = [
    ...grants.map((g) => ({
      id: randomUUID(),
      type: 'RoleGranted',
      data: { actorId: 'carol', role: g.role, trials: g.trials, programmes: [], sites: g.sites, reason: 'r', grantedAt: '2025-01-01T00:00:00.000Z' },
      metadata: { actorId: 'root' },
    })),
    ...revoked.map((role) => ({
      id: randomUUID(),
      type: 'RoleRevoked',
      data: { actorId: 'carol', role, reason: 'r', revokedAt: '2025-01-02T00:00:00.000Z' },
      metadata: { actorId: 'root' },
    })),
  ];
  if (events.length) await store.appendToStream('actor-carol', events, { expectedRevision: 'any' });
  return new ActorGrantsService(store, loadConfig({ AUTH_GRANTS: mode, AUTH_BOOTSTRAP_ADMINS: 'root' }));
}

describe('ActorGrantsService.effectiveActor', () => {
  it('lists the same six roles as the domain', () => {
    expect([...ACCESS_ROLES]).toEqual([...ROLES]);
  });

  it('in token mode returns the token actor unchanged, grant or not', async () => {
    const a = actor('coordinator', ['*']);
    expect(await (await service('token')).effectiveActor(a)).toBe(a);
  });

  it('in registry mode refuses a role without an active grant (never granted, or revoked)', async () => {
    expect(await (await service('registry')).effectiveActor(actor('coordinator', ['T1']))).toBeNull();
    const s = await service('registry', [{ role: 'coordinator', trials: ['T1'], sites: ['*'] }], ['coordinator']);
    expect(await s.effectiveActor(actor('coordinator', ['T1']))).toBeNull();
    expect(await s.effectiveActor(actor('admin', []))).toBeNull();
  });

  it('narrows the token scopes to the grant, never widens them', async () => {
    const s = await service('registry', [{ role: 'coordinator', trials: ['T1', 'T2'], sites: ['S1'] }]);
    expect((await s.effectiveActor(actor('coordinator', ['*'], ['*'])))!.scopes).toEqual({ trials: ['T1', 'T2'], programmes: [], sites: ['S1'] });
    expect((await s.effectiveActor(actor('coordinator', ['T2', 'T9'], ['S2'])))!.scopes).toEqual({ trials: ['T2'], programmes: [], sites: [] });
    const all = await service('registry', [{ role: 'coordinator', trials: ['*'], sites: ['*'] }]);
    expect((await all.effectiveActor(actor('coordinator', ['T7'], ['S7'])))!.scopes).toEqual({ trials: ['T7'], programmes: [], sites: ['S7'] });
  });

  it('accepts a bootstrap admin without a grant, but only in the admin role', async () => {
    const s = await service('registry');
    const root = actor('admin', [], [], 'root');
    expect(await s.effectiveActor(root)).toBe(root);
    expect(await s.effectiveActor(actor('coordinator', ['*'], ['*'], 'root'))).toBeNull();
  });
});
