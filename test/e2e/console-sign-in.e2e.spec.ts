import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { loadConfig } from '#runtime';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

/**
 * The web console's HTTP routes (services/registry-api/src/console): its files at /console (any screen's path answers
 * index.html), and development tokens at /console-api/dev-token, which exist in AUTH_MODE=local only.
 */
const base = (registry: RunningRegistry) => registry.url.replace(/\/graphql$/, '');
const devToken = (registry: RunningRegistry, body: unknown, contentType = 'application/json') =>
  fetch(`${base(registry)}/console-api/dev-token`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });

describe('console routes in AUTH_MODE=local', () => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'registry-console-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>console</title><div id="root"></div>');
    await writeFile(join(dir, 'assets', 'index-AbCdEf12.js'), 'console.log(1)');
    registry = await startRegistry(
      loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', PROJECTOR: 'off', AUDIT_SEAL_INTERVAL_SECONDS: '0', DATA_DIR: dir, CONSOLE_DIR: dir }),
    );
  });
  afterAll(async () => {
    await registry?.stop();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at /console and at every screen path, assets by name, and nothing outside its folder', async () => {
    for (const path of ['/console', '/console/', '/console/trials/T-1', '/console/subjects/abc']) {
      const res = await fetch(`${base(registry)}${path}`);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
      expect(await res.text()).toContain('<div id="root">');
    }
    const asset = await fetch(`${base(registry)}/console/assets/index-AbCdEf12.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base(registry)}/console/assets/missing-AbCdEf12.js`)).status).toBe(404);
    const escape = await fetch(`${base(registry)}/console/assets/..%2f..%2fauth%2flocal-signing-key.pem`);
    expect(escape.status).not.toBe(200);
    expect(await escape.text()).not.toContain('PRIVATE KEY');
  });

  it('tells the console the sign-in mode', async () => {
    const res = await fetch(`${base(registry)}/console-api/config`);
    expect(await res.json()).toEqual({
      authMode: 'local',
      roles: ['coordinator', 'reader', 'screening_manager', 'biostatistician', 'regulator', 'admin', 'data_manager'],
      oidc: null,
    });
  });

  it('signs a development token with the chosen role and scopes, which the API then enforces', async () => {
    const res = await devToken(registry, { role: 'coordinator', sub: 'cora', trials: ['T-1'], sites: ['S-1'] });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'cora', role: 'coordinator', trials: ['T-1'], programmes: [], sites: ['S-1'] });
    const status = await postGraphql(registry.url, token, '{ registryStatus { eventCount } }');
    expect(status.errors).toBeUndefined();
    const audit = await postGraphql(registry.url, token, '{ auditLog(first: 1) { nextCursor } }');
    expect(audit.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('carries the printed name a signature needs and a fresh auth_time on each request (the local "log in again")', async () => {
    const before = Math.floor(Date.now() / 1000);
    const named = (await (await devToken(registry, { role: 'coordinator', sub: 'ivy', name: '  Ivy Investigator ' })).json()) as { token: string };
    const claims = JSON.parse(Buffer.from(named.token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims['name']).toBe('Ivy Investigator');
    expect(claims['auth_time']).toBeGreaterThanOrEqual(before);
    const nameless = (await (await devToken(registry, { role: 'coordinator', sub: 'nina' })).json()) as { token: string };
    expect(JSON.parse(Buffer.from(nameless.token.split('.')[1]!, 'base64url').toString())).not.toHaveProperty('name');
    const blank = await devToken(registry, { role: 'coordinator', name: '   ' });
    expect(((await blank.json()) as any).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('refuses a bad request with the offending field, and a body that is not JSON', async () => {
    const badRole = await devToken(registry, { role: 'superuser' });
    expect(badRole.status).toBe(400);
    expect(((await badRole.json()) as any).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'role' });
    const badSite = await devToken(registry, { role: 'reader', sites: [''] });
    expect(((await badSite.json()) as any).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'sites.0' });
    const form = await devToken(registry, { role: 'admin' }, 'text/plain');
    expect(form.status).toBe(415);
    expect(((await form.json()) as any).errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('console routes in AUTH_MODE=oidc', () => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'registry-console-oidc-'));
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    registry = await startRegistry(
      loadConfig({
        ...db.appEnv,
        PORT: '0',
        LOG_LEVEL: 'silent',
        PROJECTOR: 'off',
        AUDIT_SEAL_INTERVAL_SECONDS: '0',
        DATA_DIR: dir,
        AUTH_MODE: 'oidc',
        OIDC_ISSUER: 'https://idp.example/realms/registry',
        OIDC_AUDIENCE: 'biomarker-registry',
        AUTH_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        CONSOLE_OIDC_CLIENT_ID: 'registry-console',
      }),
    );
  });
  afterAll(async () => {
    await registry?.stop();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('mints no development token (404) and points the console at the identity provider', async () => {
    const res = await devToken(registry, { role: 'admin' });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('eyJ');
    const config = await (await fetch(`${base(registry)}/console-api/config`)).json();
    expect(config).toMatchObject({
      authMode: 'oidc',
      oidc: { issuer: 'https://idp.example/realms/registry', clientId: 'registry-console', scope: 'openid profile' },
    });
  });
});
