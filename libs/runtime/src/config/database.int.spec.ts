import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { EVENT_STORE_SCHEMA } from '../../../../libs/event-store/src/testing/postgres-log-tampering.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { ConfigError, loadConfig } from './app-config.js';
import { prepareDatabase } from './database.js';

const production = { NODE_ENV: 'production', OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'registry', OIDC_JWKS_URL: 'https://idp.example/jwks' };
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ConfigError,
  );

describe('prepareDatabase on a server of your own', () => {
  let db: TestDatabase;
  let empty: string;

  beforeAll(async () => {
    // prepareDatabase's one-database behaviour; the two-database one has its own test below.
    db = await createTestDatabase({ oneDatabase: true });
    empty = `empty_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${empty}`);
    await admin.end();
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${empty} WITH (FORCE)`);
    await admin.end();
    await db.drop();
  });

  const on = (url: string, database: string) => Object.assign(new URL(url), { pathname: `/${database}` }).toString();

  it('migrates as MIGRATION_DATABASE_URL and serves as DATABASE_URL', async () => {
    const prepared = await prepareDatabase(
      loadConfig({ ...production, DATABASE_URL: on(db.appUrl, empty), MIGRATION_DATABASE_URL: on(db.url, empty) }),
      () => undefined,
    );
    expect(new URL(prepared.url).username).toBe(new URL(db.appUrl).username);
    const app = new pg.Client({ connectionString: prepared.url });
    await app.connect();
    try {
      expect((await app.query(`SELECT count(*)::int AS n FROM public.migrations`)).rows[0].n).toBeGreaterThan(0);
    } finally {
      await app.end();
    }
  });

  it('with only the app login, finds nothing pending and starts; pending migrations name MIGRATION_DATABASE_URL', async () => {
    await expect(prepareDatabase(loadConfig({ ...production, DATABASE_URL: db.appUrl }), () => undefined)).resolves.toMatchObject({ embedded: false });
    const fresh = `fresh_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${fresh}`);
      const err = await failure(prepareDatabase(loadConfig({ DATABASE_URL: on(db.appUrl, fresh) }), () => undefined));
      expect(err).toBeInstanceOf(ConfigError);
      expect(err!.variable).toBe('MIGRATION_DATABASE_URL');
      expect(err!.message).toMatch(/migrations are pending and DATABASE_URL's role may not apply them/);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${fresh} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('refuses to serve as a superuser in production, and warns elsewhere', async () => {
    const err = await failure(prepareDatabase(loadConfig({ ...production, DATABASE_URL: db.url }), () => undefined));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.variable).toBe('DATABASE_URL');
    expect(err!.message).toMatch(/is a superuser: log in as a member of registry_app/);
    const warnings: string[] = [];
    await prepareDatabase(loadConfig({ DATABASE_URL: db.url }), (m) => warnings.push(m));
    expect(warnings).toEqual([expect.stringMatching(/^warning: the application's database login is a superuser/)]);
  });

  it('with EVENT_STORE_URL, migrates two databases, each with its own set, and serves from both', async () => {
    const reads = `reads_${randomBytes(4).toString('hex')}`;
    const events = `events_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${reads}`);
      await admin.query(`CREATE DATABASE ${events}`);
      const env = {
        ...production,
        DATABASE_URL: on(db.appUrl, reads),
        MIGRATION_DATABASE_URL: on(db.url, reads),
        EVENT_STORE_URL: on(db.appUrl, events),
        MIGRATION_EVENT_STORE_URL: on(db.url, events),
      };
      const prepared = await prepareDatabase(loadConfig(env), () => undefined);
      expect([prepared.url, prepared.eventStoreUrl]).toEqual([env.DATABASE_URL, env.EVENT_STORE_URL]);
      const tables = async (database: string) => {
        const c = new pg.Client({ connectionString: on(db.url, database) });
        await c.connect();
        try {
          const { rows } = await c.query<{ s: string }>(
            `SELECT DISTINCT schemaname AS s FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
          );
          return rows.map((r) => r.s);
        } finally {
          await c.end();
        }
      };
      // Each database holds only its own side (and its record of migrations): a query joining the two cannot work.
      expect(await tables(events)).toEqual([EVENT_STORE_SCHEMA, 'public']);
      expect(await tables(reads)).not.toContain(EVENT_STORE_SCHEMA);
      expect(await tables(reads)).toContain('read_model');
      // The app logins alone then find nothing pending in either.
      await expect(
        prepareDatabase(loadConfig({ ...production, DATABASE_URL: env.DATABASE_URL, EVENT_STORE_URL: env.EVENT_STORE_URL }), () => undefined),
      ).resolves.toMatchObject({ embedded: false });
      // A fresh event store database with only the app login: pending migrations name MIGRATION_EVENT_STORE_URL.
      await admin.query(`DROP DATABASE ${events} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${events}`);
      const err = await failure(prepareDatabase(loadConfig({ DATABASE_URL: env.DATABASE_URL, EVENT_STORE_URL: env.EVENT_STORE_URL }), () => undefined));
      expect(err).toBeInstanceOf(ConfigError);
      expect(err!.variable).toBe('MIGRATION_EVENT_STORE_URL');
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${reads} WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS ${events} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('upgrades a database of the old migrations: the event store step that moved out of LeastPrivilege is additive and idempotent', async () => {
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    try {
      // As a database migrated before the step existed: everything else recorded, this one not.
      await owner.query(`DELETE FROM public.migrations WHERE name = 'EventStoreLeastPrivilege1765400000000'`);
      const warnings: string[] = [];
      await prepareDatabase(loadConfig({ DATABASE_URL: db.appUrl, MIGRATION_DATABASE_URL: db.url }), (m) => warnings.push(m));
      expect(warnings).toEqual(['applied migrations: EventStoreLeastPrivilege1765400000000']);
      expect((await owner.query(`SELECT count(*)::int AS n FROM public.migrations WHERE name = 'EventStore1764230000000'`)).rows[0].n).toBe(1);
    } finally {
      await owner.end();
    }
  });
});
