import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, UnsecuredJWT } from 'jose';
import { type AppConfig, ConfigError, loadConfig } from '#runtime';
import { TokenRejectedError } from './auth.errors.js';
import { issueLocalToken, loadOrCreateLocalSigningKey, LOCAL_ISSUER } from './local-signing-key.js';
import { createTokenVerifier, createVerifier, VERIFIED_TOKEN_TTL_MS, type TokenVerifier } from './token-verifier.js';

async function rejection(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TokenRejectedError);
  return (err as TokenRejectedError).reason;
}

describe('bearer token verification (AUTH_MODE=local)', () => {
  let dir: string;
  let config: AppConfig;
  let verifier: TokenVerifier;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'registry-auth-'));
    config = loadConfig({ DATA_DIR: dir });
    verifier = await createTokenVerifier(config);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('accepts a token of the local key and maps its claims to the actor', async () => {
    const token = await issueLocalToken(config, { sub: 'alice', role: 'coordinator', trials: ['T1'], sites: ['S1', 'S2'] });
    const actor = await verifier.verify(token);
    expect(actor).toEqual({
      id: 'alice',
      role: 'coordinator',
      scopes: { trials: ['T1'], programmes: [], sites: ['S1', 'S2'] },
      issuer: LOCAL_ISSUER,
      // A local token stands for a login just now (the signing window of 21 CFR 11.200 starts here).
      authTime: expect.any(Number),
      unauthenticated: false,
    });
    expect(Math.abs(actor.authTime! - Date.now() / 1000)).toBeLessThan(60);
    // The printed name shown with signatures comes from the `name` claim.
    const named = await verifier.verify(await issueLocalToken(config, { sub: 'bob', role: 'reader', name: 'Bob Reader' }, { authTime: 1_700_000_000 }));
    expect(named).toMatchObject({ id: 'bob', name: 'Bob Reader', authTime: 1_700_000_000 });
  });

  it('keeps one private key, readable only by its owner, across loads and concurrent creators', async () => {
    const other = await mkdtemp(join(tmpdir(), 'registry-auth-race-'));
    try {
      const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateLocalSigningKey(other)));
      expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
      expect((await stat(keys[0]!.path)).mode & 0o077).toBe(0);
      expect((await stat(join(other, 'auth'))).mode & 0o077).toBe(0);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('keeps its key directory private without closing the data directory to the embedded PostgreSQL', async () => {
    const other = await mkdtemp(join(tmpdir(), 'registry-auth-data-'));
    try {
      const data = join(other, 'data');
      await loadOrCreateLocalSigningKey(data);
      expect((await stat(join(data, 'auth'))).mode & 0o777).toBe(0o700);
      // Under root the database runs as another user inside DATA_DIR: it must be able to pass through.
      expect((await stat(data)).mode & 0o001).toBe(0o001);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('refuses expired tokens, beyond the clock skew only', async () => {
    const now = Math.floor(Date.now() / 1000);
    const justExpired = await issueLocalToken(config, { sub: 'a', role: 'reader' }, { expiresIn: now - 10 });
    await expect(verifier.verify(justExpired)).resolves.toMatchObject({ id: 'a' });
    const expired = await issueLocalToken(config, { sub: 'a', role: 'reader' }, { expiresIn: now - 31 });
    expect(await rejection(verifier.verify(expired))).toBe('expired');
    const future = await issueLocalToken(config, { sub: 'a', role: 'reader' }, { notBefore: now + 120 });
    expect(await rejection(verifier.verify(future))).toBe('not_yet_valid');
  });

  it('refuses wrong audience and wrong issuer', async () => {
    expect(await rejection(verifier.verify(await issueLocalToken(config, { sub: 'a', role: 'admin' }, { audience: 'another-api' })))).toBe('wrong_audience');
    expect(await rejection(verifier.verify(await issueLocalToken(config, { sub: 'a', role: 'admin' }, { issuer: 'https://evil.example' })))).toBe(
      'wrong_issuer',
    );
  });

  it('refuses tokens signed by another key, unsigned tokens, and shared-secret tokens', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const claims = { role: 'admin' };
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('a')
      .setIssuer(LOCAL_ISSUER)
      .setAudience('biomarker-registry')
      .setExpirationTime('1h')
      .sign(privateKey);
    expect(await rejection(verifier.verify(forged))).toBe('bad_signature');
    const unsigned = new UnsecuredJWT(claims).setSubject('a').setIssuer(LOCAL_ISSUER).setAudience('biomarker-registry').setExpirationTime('1h').encode();
    expect(['bad_signature', 'malformed']).toContain(await rejection(verifier.verify(unsigned)));
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setIssuer(LOCAL_ISSUER)
      .setAudience('biomarker-registry')
      .setExpirationTime('1h')
      .sign(new Uint8Array(32));
    expect(['bad_signature', 'malformed']).toContain(await rejection(verifier.verify(hs)));
    expect(await rejection(verifier.verify('not.a.jwt'))).toBe('malformed');
  });

  it('refuses a token whose signature was kept but whose claims were edited', async () => {
    const token = await issueLocalToken(config, { sub: 'a', role: 'reader' });
    const [h, , s] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'a', role: 'admin', iss: LOCAL_ISSUER, aud: 'biomarker-registry', exp: 9_999_999_999 })).toString(
      'base64url',
    );
    expect(await rejection(verifier.verify(`${h}.${payload}.${s}`))).toBe('bad_signature');
  });

  it('refuses tokens without a registry role or with malformed scopes', async () => {
    const key = await loadOrCreateLocalSigningKey(dir);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject('a')
        .setIssuer(LOCAL_ISSUER)
        .setAudience('biomarker-registry')
        .setExpirationTime('1h')
        .sign(key.privateKey);
    expect(await rejection(verifier.verify(await sign({ role: 'superuser' })))).toBe('bad_claims');
    expect(await rejection(verifier.verify(await sign({})))).toBe('bad_claims');
    expect(await rejection(verifier.verify(await sign({ role: 'coordinator', trials: 'T1' })))).toBe('bad_claims');
    expect(await rejection(verifier.verify(await sign({ role: 'coordinator', trials: ["T1' OR 1=1"] })))).toBe('bad_claims');
  });
});

