import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { loadConfig } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { CommandRunner } from '../../services/registry-api/src/commands/command-runner.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Prometheus text → value of the first sample whose name matches and whose labels include every given pair. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

const pingDecider = {
  initialState: 0,
  evolve: (n: number) => n + 1,
  decide: (_c: { type: 'Ping' }, n: number) => [{ type: 'Pinged', data: { n: n + 1 } }],
};

describe('operations endpoints of the API (embedded projector)', () => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let base: string;
  let token: string;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const scrape = async () => (await fetch(`${base}/metrics`)).text();
  const gql = (query: string, operationName?: string) =>
    fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, operationName }),
    }).then((r) => r.json() as Promise<{ data?: unknown; errors?: unknown[] }>);

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', PROJECTOR_LOCK_POLL_MS: '100' });
    registry = await startRegistry(config);
    base = registry.url.replace(/\/graphql$/, '');
    token = await issueLocalToken(config, { sub: 'ops-e2e', role: 'admin' });
  });
  afterAll(async () => {
    await registry.stop();
    await db.drop();
  });

  it('/health/live answers without a token and without checking dependencies', async () => {
    const res = await fetch(`${base}/health/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('/health/ready checks database, migrations, event store and the projector (leader here)', async () => {
    let body: any;
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${base}/health/ready`);
      body = await res.json();
      if (res.status === 200 && body.details.projector?.projections?.every((p: { role: string }) => p.role === 'leader')) break;
      await sleep(100);
    }
    expect(body.status).toBe('ok');
    expect(body.details).toMatchObject({
      database: { status: 'up' },
      migrations: { status: 'up' },
      event_store: { status: 'up' },
      projector: { status: 'up' },
    });
    expect(body.details.projector.projections).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'event-type-counts', role: 'leader' })]));
  });

  it('/health/ready turns 503 and names the migration when one is not applied, and recovers', async () => {
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ id: number; timestamp: string; name: string }>(
        `DELETE FROM migrations WHERE id = (SELECT max(id) FROM migrations) RETURNING id, timestamp, name`,
      );
      const res = await fetch(`${base}/health/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as any;
      expect(body.error.migrations).toEqual({ status: 'down', pending: [rows[0]!.name] });
      await sql.query(`INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2, $3)`, [rows[0]!.id, rows[0]!.timestamp, rows[0]!.name]);
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    } finally {
      await sql.end();
    }
  });

  it('/metrics exposes request, command, event-store and projector series, and they move', async () => {
    const before = await scrape();
    const q = { operation_name: 'OpsStatus', operation_type: 'query', result: 'ok' };
    const gqlBefore = sample(before, 'registry_graphql_request_duration_seconds_count', q) ?? 0;
    const httpBefore = sample(before, 'registry_http_request_duration_seconds_count', { method: 'POST', route: '/graphql', status_code: '200' }) ?? 0;

    expect((await gql(`query OpsStatus { registryStatus { eventCount } }`)).errors).toBeUndefined();
    expect((await gql(`query OpsStatus { registryStatus { eventCount } }`)).errors).toBeUndefined();
    await gql(`query Broken { registryStatus { noSuchField } }`);

    const runner = registry.app.get(CommandRunner);
    const streamId = `ping-${randomUUID()}`;
    const origin = (commandId: string, expectedVersion?: number) => ({
      commandId,
      actorId: 'ops-e2e',
      actorRole: 'admin',
      correlationId: commandId,
      expectedVersion,
    });
    const first = randomUUID();
    await runner.run({ streamId, decider: pingDecider, command: { type: 'Ping' }, origin: origin(first) });
    await runner.run({ streamId, decider: pingDecider, command: { type: 'Ping' }, origin: origin(randomUUID()) });
    await runner.run({ streamId, decider: pingDecider, command: { type: 'Ping' }, origin: origin(first) }); // repeated commandId
    await expect(runner.run({ streamId, decider: pingDecider, command: { type: 'Ping' }, origin: origin(randomUUID(), 7) })).rejects.toMatchObject({
      code: 'WRONG_EXPECTED_VERSION',
    });

    let after = '';
    for (let i = 0; i < 50; i++) {
      after = await scrape();
      if (
        sample(after, 'registry_projector_lag_events', { projection: 'event-type-counts' }) === 0 &&
        sample(after, 'registry_event_store_head_position')! >= 0
      )
        break;
      await sleep(100);
    }
    expect(sample(after, 'registry_graphql_request_duration_seconds_count', q)).toBe(gqlBefore + 2);
    expect(
      sample(after, 'registry_graphql_request_duration_seconds_count', { operation_name: 'invalid', result: 'GRAPHQL_VALIDATION_FAILED' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'registry_http_request_duration_seconds_count', { method: 'POST', route: '/graphql', status_code: '200' })).toBeGreaterThanOrEqual(
      httpBefore + 2,
    );
    const cmd = (result: string) => sample(after, 'registry_command_duration_seconds_count', { command: 'Ping', result });
    expect([cmd('accepted'), cmd('replayed'), cmd('WRONG_EXPECTED_VERSION')]).toEqual([2, 1, 1]);
    expect(sample(after, 'registry_command_events_total', { command: 'Ping', event_type: 'Pinged' })).toBe(2);
    expect(sample(after, 'registry_event_store_append_duration_seconds_count', { adapter: 'postgres', result: 'ok' })).toBe(2);
    expect(sample(after, 'registry_event_store_appended_events_total', { adapter: 'postgres' })).toBe(2);
    const head = sample(after, 'registry_event_store_head_position')!;
    expect(head).toBeGreaterThan(0);
    expect(sample(after, 'registry_projector_checkpoint_position', { projection: 'event-type-counts' })).toBe(head);
    expect(sample(after, 'registry_projector_lag_events', { projection: 'event-type-counts' })).toBe(0);
    expect(sample(after, 'registry_projector_lag_seconds', { projection: 'event-type-counts' })).toBe(0);
    expect(sample(after, 'registry_projector_leader', { projection: 'event-type-counts', service: 'registry-api' })).toBe(1);
    expect(sample(after, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  });
});
