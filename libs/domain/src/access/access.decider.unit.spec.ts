import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import type { AccessCommand } from './access.commands.js';
import { accessDecider, actorStreamId } from './access.decider.js';
import type { AccessEvent } from './access.events.js';
import { rejection } from '../testing/decider-testing.js';

const ctx = { commandId: 'c-1', actor: { id: 'adele', role: 'admin' }, now: new Date('2025-06-01T10:00:00Z') };
const run = (given: readonly AccessEvent[], command: AccessCommand) => accessDecider.decide(command, fold(accessDecider, given), ctx);

const grant: AccessCommand = {
  type: 'GrantRole',
  actorId: 'alice@example.org',
  role: 'coordinator',
  trials: ['T2', 'T1', 'T1'],
  sites: ['*'],
  reason: 'Joins the TRIAL-1 team',
};
const revoke: AccessCommand = { type: 'RevokeRole', actorId: 'alice@example.org', role: 'coordinator', reason: 'Left the team' };
const granted = run([], grant);

describe('access decider (role grants)', () => {
  it('given no grants, when a role is granted, then RoleGranted with sorted unique scopes, the reason and the time', () => {
    expect(granted).toStrictEqual([
      {
        type: 'RoleGranted',
        data: {
          actorId: 'alice@example.org',
          role: 'coordinator',
          trials: ['T1', 'T2'],
          programmes: [],
          sites: ['*'],
          reason: 'Joins the TRIAL-1 team',
          grantedAt: '2025-06-01T10:00:00.000Z',
        },
      },
    ]);
    expect(actorStreamId('alice@example.org')).toBe('actor-alice@example.org');
  });

  it('refuses a second active grant of the same role, and allows another role beside it', () => {
    expect(rejection(() => run(granted, grant))).toMatchObject({ code: 'ROLE_ALREADY_GRANTED', field: 'role' });
    expect(run(granted, { ...grant, role: 'reader', trials: [], sites: ['S1'] })[0]!.type).toBe('RoleGranted');
  });

  it('revokes only an active grant; after a revocation the role may be granted again', () => {
    expect(rejection(() => run([], revoke))).toMatchObject({ code: 'ROLE_NOT_GRANTED', field: 'role' });
    const revoked = run(granted, revoke);
    expect(revoked).toStrictEqual([
      { type: 'RoleRevoked', data: { actorId: 'alice@example.org', role: 'coordinator', reason: 'Left the team', revokedAt: '2025-06-01T10:00:00.000Z' } },
    ]);
    expect(rejection(() => run([...granted, ...revoked], revoke)).code).toBe('ROLE_NOT_GRANTED');
    expect(run([...granted, ...revoked], grant)[0]!.type).toBe('RoleGranted');
    expect(fold(accessDecider, [...granted, ...revoked]).grants).toStrictEqual({});
  });

  it('requires a reason for grants and revocations', () => {
    for (const reason of ['', '   ', undefined]) {
      expect(rejection(() => run([], { ...grant, reason: reason as string }))).toMatchObject({ code: 'FIELD_REQUIRED', field: 'reason' });
      expect(rejection(() => run(granted, { ...revoke, reason: reason as string }))).toMatchObject({ code: 'FIELD_REQUIRED', field: 'reason' });
    }
  });

  it('accepts the six roles only', () => {
    for (const role of ['superuser', 'Admin', 'anonymous', '']) {
      expect(rejection(() => run([], { ...grant, role }))).toMatchObject({ code: 'UNKNOWN_ROLE', field: 'role' });
      expect(rejection(() => run(granted, { ...revoke, role }))).toMatchObject({ code: 'UNKNOWN_ROLE', field: 'role' });
    }
    for (const role of ['coordinator', 'reader', 'screening_manager', 'biostatistician', 'regulator', 'admin'])
      expect(run([], { ...grant, role })).toHaveLength(1);
  });

  it('refuses actor ids that cannot be a token subject and scope ids that cannot be granted', () => {
    expect(rejection(() => run([], { ...grant, actorId: 'has space' })).code).toBe('INVALID_ACTOR_ID');
    expect(rejection(() => run([], { ...grant, actorId: '' })).code).toBe('INVALID_ACTOR_ID');
    expect(rejection(() => run([], { ...grant, sites: ['ok', 'not ok'] }))).toMatchObject({ code: 'INVALID_SCOPE_ID', field: 'sites.1' });
    expect(rejection(() => run([], { ...grant, programmes: 'P1' as unknown as string[] })).code).toBe('INVALID_SCOPE_ID');
  });
});
