import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppConfig } from '#runtime';
import type { VerifiedActor } from './actor.js';
import { setLocalSigningPassword, verifyLocalSigningPassword } from './local-signing-password.js';
import { SigningAuthenticator } from './signing-authentication.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const actor = (authTime: number | undefined, id = 'ivy'): VerifiedActor => ({
  id,
  role: 'coordinator',
  scopes: { trials: ['*'], programmes: [], sites: ['*'] },
  issuer: 'test',
  name: 'Ivy Investigator',
  ...(authTime === undefined ? {} : { authTime }),
  unauthenticated: false,
});
const config = (authMode: 'local' | 'oidc', dataDir = '/nonexistent'): AppConfig =>
  ({ authMode, DATA_DIR: dataDir, SIGNING_MAX_AUTH_AGE_SECONDS: 300, AUTH_CLOCK_SKEW_SECONDS: 30 }) as AppConfig;
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: { code?: string; field?: string }) => `${e.code}:${e.field}`,
  );

describe('SigningAuthenticator (21 CFR 11.200)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'signing-auth-'));
    await setLocalSigningPassword(dataDir, 'ivy', 'a long signing password', { cost: 2 ** 12 });
    await setLocalSigningPassword(dataDir, 'max', 'another long password', { cost: 2 ** 12 });
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('oidc: accepts an auth_time inside the window, refuses one outside it, one from the future and a token without one', async () => {
    const oidc = new SigningAuthenticator(config('oidc'));
    await expect(oidc.authenticate(actor(seconds(NOW) - 299), null, NOW)).resolves.toEqual({
      method: 'oidc_auth_time',
      authenticatedAt: new Date((seconds(NOW) - 299) * 1000).toISOString(),
    });
    expect(await codeOf(oidc.authenticate(actor(seconds(NOW) - 301), null, NOW))).toBe('SIGNING_REAUTHENTICATION_REQUIRED:authentication');
    expect(await codeOf(oidc.authenticate(actor(seconds(NOW) + 120), null, NOW))).toBe('SIGNING_REAUTHENTICATION_REQUIRED:authentication');
    expect(await codeOf(oidc.authenticate(actor(undefined), null, NOW))).toBe('SIGNING_REAUTHENTICATION_REQUIRED:authentication');
  });

  it('local: needs the fresh login and the signing password; five wrong passwords block signing for that actor only', async () => {
    const local = new SigningAuthenticator(config('local', dataDir));
    const fresh = actor(seconds(NOW) - 10);
    await expect(local.authenticate(fresh, 'a long signing password', NOW)).resolves.toMatchObject({ method: 'local_signing_password' });
    expect(await codeOf(local.authenticate(actor(seconds(NOW) - 600), 'a long signing password', NOW))).toBe(
      'SIGNING_REAUTHENTICATION_REQUIRED:authentication',
    );
    expect(await codeOf(local.authenticate(fresh, null, NOW))).toBe('SIGNING_REAUTHENTICATION_REQUIRED:signingPassword');
    // Another actor's password is not this actor's.
    expect(await codeOf(local.authenticate(fresh, 'another long password', NOW))).toBe('SIGNING_REAUTHENTICATION_REQUIRED:signingPassword');
    for (let i = 0; i < 4; i++) await codeOf(local.authenticate(fresh, `wrong ${i}`, NOW));
    expect(await codeOf(local.authenticate(fresh, 'a long signing password', NOW))).toBe('SIGNING_REAUTHENTICATION_REQUIRED:signingPassword');
    await expect(local.authenticate(actor(seconds(NOW) - 10, 'max'), 'another long password', NOW)).resolves.toMatchObject({
      method: 'local_signing_password',
    });
    // After the window the right password works again.
    const later = new Date(NOW.getTime() + 16 * 60_000);
    await expect(local.authenticate(actor(seconds(later) - 10), 'a long signing password', later)).resolves.toMatchObject({ method: 'local_signing_password' });
  });

  it('stores the default scrypt cost (N = 2^17) and verifies with the stored parameters', async () => {
    await setLocalSigningPassword(dataDir, 'zoe', 'a password at full cost');
    const stored = JSON.parse(await readFile(join(dataDir, 'auth', 'signing-passwords', `${createHash('sha256').update('zoe').digest('hex')}.json`), 'utf8'));
    expect(stored).toMatchObject({ algorithm: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
    expect(JSON.stringify(stored)).not.toContain('a password at full cost');
    await expect(verifyLocalSigningPassword(dataDir, 'zoe', 'a password at full cost')).resolves.toBe(true);
    await expect(verifyLocalSigningPassword(dataDir, 'nobody', 'a password at full cost')).resolves.toBe(false);
  });

  it('refuses a signing password shorter than 12 characters', async () => {
    await expect(setLocalSigningPassword(dataDir, 'ivy', 'short')).rejects.toThrow(/at least 12/);
  });
});
