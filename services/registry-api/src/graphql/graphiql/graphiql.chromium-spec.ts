import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRegistry, type RunningRegistry } from '../../bootstrap.js';
import { loadConfig } from '#runtime';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database.js';

// `npm run test:plots` (browser checks): the explorer must render in a real browser from this server's files
// alone. These machines reach no CDN, so a page that still loaded anything from unpkg.com would stay blank here.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

describe('GraphiQL explorer rendered by headless Chromium', () => {
  let db: TestDatabase;
  let registry: RunningRegistry;

  beforeAll(async () => {
    db = await createTestDatabase();
    registry = await startRegistry(
      loadConfig({ ...db.adminEnv, PORT: '0', LOG_LEVEL: 'silent', PROJECTOR: 'off', AUDIT_SEAL_INTERVAL_SECONDS: '0', GRAPHQL_INTROSPECTION: 'true' }),
    );
  });
  afterAll(async () => {
    await registry?.stop();
    await db?.drop();
  });

  it('draws the GraphiQL editor, not the "Loading…" placeholder', async () => {
    const { stdout } = await promisify(execFile)(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--virtual-time-budget=15000',
        '--dump-dom',
        registry.url,
      ],
      { timeout: 90000, maxBuffer: 32 * 1024 * 1024 },
    );
    expect(stdout).toContain('graphiql-container');
    expect(stdout).toContain('graphiql-editors');
    expect(stdout).not.toContain('Loading…');
  });
});
