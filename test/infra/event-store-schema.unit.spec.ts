import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/*
 * Only libs/event-store names the `event_store` schema: everything else reaches the log through the port
 * (`EventStore` in libs/event-store/src/event-store.ts), so it works on every adapter (EventStoreDB has no such
 * table) and with the events in another database than the read models. dependency-cruiser sees imports, not SQL
 * strings, so this test reads every TypeScript file outside libs/event-store (tests, benches and fixtures included:
 * a test that reads the table checks the PostgreSQL adapter, not the registry) and fails on a line that names it.
 */
const root = process.cwd();
const SCANNED = ['services', 'libs', 'migrations', 'test', 'graphql'];
const OWNER = 'libs/event-store/';
const NAMES_SCHEMA = /\bevent_store\b/;

/** Places that may name it for good, each with the reason. */
const ALLOWED: { file: RegExp; line?: RegExp; why: string }[] = [
  { file: /^migrations\/[^/]+\.ts$/, why: 'migrations own the DDL of every schema, event_store included (tables, append function, grants)' },
  {
    file: /^libs\/runtime\/src\/health\/health\.module\.ts$/,
    line: /\.check\('event_store'\)/,
    why: "the readiness indicator is called event_store (it calls the port's readAll); it names no schema",
  },
  { file: /^test\/infra\/event-store-schema\.unit\.spec\.ts$/, why: 'this rule itself' },
];

/**
 * Known violations of today's tree (issue 15): the "port" lane replaces these reads with port methods or read
 * models. The lead empties this list after merging that lane; the test fails on an entry that no longer names
 * the schema, so the list can only shrink. Do not add to it: use the port.
 */
const KNOWN_VIOLATIONS = [
  'services/registry-api/src/audit/audit-seal.int.spec.ts',
  'libs/runtime/src/config/database-roles.ts',
  'services/registry-api/src/privacy/privacy.service.ts',
  'services/registry-api/src/read-your-writes/read-your-writes.queries.ts',
  'services/registry-api/src/status/get-registry-status.query.ts',
  'libs/projections/src/health/projector-lag.ts',
  'libs/projections/src/projections/projections.int.spec.ts',
  'libs/projections/src/rebuild/projection-rebuilder.ts',
  'libs/projections/src/rebuild/rebuild.int.spec.ts',
  'libs/projections/src/subscription/crash-safety.int.spec.ts',
  'libs/projections/src/subscription/event-log.ts',
  'libs/projections/src/testing/read-model-snapshot.ts',
  'test/bench/event-store/event-store.bench.ts',
  'test/bench/event-store/raw-baseline.ts',
  'test/bench/read-models/read-models.bench.ts',
  'test/e2e/bad-input-sweep.e2e.spec.ts',
  'test/e2e/bad-input.e2e.spec.ts',
  'test/e2e/input-rules.e2e.spec.ts',
  'test/e2e/least-privilege.e2e.spec.ts',
  'test/e2e/ops-metrics-health.e2e.spec.ts',
  'test/e2e/ops-projector-failover.e2e.spec.ts',
  'test/e2e/privacy.e2e.spec.ts',
  'test/e2e/read-models.e2e.spec.ts',
  'test/e2e/security-audit.e2e.spec.ts',
  'test/e2e/security-grants.e2e.spec.ts',
  'test/e2e/security-matrix.e2e.spec.ts',
  'test/faults/support/write-load.ts',
];

function typeScriptFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** `file:line: text` of every line outside libs/event-store that names the schema and is not allowed for good. */
function namingLines(): string[] {
  return SCANNED.flatMap(typeScriptFiles)
    .filter((file) => !file.startsWith(OWNER))
    .flatMap((file) =>
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .flatMap((text, i) => (NAMES_SCHEMA.test(text) ? [{ file, line: i + 1, text: text.trim() }] : [])),
    )
    .filter(({ file, text }) => !ALLOWED.some((a) => a.file.test(file) && (a.line === undefined || a.line.test(text))))
    .map(({ file, line, text }) => `${file}:${line}: ${text}`);
}

describe('only libs/event-store names the event_store schema', () => {
  const lines = namingLines();
  const fileOf = (l: string) => l.slice(0, l.indexOf(':'));

  it('no file outside libs/event-store names it, but the allowed places and the known violations', () => {
    expect(lines.filter((l) => !KNOWN_VIOLATIONS.includes(fileOf(l)))).toEqual([]);
  });

  it('lists no known violation that has been fixed (remove it from KNOWN_VIOLATIONS)', () => {
    const naming = new Set(lines.map(fileOf));
    expect(KNOWN_VIOLATIONS.filter((file) => !naming.has(file))).toEqual([]);
  });
});