describe('AUTH_PUBLIC_KEY (AUTH_MODE=oidc with a fixed key)', () => {
  it('verifies the issuer’s tokens and nothing else', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const config = loadConfig({
      OIDC_ISSUER: 'https://idp.example/realms/registry',
      OIDC_AUDIENCE: 'registry-api',
      AUTH_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    expect(config.authMode).toBe('oidc');
    const verifier = await createTokenVerifier(config);
    const sign = (iss: string) =>
      new SignJWT({ role: 'regulator' })
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('reg-1')
        .setIssuer(iss)
        .setAudience('registry-api')
        .setExpirationTime('5m')
        .sign(privateKey);
    await expect(verifier.verify(await sign('https://idp.example/realms/registry'))).resolves.toMatchObject({ id: 'reg-1', role: 'regulator' });
    expect(await rejection(verifier.verify(await sign('https://idp.example/realms/other')))).toBe('wrong_issuer');
  });
});

describe('verified-token cache', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sign = (expiresAtSeconds: number, sub = 'bio-1') =>
    new SignJWT({ role: 'biostatistician' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(sub)
      .setIssuer('iss')
      .setAudience('aud')
      .setExpirationTime(expiresAtSeconds)
      .sign(privateKey);

  it('trusts a verified token again only until its expiry (plus skew) and for at most the TTL', async () => {
    let clock = 1_900_000_000_000;
    const verifier = createVerifier(publicKey, 'iss', 'aud', 30, () => clock);
    const token = await sign(clock / 1000 + 3600);
    await expect(verifier.verify(token)).resolves.toMatchObject({ id: 'bio-1' });
    clock += VERIFIED_TOKEN_TTL_MS - 1;
    await expect(verifier.verify(token)).resolves.toMatchObject({ id: 'bio-1' });
    // Past the TTL the signature is checked again: a still-valid token passes, and the cache is refreshed.
    clock += 2;
    await expect(verifier.verify(token)).resolves.toMatchObject({ id: 'bio-1' });

    const shortLived = await sign(clock / 1000 + 5);
    await expect(verifier.verify(shortLived)).resolves.toMatchObject({ id: 'bio-1' });
    clock += 36_000; // past exp + 30 s skew, but inside the TTL of the cached entry
    expect(await rejection(verifier.verify(shortLived))).toBe('expired');
  });

  it('never caches a refusal, and a token with one changed character is verified on its own', async () => {
    const clock = 1_900_000_000_000;
    const verifier = createVerifier(publicKey, 'iss', 'aud', 30, () => clock);
    const token = await sign(clock / 1000 + 3600);
    await expect(verifier.verify(token)).resolves.toMatchObject({ id: 'bio-1' });
    const [h, p, sig] = token.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), role: 'admin' })).toString('base64url');
    expect(await rejection(verifier.verify(`${h}.${otherPayload}.${sig}`))).toBe('bad_signature');
    const wrongAudience = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('x')
      .setIssuer('iss')
      .setAudience('other')
      .setExpirationTime(clock / 1000 + 60)
      .sign(privateKey);
    expect(await rejection(verifier.verify(wrongAudience))).toBe('wrong_audience');
    expect(await rejection(verifier.verify(wrongAudience))).toBe('wrong_audience');
  });
});

describe('authentication configuration', () => {
  it.each([
    ['AUTH_MODE', { NODE_ENV: 'production', AUTH_MODE: 'local' }],
    ['OIDC_ISSUER', { NODE_ENV: 'production' }],
    ['OIDC_AUDIENCE', { NODE_ENV: 'production', OIDC_ISSUER: 'https://idp.example' }],
    ['OIDC_JWKS_URL', { NODE_ENV: 'production', OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'registry' }],
    ['OIDC_JWKS_URL', { OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'registry', OIDC_JWKS_URL: 'ftp://x' }],
    ['AUTH_CLOCK_SKEW_SECONDS', { AUTH_CLOCK_SKEW_SECONDS: '3600' }],
  ])('refuses to start without a usable issuer configuration, naming %s', (variable, env) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
  });

  it('defaults to local development tokens outside production', () => {
    expect(loadConfig({}).authMode).toBe('local');
    expect(
      loadConfig({ NODE_ENV: 'production', OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'r', OIDC_JWKS_URL: 'https://idp.example/jwks' }).authMode,
    ).toBe('oidc');
  });
});
