import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { ConfigError, loadConfig } from './app-config.js';
import { prepareDatabase } from './database.js';

const production = { NODE_ENV: 'production', OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'registry', OIDC_JWKS_URL: 'https://idp.example/jwks' };
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as ConfigError);

describe('prepareDatabase on a server of your own', () => {
  let db: TestDatabase;
  let empty: string;

  beforeAll(async () => {
    db = await createTestDatabase();
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
    const prepared = await prepareDatabase(loadConfig({ ...production, DATABASE_URL: on(db.appUrl, empty), MIGRATION_DATABASE_URL: on(db.url, empty) }), () => undefined);
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
});
