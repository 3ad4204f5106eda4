import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('gives working defaults for the embedded development setup', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 4000, DATA_DIR: './.data', EVENT_STORE: 'postgres', PROJECTOR: 'embedded', graphqlIntrospection: true });
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it('seals every few seconds by default, and keeps the owner login apart from the app login', () => {
    expect(loadConfig({})).toMatchObject({ AUDIT_SEAL_INTERVAL_SECONDS: 5 });
    expect(loadConfig({}).AUDIT_ANCHOR_DIR).toBeUndefined();
    const c = loadConfig({ DATABASE_URL: 'postgres://registry_api:a@db/registry', MIGRATION_DATABASE_URL: 'postgres://registry_owner:o@db/registry' });
    expect([c.DATABASE_URL, c.MIGRATION_DATABASE_URL]).toEqual(['postgres://registry_api:a@db/registry', 'postgres://registry_owner:o@db/registry']);
  });

  it('keeps the events in DATABASE_URL unless EVENT_STORE_URL names a database of their own', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db/registry' }).EVENT_STORE_URL).toBeUndefined();
    const c = loadConfig({
      DATABASE_URL: 'postgres://app@db/registry',
      EVENT_STORE_URL: 'postgres://app@db/events',
      MIGRATION_EVENT_STORE_URL: 'postgres://owner@db/events',
    });
    expect([c.EVENT_STORE_URL, c.MIGRATION_EVENT_STORE_URL]).toEqual(['postgres://app@db/events', 'postgres://owner@db/events']);
  });

  it('gives the standalone projector its own port: PROJECTOR_PORT, else an explicit PORT (infra/), else 4001', () => {
    expect(loadConfig({}).projectorPort).toBe(4001);
    expect(loadConfig({ PORT: '4100' }).projectorPort).toBe(4100);
    expect(loadConfig({ PORT: '4100', PROJECTOR_PORT: '4200' }).projectorPort).toBe(4200);
    expect(() => loadConfig({ PROJECTOR_PORT: 'x' })).toThrow(/^PROJECTOR_PORT: /);
    expect(() => loadConfig({ PROJECTOR_LOCK_POLL_MS: '1' })).toThrow(/^PROJECTOR_LOCK_POLL_MS: /);
  });

  it('turns introspection off in production unless asked for', () => {
    // Production refuses to start without an issuer (auth/token-verifier.unit.spec.ts), so give it one.
    const oidc = { OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'registry', OIDC_JWKS_URL: 'https://idp.example/jwks' };
    expect(loadConfig({ NODE_ENV: 'production', ...oidc }).graphqlIntrospection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true', ...oidc }).graphqlIntrospection).toBe(true);
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['EVENT_STORE', { EVENT_STORE: 'kafka' }],
    ['EVENTSTORE_CONNECTION_STRING', { EVENT_STORE: 'eventstoredb' }],
    ['GRAPHQL_INTROSPECTION', { GRAPHQL_INTROSPECTION: 'maybe' }],
    ['MIGRATION_DATABASE_URL', { DATABASE_URL: 'postgres://app@db/registry', MIGRATION_DATABASE_URL: 'mysql://x' }],
    ['MIGRATION_DATABASE_URL', { MIGRATION_DATABASE_URL: 'postgres://owner@db/registry' }],
    ['EVENT_STORE_URL', { DATABASE_URL: 'postgres://app@db/registry', EVENT_STORE_URL: 'mysql://x' }],
    ['EVENT_STORE_URL', { EVENT_STORE_URL: 'postgres://app@db/events' }],
    [
      'EVENT_STORE_URL',
      {
        DATABASE_URL: 'postgres://app@db/registry',
        EVENT_STORE_URL: 'postgres://app@db/events',
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: 'esdb://x:2113',
      },
    ],
    ['MIGRATION_EVENT_STORE_URL', { DATABASE_URL: 'postgres://app@db/registry', MIGRATION_EVENT_STORE_URL: 'postgres://owner@db/events' }],
  ])('names %s when its value is bad', (variable, env) => {
    const err = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
    expect((err as ConfigError).message).toMatch(new RegExp(`^${variable}: `));
  });
});
