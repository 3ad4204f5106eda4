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

/** Places that may name it for good, each with the reason; nothing else outside libs/event-store does. */
const ALLOWED: { file: RegExp; line?: RegExp; why: string }[] = [
  {
    file: /^libs\/runtime\/src\/health\/health\.module\.ts$/,
    line: /\.check\('event_store'\)/,
    why: "the readiness indicator is called event_store (it calls the port's readAll); it names no schema",
  },
  { file: /^test\/e2e\/ops-metrics-health\.e2e\.spec\.ts$/, line: /event_store: \{|'event_store'|\.event_store\b/, why: 'asserts that /health output name' },
  {
    file: /^test\/bench\/event-store\/(event-store\.bench|raw-baseline)\.ts$/,
    why: "the PostgreSQL adapter's own benchmark against its physical floor: it measures the table itself",
  },
  {
    file: /^test\/ha\/failover\.ha\.spec\.ts$/,
    line: /FROM event_store\.events/,
    why: "the HA failover suite runs on the PostgreSQL adapter only; when an acknowledged write looks lost it prints what the primary's table holds",
  },
  { file: /^test\/infra\/event-store-schema\.unit\.spec\.ts$/, why: 'this rule itself' },
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
  it('no file outside libs/event-store names it, but the allowed places', () => {
    expect(namingLines()).toEqual([]);
  });

  it('every allowed place still exists and still says it (the list only shrinks)', () => {
    const files = SCANNED.flatMap(typeScriptFiles);
    for (const a of ALLOWED) expect(files.filter((f) => a.file.test(f) && NAMES_SCHEMA.test(readFileSync(join(root, f), 'utf8'))).length).toBeGreaterThan(0);
  });
});
