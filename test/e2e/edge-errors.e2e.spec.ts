import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The HTTP edge, from outside: every error in one body shape with a stable code (and the field where there is one),
 * never a 5xx for anything a client can send, a database outage as a retryable 503, refused tokens rate-limited by
 * address, readiness detail only for admins, and slow clients cut off.
 */

/** A TCP hop between the registry and PostgreSQL that can cut every connection and refuse new ones: an outage. */
class OutageProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private down = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => {
      if (this.down) return void client.destroy();
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
  }
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }
  restore(): void {
    this.down = false;
  }
  async stop(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('the HTTP edge', () => {
  let db: TestDatabase;
  let proxy: OutageProxy;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let base: string;
  const tokens: Record<string, string> = {};

  const send = async (path: string, init: { method?: string; body?: string; bearer?: string | null; headers?: Record<string, string> } = {}) => {
    const bearer = init.bearer === undefined ? tokens['admin'] : init.bearer;
    const res = await fetch(base + path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...init.headers },
      body: init.body,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  };
  const gql = (query: string, variables?: unknown, bearer?: string | null, extra: Record<string, unknown> = {}) =>
    send('/graphql', { body: JSON.stringify({ query, variables, ...extra }), bearer });
  /** The one error body shape: `{errors: [{message, extensions: {code, field?}}]}`. */
  const expectErrorShape = (r: { json: any; text: string }, code: string, field?: string) => {
    expect(r.json?.errors?.[0]?.message).toEqual(expect.any(String));
    expect(r.json.errors[0].extensions.code).toBe(code);
    if (field !== undefined) expect(r.json.errors[0].extensions.field).toBe(field);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const u = new URL(db.url);
    proxy = new OutageProxy({ host: u.hostname, port: Number(u.port) });
    await proxy.start();
    u.port = String(proxy.port);
    dataDir = await mkdtemp(join(tmpdir(), 'registry-edge-'));
    config = loadConfig({
      DATABASE_URL: u.toString(),
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PROJECTOR: 'off',
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
      RATE_LIMIT_PER_MINUTE: '40',
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '2000',
    });
    registry = await startRegistry(config);
    base = registry.url.replace(/\/graphql$/, '');
    const all = { trials: ['*'], programmes: ['*'], sites: ['*'] };
    tokens['admin'] = await issueLocalToken(config, { sub: 'edge-admin', role: 'admin' });
    tokens['coordinator'] = await issueLocalToken(config, { sub: 'edge-coordinator', role: 'coordinator', ...all });
    tokens['biostatistician'] = await issueLocalToken(config, { sub: 'edge-bio', role: 'biostatistician', ...all });
    tokens['regulator'] = await issueLocalToken(config, { sub: 'edge-regulator', role: 'regulator', ...all });
    tokens['outage'] = await issueLocalToken(config, { sub: 'edge-outage', role: 'coordinator', ...all });
  });
  afterAll(async () => {
    await registry?.stop();
    await proxy?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers express-level errors in the GraphQL error shape with a stable code', async () => {
    const malformed = await send('/graphql', { body: '{"query": "{ registryStatus { eventCount } }"' });
    expect(malformed.status).toBe(400);
    expectErrorShape(malformed, 'MALFORMED_JSON', 'body');
    const huge = await gql('query($x: String) { registryStatus { eventCount } }', { x: 'x'.repeat(2_000_000) });
    expect(huge.status).toBe(413);
    expectErrorShape(huge, 'PAYLOAD_TOO_LARGE', 'body');
    const unknown = await send('/no-such-route', { body: '{}' });
    expect(unknown.status).toBe(404);
    expectErrorShape(unknown, 'NOT_FOUND', 'path');
    const nan = await gql('{ measurements(first: NaN) { totalCount } }', undefined, tokens['biostatistician']);
    expect(nan.status).toBe(400);
    expectErrorShape(nan, 'BAD_USER_INPUT', 'first');
  });

  const B64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  // [label, request, expected code, expected field]
  const MALFORMED: readonly [string, () => ReturnType<typeof send>, string, string][] = [
    ['NUL in trial(id) literal', () => gql('{ trial(id: "a\\u0000b") { id } }'), 'INVALID_TEXT', 'id'],
    ['NUL in trial(id) variable', () => gql('query($id: ID!) { trial(id: $id) { id } }', { id: 'a\u0000b' }), 'INVALID_TEXT', 'id'],
    ['NUL in subject(id)', () => gql('query($id: ID!) { subject(id: $id) { id } }', { id: '\u0000' }, tokens['coordinator']), 'INVALID_TEXT', 'id'],
    [
      'NUL in trials(titleContains)',
      () => gql('query($f: TrialFilter) { trials(filter: $f) { totalCount } }', { f: { titleContains: 'a\u0000' } }, tokens['coordinator']),
      'INVALID_TEXT',
      'titleContains',
    ],
    [
      'NUL in a measurements filter',
      () => gql('{ measurements(filter: { biomarkerId: "\\u0000" }) { totalCount } }', undefined, tokens['biostatistician']),
      'INVALID_TEXT',
      'filter.biomarkerId',
    ],
    [
      'NUL in auditLog',
      () => gql('query($f: AuditLogFilter) { auditLog(filter: $f) { nextCursor } }', { f: { streamId: 'trial-\u0000' } }, tokens['regulator']),
      'INVALID_TEXT',
      'streamId',
    ],
    ['NUL in /audit/export', () => send('/audit/export?trialId=a%00b', { bearer: tokens['regulator'] }), 'INVALID_TEXT', 'trialId'],
    [
      'lone surrogate in a correction reason',
      () =>
        gql(
          'mutation($i: CorrectMeasurementInput!) { correctMeasurement(input: $i) { id } }',
          { i: { commandId: 'c-1', subjectId: 's', measurementId: 'm', value: { value: 1, unit: 'mm' }, reason: 'a\ud800b' } },
          tokens['coordinator'],
        ),
      'INVALID_TEXT',
      'reason',
    ],
    ['asOf in year 0000 (literal)', () => gql('{ trial(id: "x", asOf: "0000-01-01") { id } }'), 'BAD_USER_INPUT', 'asOf'],
    [
      'asOf in year 0000 (variable)',
      () => gql('query($d: DateTime) { trial(id: "x", asOf: $d) { id } }', { d: '0000-06-01T00:00:00Z' }),
      'BAD_USER_INPUT',
      'd',
    ],
    ['a syntax error', () => gql('{ trial(id: '), 'GRAPHQL_PARSE_FAILED', 'query'],
    ['a syntax error without a token', () => gql('{ trial(id: ', undefined, null), 'GRAPHQL_PARSE_FAILED', 'query'],
    ['over the token limit', () => gql(`{ ${Array.from({ length: 2_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`), 'GRAPHQL_PARSE_FAILED', 'query'],
    [
      'variables nested 5,000 deep',
      () => send('/graphql', { body: `{"query":"query($x: ID!) { trial(id: $x) { id } }","variables":{"x":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}}` }),
      'INPUT_TOO_DEEP',
      'a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a',
    ],
    [
      'an unknown operationName',
      () => gql('query A { registryStatus { eventCount } }', undefined, undefined, { operationName: 'B' }),
      'UNKNOWN_OPERATION',
      'operationName',
    ],
    ['/plots q that is not base64 JSON', () => send('/plots/roc?q=%%%', { bearer: tokens['biostatistician'] }), 'BAD_USER_INPUT', 'q'],
    ['/plots q of an empty object', () => send(`/plots/roc?q=${B64({})}`, { bearer: tokens['biostatistician'] }), 'BAD_USER_INPUT', 'q'],
    ['/plots q of a list', () => send(`/plots/cusum?q=${B64([1])}`, { bearer: tokens['biostatistician'] }), 'BAD_USER_INPUT', 'q'],
    ['/plots q of a string', () => send(`/plots/kaplan-meier?q=${B64('x')}`, { bearer: tokens['biostatistician'] }), 'BAD_USER_INPUT', 'q'],
    [
      '/plots q with a wrong-typed field',
      () => send(`/plots/bland-altman?q=${B64({ biomarkerId: 1, trialId: ['x'] })}`, { bearer: tokens['biostatistician'] }),
      'BAD_USER_INPUT',
      'q',
    ],
    [
      '/plots q with a NUL',
      () => send(`/plots/kpi-trend?q=${B64({ programmeId: 'p\u0000' })}`, { bearer: tokens['biostatistician'] }),
      'INVALID_TEXT',
      'q.programmeId',
    ],
    [
      '/plots q with null endpoint',
      () => send(`/plots/roc?q=${B64({ biomarkerId: 'b', timePoint: 'T', endpoint: null })}`, { bearer: tokens['biostatistician'] }),
      'BAD_USER_INPUT',
      'q',
    ],
  ];
  it.each(MALFORMED.map((m) => [m[0], m] as const))('refuses %s with a 4xx, a stable code and the field', async (_label, [, request, code, field]) => {
    const res = await request();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.json?.errors?.[0]?.extensions?.code).toBe(code);
    expect(String(res.json.errors[0].extensions.field)).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}`));
  });

  it('does not call a limit refusal a syntax error', async () => {
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: registryStatus { eventCount }`).join(' ');
    const res = await gql(`{ ${aliases} }`);
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases' });
    expect(res.json.errors[0].message).not.toMatch(/syntax/i);
  });

  it('cuts off a client that sends its headers too slowly', async () => {
    const started = Date.now();
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n');
    const keepTrickling = setInterval(() => socket.write('X-More: 1\r\n'), 200);
    await new Promise((resolve) => socket.on('close', resolve));
    clearInterval(keepTrickling);
    expect(Date.now() - started).toBeLessThan(6_000);
  }, 20_000);

  it('answers a database outage SERVICE_UNAVAILABLE with 503 and Retry-After, for queries and mutations, and serves again after it', async () => {
    const admin = tokens['admin'];
    expect((await gql('{ registryStatus { eventCount } }', undefined, admin)).status).toBe(200);
    proxy.cut();
    try {
      const answers = [
        await gql('{ registryStatus { eventCount } }', undefined, admin),
        await gql('{ trials { totalCount } }', undefined, tokens['outage']),
        await gql('query($id: ID!) { trial(id: $id) { id } }', { id: 'x' }, tokens['outage']),
        await gql(
          'mutation($i: RegisterTrialInput!) { registerTrial(input: $i) { id } }',
          {
            i: {
              commandId: 'edge-outage-1',
              trialId: 'edge-t',
              identifiers: [{ system: 'NCT', value: 'NCT07111111' }],
              title: 'T',
              phase: 'PHASE_II',
              sponsor: 'S',
              primaryEndpoint: 'OS',
            },
          },
          tokens['outage'],
        ),
      ];
      for (const a of answers) {
        expect([a.status, a.json?.errors?.[0]?.extensions?.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
        expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      // Readiness names the failing check to anyone, but its error text only to an admin.
      const anonymous = await send('/health/ready', { bearer: null });
      expect(anonymous.status).toBe(503);
      expect(anonymous.json.error.database.status).toBe('down');
      expect(JSON.stringify(anonymous.json)).not.toMatch(/message|terminated|ECONN|timeout|connect/i);
      const operator = await send('/health/ready', { bearer: admin });
      expect(operator.status).toBe(503);
      expect(JSON.stringify(operator.json.error)).toMatch(/message/);
    } finally {
      proxy.restore();
    }
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await gql('{ registryStatus { eventCount } }', undefined, tokens['regulator'])).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  }, 60_000);

  it('limits requests with a refused token by address', async () => {
    const forged = `${tokens['admin']!.slice(0, -4)}AAAA`;
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await gql('{ registryStatus { eventCount } }', undefined, forged)).status);
    expect(statuses.slice(0, 40).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(40)).toEqual([429, 429, 429, 429, 429]);
    // A token accepted before from the same address is still served.
    expect((await gql('{ registryStatus { eventCount } }', undefined, tokens['regulator'])).status).toBe(200);
  });
});
