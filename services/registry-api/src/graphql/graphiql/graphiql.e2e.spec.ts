import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRegistry, type RunningRegistry } from '../../bootstrap.js';
import { loadConfig } from '#runtime';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database.js';

/** Every `src="…"` and `href="…"` of a page. */
const references = (html: string): string[] => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);

describe('GraphiQL explorer works on an offline network', () => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let closed: RunningRegistry;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const common = { ...db.adminEnv, PORT: '0', LOG_LEVEL: 'silent', PROJECTOR: 'off', AUDIT_SEAL_INTERVAL_SECONDS: '0' } as const;
    registry = await startRegistry(loadConfig({ ...common, GRAPHQL_INTROSPECTION: 'true' }));
    closed = await startRegistry(loadConfig({ ...common, GRAPHQL_INTROSPECTION: 'false' }));
    base = registry.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await registry?.stop();
    await closed?.stop();
    await db?.drop();
  });

  it('serves the explorer page with every script and style sheet from this server', async () => {
    const res = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('GraphiQL');
    const refs = references(html);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    // No CDN, no other host: every reference is a path on this server.
    for (const ref of refs) expect(ref).toMatch(/^\/graphiql\/assets\/[\w.-]+$/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('answers each referenced file from the installed packages, with its content type', async () => {
    const html = await (await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } })).text();
    for (const ref of references(html)) {
      const res = await fetch(`${base}${ref}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(ref.endsWith('.css') ? /^text\/css/ : /^application\/javascript/);
      const body = await res.text();
      expect(body.length).toBeGreaterThan(1000);
    }
    const graphiql = await (await fetch(`${base}/graphiql/assets/graphiql.min.js`)).text();
    expect(graphiql).toContain('createFetcher');
  });

  it('serves nothing else from node_modules', async () => {
    for (const path of ['/graphiql/assets/package.json', '/graphiql/assets/..%2F..%2Fpackage.json', '/graphiql/assets/graphiql.js']) {
      expect((await fetch(`${base}${path}`)).status).toBe(404);
    }
  });

  it('offers no explorer when introspection is off', async () => {
    const closedBase = closed.url.replace(/\/graphql$/, '');
    const res = await fetch(`${closedBase}/graphql`, { headers: { accept: 'text/html' } });
    expect(await res.text()).not.toContain('GraphiQL');
    expect((await fetch(`${closedBase}/graphiql/assets/graphiql.min.js`)).status).toBe(404);
  });
});
