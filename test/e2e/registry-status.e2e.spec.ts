import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '#event-store';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { ConfigError, loadConfig } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

// Operations need a real token (services/registry-api/src/auth/README.md); an admin may run both status queries.
let token: string | undefined;

async function gql(url: string, query: string, variables?: Record<string, unknown>) {
  token ??= await issueLocalToken(loadConfig({}), { sub: 'status-e2e', role: 'admin' });
  return postGraphql(url, token, query, variables);
}

const STATUS = `{ registryStatus { eventCount lastPosition projections { name version state checkpoint lag error } } }`;

describe('registry over HTTP', () => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    registry = await startRegistry(loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent' }));
    store = new PostgresEventStore({ connectionString: db.eventStoreUrl });
  });
  afterAll(async () => {
    await store.close();
    await registry.stop();
    await db.drop();
  });

  it('reports an empty registry with every projection started and nothing to catch up', async () => {
    // Runners register their checkpoints as they take their leadership lock, just after the app starts.
    let status: any;
    for (let i = 0; i < 100; i++) {
      const res = await gql(registry.url, STATUS);
      expect(res.errors).toBeUndefined();
      status = res.data.registryStatus;
      if (status.projections.some((p: any) => p.name === 'event-type-counts')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toMatchObject({ eventCount: 0, lastPosition: null });
    expect(status.projections).toContainEqual({ name: 'event-type-counts', version: 1, state: 'RUNNING', checkpoint: null, lag: 0, error: null });
    for (const p of status.projections) expect(p).toMatchObject({ state: 'RUNNING', lag: 0, checkpoint: null, error: null });
  });

  it('shows events appended, and the projector catching up to them', async () => {
    const stream = `status-${randomUUID()}`;
    const result = await store.appendToStream(
      stream,
      [
        { id: randomUUID(), type: 'Pinged', data: { n: 1 } },
        { id: randomUUID(), type: 'Pinged', data: { n: 2 } },
      ],
      { expectedRevision: 'no_stream' },
    );
    let status: any;
    for (let i = 0; i < 100; i++) {
      status = (await gql(registry.url, STATUS)).data.registryStatus;
      const counter = status.projections.find((p: any) => p.name === 'event-type-counts');
      if (counter?.lag === 0 && counter.checkpoint !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status.eventCount).toBe(2);
    expect(status.lastPosition).toBe(result.position.prepare.toString());
    expect(status.projections.find((p: any) => p.name === 'event-type-counts')).toMatchObject({
      state: 'RUNNING',
      lag: 0,
      checkpoint: result.position.prepare.toString(),
    });
  });

  it('verifies the audit trail over GraphQL', async () => {
    const res = await gql(registry.url, `{ verifyAuditTrail { ok eventsChecked streamsChecked firstFailure { streamId } } }`);
    expect(res.data.verifyAuditTrail).toMatchObject({ ok: true, firstFailure: null });
    expect(res.data.verifyAuditTrail.eventsChecked).toBeGreaterThanOrEqual(2);
  });

  it('rejects a malformed query with a GraphQL validation code and keeps serving', async () => {
    const bad = await gql(registry.url, `{ registryStatus { noSuchField } }`);
    expect(bad.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const good = await gql(registry.url, STATUS);
    expect(good.errors).toBeUndefined();
  });

  it('rejects an invalid stream name with a stable code and the offending field', async () => {
    const res = await gql(registry.url, `{ verifyAuditTrail(streamId: "NOT A STREAM") { ok } }`);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'INVALID_EVENT', field: 'streamId' });
  });
});

describe('start-up failures say what is wrong', () => {
  it('stops on an unreachable DATABASE_URL, naming the variable', async () => {
    const err = await startRegistry(loadConfig({ DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/none', PORT: '0', LOG_LEVEL: 'silent' })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe('DATABASE_URL');
    expect((err as Error).message).not.toContain(':x@');
  });

  it('stops when the HTTP port is already in use, naming PORT', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startRegistry(loadConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1:1/x', PORT: String(port), LOG_LEVEL: 'silent' })).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe('PORT');
      expect((err as Error).message).toContain('already in use');
    } finally {
      blocker.close();
    }
  });
});
