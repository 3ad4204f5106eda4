import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import type { Role } from '../../services/registry-api/src/auth/actor.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { countStoredEvents } from '../../libs/event-store/src/testing/postgres-log-tampering.js';

/**
 * Role grants over HTTP: two API instances on one database, one trusting tokens (AUTH_GRANTS=token, the default) and
 * one enforcing the registry's grants (AUTH_GRANTS=registry, 1 s cache). Grants and revocations are events with the
 * granting admin and the reason, visible in history and auditLog.
 */
const DENIAL = 'You are not allowed to do this, or it does not exist';
const TRIAL = `query($id: ID!) { trial(id: $id) { id } }`;
const GRANT = `mutation($input: GrantRoleInput!) { grantRole(input: $input) { id streamId events replayed } }`;
const REVOKE = `mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { id streamId events replayed } }`;

interface Gql {
  status: number;
  data?: any;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

describe('role grants as events, enforced with AUTH_GRANTS=registry', () => {
  let db: TestDatabase;
  let dataDir: string;
  let tokenMode: RunningRegistry;
  let registryMode: RunningRegistry;
  let config: AppConfig;
  let events: pg.Client;

  const token = (sub: string, role: Role, scopes: { trials?: string[]; programmes?: string[]; sites?: string[] } = {}) =>
    issueLocalToken(config, { sub, role, ...scopes });
  const call = async (registry: RunningRegistry, bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<Gql> => {
    const res = await fetch(registry.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ...((await res.json()) as object) };
  };
  const eventCount = () => countStoredEvents(db.eventStoreUrl);
  const code = (r: Gql) => r.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-grants-'));
    const base = { ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PROJECTOR: 'off', AUDIT_SEAL_INTERVAL_SECONDS: '0' } as const;
    config = loadConfig({ ...base });
    tokenMode = await startRegistry(config);
    registryMode = await startRegistry(
      loadConfig({ ...base, AUTH_GRANTS: 'registry', AUTH_GRANTS_CACHE_SECONDS: '1', AUTH_BOOTSTRAP_ADMINS: 'root-admin, other-root' }),
    );
    events = new pg.Client({ connectionString: db.url });
    await events.connect();
  });
  afterAll(async () => {
    await events?.end();
    await registryMode?.stop();
    await tokenMode?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('defaults to token mode: a development token works without any grant', async () => {
    expect(loadConfig({}).AUTH_GRANTS).toBe('token');
    const res = await call(tokenMode, await token('carol', 'coordinator', { trials: ['T1'], sites: ['*'] }), TRIAL, { id: 'T1' });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ trial: null });
  });

  it('in registry mode refuses a valid token whose role no grant records, with the one denial and no data', async () => {
    for (const [sub, role] of [
      ['carol', 'coordinator'],
      ['someone-admin', 'admin'],
      ['rita', 'regulator'],
    ] as const) {
      const res = await call(registryMode, await token(sub, role, { trials: ['T1'], sites: ['*'] }), `{ registryStatus { eventCount } }`);
      expect(res.status).toBe(403);
      expect(res.errors).toEqual([{ message: DENIAL, extensions: { code: 'FORBIDDEN' } }]);
      expect(res.data).toBeUndefined();
    }
  });

  it('records a grant by a bootstrap admin as RoleGranted on actor-<sub>, with the admin and the reason', async () => {
    const root = await token('root-admin', 'admin');
    const granted = await call(registryMode, root, GRANT, {
      input: { commandId: 'grant-carol-1', actorId: 'carol', role: 'coordinator', trials: ['T1'], sites: ['*'], reason: 'Joins the T1 team' },
    });
    expect(granted.errors).toBeUndefined();
    expect(granted.data.grantRole).toEqual({ id: 'carol', streamId: 'actor-carol', events: ['RoleGranted'], replayed: false });
    const regulatorGrant = await call(registryMode, root, GRANT, {
      input: { commandId: 'grant-rita-1', actorId: 'rita', role: 'regulator', reason: 'Inspection 2025' },
    });
    expect(regulatorGrant.errors).toBeUndefined();
    const again = await call(registryMode, root, GRANT, {
      input: { commandId: 'grant-carol-1', actorId: 'carol', role: 'coordinator', trials: ['T1'], sites: ['*'], reason: 'Joins the T1 team' },
    });
    expect(again.data.grantRole.replayed).toBe(true);
  });

  it('in registry mode accepts the granted role and narrows the token scopes to the grant', async () => {
    const wide = await token('carol', 'coordinator', { trials: ['*'], sites: ['*'] });
    expect((await call(registryMode, wide, TRIAL, { id: 'T1' })).errors).toBeUndefined();
    // The token claims every trial; the grant records only T1.
    const other = await call(registryMode, wide, TRIAL, { id: 'T2' });
    expect(other.errors?.[0]).toMatchObject({ message: DENIAL, extensions: { code: 'FORBIDDEN' } });
    // The same token is not narrowed in token mode.
    expect((await call(tokenMode, wide, TRIAL, { id: 'T2' })).errors).toBeUndefined();
    // A role the actor holds no grant for is refused even with a grant of another role.
    expect((await call(registryMode, await token('carol', 'reader', { sites: ['*'] }), TRIAL, { id: 'T1' })).status).toBe(403);
    // The granted regulator reads the grants.
    const grants = await call(
      registryMode,
      await token('rita', 'regulator'),
      `query { roleGrants(actorId: "carol") { actorId role trials programmes sites reason grantedBy grantedAt } }`,
    );
    expect(grants.errors).toBeUndefined();
    expect(grants.data.roleGrants).toEqual([
      {
        actorId: 'carol',
        role: 'coordinator',
        trials: ['T1'],
        programmes: [],
        sites: ['*'],
        reason: 'Joins the T1 team',
        grantedBy: 'root-admin',
        grantedAt: expect.any(String),
      },
    ]);
  });

  it('refuses a duplicate grant, a revocation of what is not granted, a missing reason and an unknown role, appending nothing', async () => {
    const root = await token('root-admin', 'admin');
    const before = await eventCount();
    const attempts: [string, Record<string, unknown>, string, string][] = [
      [GRANT, { actorId: 'carol', role: 'coordinator', trials: ['T9'], reason: 'again' }, 'ROLE_ALREADY_GRANTED', 'role'],
      [REVOKE, { actorId: 'carol', role: 'reader', reason: 'never had it' }, 'ROLE_NOT_GRANTED', 'role'],
      [GRANT, { actorId: 'dave', role: 'reader', sites: ['S1'], reason: '   ' }, 'FIELD_REQUIRED', 'reason'],
      [GRANT, { actorId: 'dave', role: 'superuser', reason: 'why not' }, 'UNKNOWN_ROLE', 'role'],
    ];
    for (const [mutation, input, expected, field] of attempts) {
      const res = await call(registryMode, root, mutation, { input: { commandId: randomUUID(), ...input } });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: expected, field });
    }
    // Only admins grant: a granted coordinator cannot grant itself more.
    const self = await call(registryMode, await token('carol', 'coordinator', { trials: ['T1'], sites: ['*'] }), GRANT, {
      input: { commandId: randomUUID(), actorId: 'carol', role: 'admin', reason: 'promote myself' },
    });
    expect(code(self)).toBe('FORBIDDEN');
    expect(await eventCount()).toBe(before);
  });

  it('a revocation takes effect at once on the instance that recorded it and within the cache time on another', async () => {
    const carol = await token('carol', 'coordinator', { trials: ['T1'], sites: ['*'] });
    expect((await call(registryMode, carol, TRIAL, { id: 'T1' })).errors).toBeUndefined(); // cached as granted now
    const revoked = await call(tokenMode, await token('admin-ann', 'admin'), REVOKE, {
      input: { commandId: 'revoke-carol-1', actorId: 'carol', role: 'coordinator', reason: 'Left the T1 team' },
    });
    expect(revoked.data.revokeRole.events).toEqual(['RoleRevoked']);
    const started = Date.now();
    let res = await call(registryMode, carol, TRIAL, { id: 'T1' });
    while (res.status !== 403 && Date.now() - started < 5_000) {
      await new Promise((r) => setTimeout(r, 100));
      res = await call(registryMode, carol, TRIAL, { id: 'T1' });
    }
    expect(res.status).toBe(403);
    expect(Date.now() - started).toBeLessThan(3_000);
    // On the recording instance: grant again and revoke through registryMode itself, no wait.
    const root = await token('root-admin', 'admin');
    await call(registryMode, root, GRANT, {
      input: { commandId: 'grant-carol-2', actorId: 'carol', role: 'coordinator', trials: ['T1'], sites: ['*'], reason: 'Back on T1' },
    });
    expect((await call(registryMode, carol, TRIAL, { id: 'T1' })).errors).toBeUndefined();
    await call(registryMode, root, REVOKE, { input: { commandId: 'revoke-carol-2', actorId: 'carol', role: 'coordinator', reason: 'Moved to T2' } });
    expect((await call(registryMode, carol, TRIAL, { id: 'T1' })).status).toBe(403);
    expect((await call(registryMode, await token('rita', 'regulator'), `{ roleGrants(actorId: "carol") { role } }`)).data.roleGrants).toEqual([]);
  });

  it('shows every grant and revocation in history and auditLog with the admin, the role and the reason', async () => {
    const rita = await token('rita', 'regulator');
    const history = await call(registryMode, rita, `{ history(streamId: "actor-carol") { type actorId actorRole reason commandId recordedAt } }`);
    expect(history.errors).toBeUndefined();
    expect(history.data.history.map((e: any) => [e.type, e.actorId, e.actorRole, e.reason, e.commandId])).toEqual([
      ['RoleGranted', 'root-admin', 'admin', 'Joins the T1 team', 'grant-carol-1'],
      ['RoleRevoked', 'admin-ann', 'admin', 'Left the T1 team', 'revoke-carol-1'],
      ['RoleGranted', 'root-admin', 'admin', 'Back on T1', 'grant-carol-2'],
      ['RoleRevoked', 'root-admin', 'admin', 'Moved to T2', 'revoke-carol-2'],
    ]);
    const log = await call(
      registryMode,
      rita,
      `{ auditLog(filter: { eventTypes: ["RoleGranted", "RoleRevoked"] }, first: 50) { events { streamId type actorId reason data } } }`,
    );
    expect(log.errors).toBeUndefined();
    const nodes = log.data.auditLog.events as { streamId: string; type: string; actorId: string; reason: string; data: string }[];
    expect(nodes.map((n) => `${n.streamId} ${n.type} ${n.actorId}`).sort()).toEqual(
      [
        'actor-carol RoleGranted root-admin',
        'actor-carol RoleGranted root-admin',
        'actor-carol RoleRevoked admin-ann',
        'actor-carol RoleRevoked root-admin',
        'actor-rita RoleGranted root-admin',
      ].sort(),
    );
    expect(JSON.parse(nodes.find((n) => n.reason === 'Inspection 2025')!.data)).toMatchObject({
      actorId: 'rita',
      role: 'regulator',
      trials: [],
      reason: 'Inspection 2025',
    });
  });
});
