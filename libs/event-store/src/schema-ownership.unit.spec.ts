import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/*
 * architecture.md §4 (fixed): only libs/event-store names the `event_store` schema. Everything else reaches the log
 * through the EventStore port or a projection, which is what lets the events live in a database of their own
 * (EVENT_STORE_URL) and on EventStoreDB. The rules lane's dependency-cruiser config may check the same.
 */
const ROOT = process.cwd();
const SCANNED = ['services', 'migrations', 'test', 'libs'];
const OWNER = 'libs/event-store/';

/** Files that say `event_store` without meaning the schema, each with the reason. */
const ALLOWED: Readonly<Record<string, string>> = {
  'services/registry-api/src/health/health.module.ts': "the readiness indicator's name in /health output (`event_store: { status }`), checked through the port",
  'test/e2e/ops-metrics-health.e2e.spec.ts': 'asserts that /health output name',
  'test/bench/event-store/event-store.bench.ts': "the PostgreSQL adapter's benchmark against its physical baseline: it measures the table itself",
  'test/bench/event-store/raw-baseline.ts': 'the same benchmark: a raw copy of the events table as the floor',
};

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|js|mjs)$/.test(entry.name)) yield path;
  }
}

describe('the event store schema', () => {
  it('is named only inside libs/event-store (and in the listed files, which do not mean the schema)', () => {
    const naming: string[] = [];
    for (const top of SCANNED) {
      for (const file of sourceFiles(join(ROOT, top))) {
        const path = relative(ROOT, file).split('\\').join('/');
        if (path.startsWith(OWNER) || path in ALLOWED) continue;
        if (/\bevent_store\b/.test(readFileSync(file, 'utf8'))) naming.push(path);
      }
    }
    expect(naming).toEqual([]);
  });

  it('allows only files that still exist and still say it', () => {
    for (const path of Object.keys(ALLOWED)) expect(readFileSync(join(ROOT, path), 'utf8')).toMatch(/\bevent_store\b/);
  });
});
