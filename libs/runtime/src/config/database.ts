import { join, resolve } from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedDatabase } from '../embedded-postgres/embedded-database.js';
import { runMigrations, type MigrationSet } from '../../../../migrations/data-source.js';
import { ConfigError, type AppConfig } from './app-config.js';
import { assertLeastPrivilege, ensureEmbeddedLogins } from './database-roles.js';

export interface PreparedDatabase {
  /** The application's login (a member of registry_app) to the read models' database. */
  readonly url: string;
  /** The application's login to the event store's database: EVENT_STORE_URL, else the same as `url`. */
  readonly eventStoreUrl: string;
  readonly embedded: boolean;
  /** Embedded only: false once the supervised PostgreSQL could not be restarted (the health module's liveness). */
  readonly alive?: () => { alive: boolean; state: string; restarts: number; lastExit?: string };
  /** Stops the embedded server (no-op for an external one). */
  stop(): Promise<void>;
}

async function assertReachable(url: string, variable: string = 'DATABASE_URL'): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new ConfigError(variable, `cannot connect to ${redact(url)}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

/** Applies pending migrations as `variable`'s login; a login without DDL rights (the app role) only finds none pending. */
async function migrate(url: string, variable: string, log: (msg: string) => void, set: MigrationSet = 'all'): Promise<void> {
  try {
    const applied = await runMigrations(url, set);
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42501') throw err;
    const owner = set === 'event-store' ? 'MIGRATION_EVENT_STORE_URL' : 'MIGRATION_DATABASE_URL';
    throw new ConfigError(
      owner,
      `migrations are pending and ${variable}'s role may not apply them (${(err as Error).message}): ` +
        `set ${owner} to the owner, or run \`npm run migrate\` with it first`,
    );
  }
}

/**
 * DATABASE_URL set → use that server (migrations as MIGRATION_DATABASE_URL when set); unset → start the embedded
 * PostgreSQL with its data under DATA_DIR (kept across restarts), with its owner and app logins. Either way, apply
 * pending migrations as the owner before anything else touches the schema; the app runs as the app login.
 */
export async function prepareDatabase(config: AppConfig, log: (msg: string) => void): Promise<PreparedDatabase> {
  if (config.DATABASE_URL) {
    await assertReachable(config.DATABASE_URL);
    if (config.MIGRATION_DATABASE_URL) await assertReachable(config.MIGRATION_DATABASE_URL, 'MIGRATION_DATABASE_URL');
    const separate = config.EVENT_STORE_URL !== undefined;
    if (config.EVENT_STORE_URL) {
      // Two databases: the event store's schema steps run there, the read models' here; nothing joins the two.
      await assertReachable(config.EVENT_STORE_URL, 'EVENT_STORE_URL');
      if (config.MIGRATION_EVENT_STORE_URL) await assertReachable(config.MIGRATION_EVENT_STORE_URL, 'MIGRATION_EVENT_STORE_URL');
      await migrate(
        config.MIGRATION_EVENT_STORE_URL ?? config.EVENT_STORE_URL,
        config.MIGRATION_EVENT_STORE_URL ? 'MIGRATION_EVENT_STORE_URL' : 'EVENT_STORE_URL',
        log,
        'event-store',
      );
    }
    await migrate(
      config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL,
      config.MIGRATION_DATABASE_URL ? 'MIGRATION_DATABASE_URL' : 'DATABASE_URL',
      log,
      separate ? 'read-models' : 'all',
    );
    await assertLeastPrivilege(config, config.DATABASE_URL, log);
    if (config.EVENT_STORE_URL) await assertLeastPrivilege(config, config.EVENT_STORE_URL, log, 'EVENT_STORE_URL');
    return { url: config.DATABASE_URL, eventStoreUrl: config.EVENT_STORE_URL ?? config.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  const dataDir = resolve(join(config.DATA_DIR, 'postgres'));
  let server;
  try {
    server = await startEmbeddedDatabase({ dataDir, port: config.EMBEDDED_PG_PORT, persistent: true, onEvent: log });
  } catch (err) {
    throw new ConfigError('EMBEDDED_PG_PORT', `embedded PostgreSQL did not start: ${(err as Error).message}`);
  }
  log(`embedded PostgreSQL running on port ${server.port}, data in ${dataDir}`);
  try {
    // The superuser sets up the owner and the app login (migrations/… never need it again); see database-roles.ts.
    const logins = await ensureEmbeddedLogins(await ensureDatabase(server.url, 'registry'), config.DATA_DIR);
    const applied = await runMigrations(logins.ownerUrl);
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
    return { url: logins.appUrl, eventStoreUrl: logins.appUrl, embedded: true, alive: () => server.health(), stop: () => server.stop() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
