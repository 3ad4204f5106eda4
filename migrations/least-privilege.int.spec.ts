import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresEventStore } from '#event-store';
import { ensureEmbeddedLogins, excessPrivileges } from '#runtime';
import { appendFunctionSecurity, attemptsOnTheLog, EVENT_STORE_SCHEMA, eventsTableOwner } from '../libs/event-store/src/testing/postgres-log-tampering.js';
import { runMigrations } from './data-source.js';
import { createTestDatabase, type TestDatabase } from '../test/support/test-database.js';

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

describe('the application role (registry_app) after the migrations', () => {
  let db: TestDatabase;
  let app: pg.Client;
  let owner: pg.Client;
  /** The app login and the owner on the event store's database (the same one unless TEST_SEPARATE_EVENT_STORE=1). */
  let appOnLog: pg.Client;
  let ownerOfLog: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await connect(db.appUrl);
    owner = await connect(db.url);
    appOnLog = await connect(db.eventStoreAppUrl);
    ownerOfLog = await connect(db.eventStoreUrl);
  });
  afterAll(async () => {
    await app.end();
    await owner.end();
    await appOnLog.end();
    await ownerOfLog.end();
    await db.drop();
  });

  it('cannot disable the append-only trigger, nor change the events table', async () => {
    await expect(attemptsOnTheLog.disableAppendOnlyTrigger(appOnLog)).rejects.toThrow(/must be owner/);
    await expect(attemptsOnTheLog.disableAllTriggers(appOnLog)).rejects.toThrow(/must be owner/);
    await expect(attemptsOnTheLog.dropAppendOnlyTrigger(appOnLog)).rejects.toThrow(/must be owner/);
  });

  it('cannot insert a raw event row (one that bypasses the hash chain)', async () => {
    await expect(attemptsOnTheLog.insertRawEvent(appOnLog, { eventId: randomUUID(), streamId: 'forged-1', type: 'Forged' })).rejects.toThrow(
      /permission denied/,
    );
  });

  it('appends through the append function, and the chain verifies', async () => {
    const store = new PostgresEventStore({ connectionString: db.eventStoreAppUrl });
    try {
      const stream = `privilege-${randomUUID()}`;
      await store.appendToStream(stream, [{ id: randomUUID(), type: 'Pinged', data: { n: 1 } }], { expectedRevision: 'no_stream' });
      await store.appendToStream(stream, [{ id: randomUUID(), type: 'Pinged', data: { n: 2 } }], { expectedRevision: 0n });
      expect((await store.readStream(stream)).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
      expect(await store.verify({ streamId: stream })).toMatchObject({ ok: true, eventsChecked: 2 });
      // The multi-stream append (the adapter's append_many function) is callable by the app role too, and chains the same way.
      const other = `privilege-${randomUUID()}`;
      const outcomes = await store.appendToStreams([
        { streamId: stream, events: [{ id: randomUUID(), type: 'Pinged', data: { n: 3 } }], expectedRevision: 1n },
        { streamId: other, events: [{ id: randomUUID(), type: 'Pinged', data: { n: 1 } }], expectedRevision: 'no_stream' },
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
      expect(await store.verify({ streamId: stream })).toMatchObject({ ok: true, eventsChecked: 3 });
    } finally {
      await store.close();
    }
  });

  it('has no DDL rights in any schema of the registry', async () => {
    for (const schema of ['public', 'read_model', 'read_model_rebuild', 'audit', 'privacy']) {
      await expect(app.query(`CREATE TABLE ${schema}.intruder (x int)`)).rejects.toThrow(/permission denied/);
    }
    for (const schema of ['public', EVENT_STORE_SCHEMA]) {
      await expect(appOnLog.query(`CREATE TABLE ${schema}.intruder (x int)`)).rejects.toThrow(/permission denied/);
    }
    await expect(app.query('ALTER TABLE read_model.trials ADD COLUMN intruder int')).rejects.toThrow(/must be owner/);
    await expect(app.query('CREATE SCHEMA intruder')).rejects.toThrow(/permission denied/);
    expect(await excessPrivileges(db.appUrl)).toEqual([]);
    expect(await excessPrivileges(db.url)).toEqual(['is a superuser']);
    expect(await excessPrivileges(db.eventStoreAppUrl)).toEqual([]);
  });

  it('the append function runs as its owner with a fixed search_path, and only registry_app may call it', async () => {
    const rows = await appendFunctionSecurity(ownerOfLog);
    // append and append_many (appendToStreams)
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row).toEqual({ prosecdef: true, proconfig: ['search_path=pg_catalog, pg_temp'], public_execute: false, app_execute: true });
  });

  it('gets privileges on tables that later migrations add (default privileges)', async () => {
    await owner.query('CREATE TABLE read_model.later_projection (id int PRIMARY KEY)');
    await owner.query('CREATE TABLE audit.later_log (id int PRIMARY KEY)');
    await owner.query('CREATE SCHEMA later_schema');
    await app.query('INSERT INTO read_model.later_projection VALUES (1)');
    await app.query('UPDATE read_model.later_projection SET id = 2');
    await app.query('TRUNCATE read_model.later_projection');
    await app.query('INSERT INTO audit.later_log VALUES (1)');
    expect((await app.query('SELECT id FROM audit.later_log')).rows).toEqual([{ id: 1 }]);
    await expect(app.query('UPDATE audit.later_log SET id = 2')).rejects.toThrow(/permission denied/);
    expect((await app.query(`SELECT has_schema_privilege('later_schema', 'USAGE') AS u, has_schema_privilege('later_schema', 'CREATE') AS c`)).rows).toEqual([
      { u: true, c: false },
    ]);
  });

  it('rebuild DDL only through the owner functions, and only on live read-model tables', async () => {
    await app.query(`SELECT read_model.rebuild_prepare_table('trials')`);
    await app.query(`INSERT INTO read_model_rebuild.trials SELECT * FROM read_model.trials`);
    await app.query(`SELECT read_model.rebuild_index_table('trials')`);
    await app.query('BEGIN');
    await app.query(`SELECT read_model.rebuild_swap_table('trials')`);
    await app.query('COMMIT');
    const indexes = (await owner.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'read_model' AND tablename = 'trials' ORDER BY 1`)).rows;
    expect(indexes.map((r) => r.indexname)).toContain('PK_trials');
    expect((await owner.query(`SELECT tableowner FROM pg_tables WHERE schemaname = 'read_model' AND tablename = 'trials'`)).rows).toEqual([
      { tableowner: 'postgres' },
    ]);
    for (const bad of ['no_such_table', 'trials; DROP TABLE read_model.subjects', '../audit.access_log']) {
      await expect(app.query(`SELECT read_model.rebuild_prepare_table($1)`, [bad])).rejects.toThrow(/no read-model table/);
    }
    await expect(app.query(`SELECT read_model.rebuild_swap_table('subjects')`)).rejects.toThrow(/no rebuilt table/);
  });
});

describe('the embedded default sets up its owner and app login', () => {
  let db: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    db = await createTestDatabase({ oneDatabase: true });
    dataDir = mkdtempSync(join(tmpdir(), 'registry-logins-'));
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates both logins, hands the objects to the owner, keeps the passwords in a 0600 file', async () => {
    const first = await ensureEmbeddedLogins(db.url, dataDir);
    const again = await ensureEmbeddedLogins(db.url, dataDir);
    expect(again).toEqual(first);
    expect(statSync(join(dataDir, 'database', 'logins.json')).mode & 0o777).toBe(0o600);
    expect(new URL(first.appUrl).username).toBe('registry_api');
    expect(new URL(first.ownerUrl).username).toBe('registry_owner');

    const owner = await connect(first.ownerUrl);
    const app = await connect(first.appUrl);
    try {
      expect(await eventsTableOwner(owner)).toBe('registry_owner');
      // The owner can run later migrations without a superuser; the app login may not touch the schema.
      expect(await runMigrations(first.ownerUrl)).toEqual([]);
      await owner.query('ALTER TABLE read_model.trials ADD COLUMN probe int');
      await owner.query('ALTER TABLE read_model.trials DROP COLUMN probe');
      await expect(attemptsOnTheLog.disableAppendOnlyTrigger(app)).rejects.toThrow(/must be owner/);
      expect(await excessPrivileges(first.appUrl)).toEqual([]);
      expect(await excessPrivileges(first.ownerUrl)).toContain(`owns ${EVENT_STORE_SCHEMA}.events (may disable its append-only trigger)`);
    } finally {
      await owner.end();
      await app.end();
    }
  });
});
