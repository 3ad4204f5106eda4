import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

const STATUS = `{ registryStatus { eventCount } }`;
const VERIFY = `{ verifyAuditTrail { ok } }`;

describe('authentication and authorization over HTTP', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-security-'));
    config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PROJECTOR: 'off' });
    registry = await startRegistry(config);
  });
  afterAll(async () => {
    await registry.stop();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const bearer = async (role: Parameters<typeof issueLocalToken>[1]['role'], extra: Parameters<typeof issueLocalToken>[2] = {}) => ({
    authorization: `Bearer ${await issueLocalToken(config, { sub: `e2e-${role}`, role }, extra)}`,
  });

  it('refuses an operation without a token with UNAUTHENTICATED, and ignores actor headers', async () => {
    const res = await post(registry.url, { query: STATUS }, { 'x-actor-id': 'mallory', 'x-actor-role': 'admin' });
    expect(res.body.data).toBeNull();
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['expired', { expiresIn: Math.floor(Date.now() / 1000) - 3600 }, 'expired'],
    ['for another audience', { audience: 'someone-else' }, 'wrong_audience'],
    ['from another issuer', { issuer: 'https://evil.example' }, 'wrong_issuer'],
  ])('refuses a token %s with 401 before any resolver runs', async (_name, options, reason) => {
    const res = await post(registry.url, { query: STATUS }, await bearer('admin', options));
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
  });

  it('refuses garbage in the Authorization header', async () => {
    for (const header of ['Bearer', 'Basic YWRtaW46YWRtaW4=', 'Bearer a.b', `Bearer ${'x'.repeat(10_000)}.y.z`]) {
      const res = await post(registry.url, { query: STATUS }, { authorization: header });
      expect(res.status).toBe(401);
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets every role read the registry status with a valid token', async () => {
    for (const role of ['coordinator', 'reader', 'screening_manager', 'biostatistician', 'regulator', 'admin'] as const) {
      const res = await post(registry.url, { query: STATUS }, await bearer(role));
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.registryStatus.eventCount).toBe(0);
    }
  });

  it('lets regulators and admins verify the audit trail and refuses the others with FORBIDDEN', async () => {
    for (const role of ['regulator', 'admin'] as const) {
      expect((await post(registry.url, { query: VERIFY }, await bearer(role))).body.data.verifyAuditTrail.ok).toBe(true);
    }
    for (const role of ['coordinator', 'reader', 'screening_manager', 'biostatistician'] as const) {
      const res = await post(registry.url, { query: VERIFY }, await bearer(role));
      expect(res.body.data).toBeNull();
      expect(res.body.errors[0]).toMatchObject({ message: 'You are not allowed to do this, or it does not exist', extensions: { code: 'FORBIDDEN' } });
    }
  });
});
