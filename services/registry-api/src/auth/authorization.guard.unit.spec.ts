import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../graphql/error-mapping.js';
import { ANONYMOUS, scopeFilter, type Role, type VerifiedActor } from './actor.js';
import { FORBIDDEN_MESSAGE } from './auth.errors.js';
import { enforcePolicy } from './authorization.guard.js';
import type { AuthorizePolicy } from './authorize.decorator.js';
import { assertInScope, requireInScope } from './scope.js';

const actor = (role: Role, scopes: Partial<VerifiedActor['scopes']> = {}): VerifiedActor => ({
  id: `u-${role}`,
  role,
  scopes: { trials: [], programmes: [], sites: [], ...scopes },
  issuer: 'test',
  unauthenticated: false,
});

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'allow';
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe(FORBIDDEN_MESSAGE);
    return (err as ApiError).code;
  }
}

const enrol: AuthorizePolicy<{ input: { trialId: string; siteId: string } }> = {
  roles: ['coordinator', 'admin'],
  scope: { trial: (a) => a.input.trialId, site: (a) => a.input.siteId },
};
const args = { input: { trialId: 'T1', siteId: 'S1' } };

describe('enforcePolicy', () => {
  it.each<[string, VerifiedActor, string]>([
    ['coordinator of the trial and site', actor('coordinator', { trials: ['T1'], sites: ['S1'] }), 'allow'],
    ['coordinator with wildcard sites', actor('coordinator', { trials: ['T1'], sites: ['*'] }), 'allow'],
    ['coordinator of another trial', actor('coordinator', { trials: ['T2'], sites: ['S1'] }), 'FORBIDDEN'],
    ['coordinator of the trial at another site', actor('coordinator', { trials: ['T1'], sites: ['S9'] }), 'FORBIDDEN'],
    ['coordinator without grants', actor('coordinator'), 'FORBIDDEN'],
    ['admin (unconfined)', actor('admin'), 'allow'],
    ['regulator (not listed)', actor('regulator'), 'FORBIDDEN'],
    ['reader (not listed)', actor('reader', { sites: ['S1'] }), 'FORBIDDEN'],
    ['biostatistician (not listed)', actor('biostatistician', { trials: ['*'] }), 'FORBIDDEN'],
  ])('%s → %s', (_name, who, expected) => {
    expect(outcome(() => enforcePolicy(enrol, who, args))).toBe(expected);
  });

  it('fails closed when the selector finds nothing or throws', () => {
    const who = actor('coordinator', { trials: ['*'], sites: ['*'] });
    expect(outcome(() => enforcePolicy(enrol, who, { input: {} }))).toBe('FORBIDDEN');
    expect(outcome(() => enforcePolicy(enrol, who, {}))).toBe('FORBIDDEN');
    expect(outcome(() => enforcePolicy({ roles: ['coordinator'], scope: { trial: () => [] } }, who, {}))).toBe('FORBIDDEN');
  });

  it('refuses a confined role that the policy lets in without any scope check, unless the handler checks', () => {
    const reader = actor('reader', { sites: ['S1'] });
    expect(outcome(() => enforcePolicy({ roles: ['reader'] }, reader, {}))).toBe('FORBIDDEN');
    // Readers are confined by site: a trial selector alone does not confine them.
    expect(outcome(() => enforcePolicy({ roles: ['reader'], scope: { trial: () => 'T1' } }, reader, {}))).toBe('FORBIDDEN');
    expect(outcome(() => enforcePolicy({ roles: ['reader'], scope: { inHandler: true } }, reader, {}))).toBe('allow');
    expect(outcome(() => enforcePolicy({ roles: ['reader'], scope: 'global' }, reader, {}))).toBe('allow');
  });

  it('confines screening managers to their programmes and biostatisticians to theirs', () => {
    const policy: AuthorizePolicy = { roles: ['screening_manager', 'biostatistician'], scope: { programme: (a: { programmeId: string }) => a.programmeId } };
    expect(outcome(() => enforcePolicy(policy, actor('screening_manager', { programmes: ['P1'] }), { programmeId: 'P1' }))).toBe('allow');
    expect(outcome(() => enforcePolicy(policy, actor('screening_manager', { programmes: ['P1'] }), { programmeId: 'P2' }))).toBe('FORBIDDEN');
    expect(outcome(() => enforcePolicy(policy, actor('biostatistician', { trials: ['*'] }), { programmeId: 'P1' }))).toBe('FORBIDDEN');
  });
});

describe('scope checks against data', () => {
  const coordinator = actor('coordinator', { trials: ['T1'], sites: ['S1'] });
  it('allows data inside the grants and refuses data outside', () => {
    expect(outcome(() => assertInScope(coordinator, { trial: 'T1', site: 'S1' }))).toBe('allow');
    expect(outcome(() => assertInScope(coordinator, { trial: 'T1', site: 'S2' }))).toBe('FORBIDDEN');
    expect(outcome(() => assertInScope(coordinator, { trial: ['T1', 'T2'] }))).toBe('FORBIDDEN');
    expect(outcome(() => assertInScope(coordinator, { trial: null }))).toBe('allow');
  });

  it('answers "missing" and "not yours" alike for a confined actor, and lets unconfined ones see "not found"', () => {
    const subject = { trialId: 'T2', siteId: 'S1' };
    const scopeOf = (s: typeof subject) => ({ trial: s.trialId, site: s.siteId });
    expect(outcome(() => requireInScope(coordinator, subject, scopeOf, ['trial']))).toBe('FORBIDDEN');
    expect(outcome(() => requireInScope(coordinator, undefined, scopeOf, ['trial']))).toBe('FORBIDDEN');
    expect(requireInScope(actor('regulator'), undefined, scopeOf, ['trial'])).toBeUndefined();
    expect(requireInScope(actor('regulator'), subject, scopeOf, ['trial'])).toBe(subject);
  });

  it('refuses the anonymous actor with UNAUTHENTICATED', () => {
    expect(() => assertInScope(ANONYMOUS, {})).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }) as unknown as Error);
  });

  it('gives list queries the ids to filter by', () => {
    expect(scopeFilter(coordinator, 'trial')).toEqual(['T1']);
    expect(scopeFilter(actor('regulator'), 'trial')).toBe('all');
    expect(scopeFilter(actor('reader', { sites: ['S1'] }), 'trial')).toBe('all');
    expect(scopeFilter(actor('reader', { sites: ['S1'] }), 'site')).toEqual(['S1']);
    expect(scopeFilter(actor('biostatistician', { trials: ['*'] }), 'trial')).toBe('all');
  });
});
