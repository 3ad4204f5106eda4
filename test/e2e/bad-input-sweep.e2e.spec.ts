import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import pg from 'pg';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { countStoredEvents } from '../../libs/event-store/src/testing/postgres-log-tampering.js';

/**
 * A property-style sweep generated from the served schema: every argument and every input field (to depth 3) of
 * every query and mutation gets hostile values of its kind (NUL, lone surrogates, huge and tiny numbers, NaN and
 * Infinity, impossible and extreme dates, deep nesting, wrong shapes) on top of placeholder values for the rest,
 * sent by a role the operation admits. No answer may be a 5xx or an INTERNAL_SERVER_ERROR, every error carries a
 * code, and nothing is written. Written by hand, bad-input.e2e.spec.ts checks the exact codes per mutation.
 */

/** JSON cannot carry Infinity: this marker is spliced into the body as the literal 1e999 (JSON.parse → Infinity). */
const INF = '\u0001INF\u0001';
const deep = (levels: number): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < levels; i++) v = { x: v };
  return v;
};

interface Attack {
  readonly value: unknown;
  /** A value no field may accept (mutations must refuse it); a finite number may be in range, so only "no 5xx" holds. */
  readonly hostile: boolean;
}
const hostile = (...values: unknown[]): Attack[] => values.map((value) => ({ value, hostile: true }));
const finite = (...values: unknown[]): Attack[] => values.map((value) => ({ value, hostile: false }));

/** Hostile values by kind of position: the first two always, one more of the rest in turn (sampling keeps it fast). */
function attacksFor(type: GraphQLInputType, turn: number): Attack[] {
  const named = getNamedType(type);
  const all = ((): Attack[] => {
    if (isListType(isNonNullType(type) ? type.ofType : type)) return hostile(deep(200), [[[deep(40)]]]);
    if (isInputObjectType(named)) return hostile(deep(200), 'x', ['wrong', 'shape'], 42);
    if (isEnumType(named)) return hostile('NOT_A_VALUE', '\u0000', 7);
    switch (named.name) {
      case 'String':
        return hostile('a\u0000b', 'a\ud800b', '\udfff', 12345, { $gt: '' }, 'x'.repeat(20_000));
      case 'ID':
        return hostile('a\u0000b', 'a\ud800b', '\udfff', { $gt: '' }, 1.5, 'x'.repeat(20_000));
      case 'Int':
        return [...hostile(2 ** 31, 'NaN', -(2 ** 31) - 1, 1.5, INF), ...finite(-1)];
      case 'Float':
        return [...hostile(INF, 'NaN', '12'), ...finite(1e308, -1e308, 5e-324)];
      case 'DateTime':
        return hostile('0000-01-01', '2025-02-30', '-271821-04-20T00:00:00Z', '9999-12-31T23:59:59-23:59', 'a\u0000', 20250101);
      case 'GlobalPosition':
        return hostile('99999999999999999999', '-1', 1e308, 'NaN');
      case 'Boolean':
        return hostile('true', 0);
      default:
        return hostile('\u0000', deep(50));
    }
  })();
  const rest = all.slice(2);
  return rest.length === 0 ? all : [...all.slice(0, 2), rest[turn % rest.length]!];
}

/** A value of the type that passes coercion (required fields only), or undefined for an optional position. */
function placeholder(type: GraphQLInputType, name: string, depth = 0): unknown {
  if (!isNonNullType(type)) return undefined;
  const inner = type.ofType;
  if (isListType(inner)) return [placeholder(inner.ofType as GraphQLInputType, name, depth + 1) ?? filled(inner.ofType as GraphQLInputType, name, depth + 1)];
  return filled(inner, name, depth);
}
function filled(type: GraphQLInputType, name: string, depth: number): unknown {
  const t = isNonNullType(type) ? type.ofType : type;
  if (isListType(t)) return [filled(t.ofType as GraphQLInputType, name, depth + 1)];
  if (isInputObjectType(t)) {
    const out: Record<string, unknown> = {};
    if (depth > 6) return out;
    for (const f of Object.values(t.getFields())) {
      const v = placeholder(f.type, f.name, depth + 1);
      if (v !== undefined) out[f.name] = v;
    }
    return out;
  }
  if (isEnumType(t)) return t.getValues()[0]!.value;
  switch (t.name) {
    case 'Int':
      return 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTime':
      return '2025-01-01T00:00:00Z';
    case 'GlobalPosition':
      return '0';
    default:
      return name === 'commandId' ? randomUUID() : `sweep-${name}`;
  }
}

interface Position {
  readonly arg: GraphQLArgument;
  /** Path inside the argument's value (empty: the argument itself). */
  readonly path: readonly (string | number)[];
  readonly type: GraphQLInputType;
}

function positions(field: GraphQLField<unknown, unknown>): Position[] {
  const out: Position[] = [];
  const walk = (arg: GraphQLArgument, type: GraphQLInputType, path: (string | number)[]): void => {
    out.push({ arg, path, type });
    const t = isNonNullType(type) ? type.ofType : type;
    const item = isListType(t) ? (isNonNullType(t.ofType) ? t.ofType.ofType : t.ofType) : t;
    if (!isInputObjectType(item) || path.length >= 2) return;
    for (const f of Object.values(item.getFields())) walk(arg, f.type, isListType(t) ? [...path, 0, f.name] : [...path, f.name]);
  };
  for (const arg of field.args) walk(arg, arg.type, []);
  return out;
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(root) ? [...root] : { ...((root as Record<string, unknown>) ?? {}) }) as Record<string | number, unknown>;
  const [head, ...rest] = path;
  const next = copy[head!] ?? (typeof rest[0] === 'number' ? [] : {});
  copy[head!] = setAt(next, rest, value);
  return copy;
}

const ROLES = ['admin', 'coordinator', 'reader', 'screening_manager', 'biostatistician', 'regulator'] as const;

describe('bad-input sweep over every argument of the schema', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let schema: GraphQLSchema;
  let sql: pg.Client;
  const tokens = {} as Record<(typeof ROLES)[number], string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-sweep-'));
    config = loadConfig({
      ...db.adminEnv,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PROJECTOR: 'off',
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    registry = await startRegistry(config);
    schema = registry.app.get(GraphQLSchemaHost).schema;
    const all = { trials: ['*'], programmes: ['*'], sites: ['*'] };
    for (const role of ROLES) tokens[role] = await issueLocalToken(config, { sub: `sweep-${role}`, role, ...(role === 'admin' ? {} : all) });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const eventCount = () => countStoredEvents(db.eventStoreUrl);

  async function send(role: (typeof ROLES)[number], kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, args: Record<string, unknown>) {
    const used = field.args.filter((a) => args[a.name] !== undefined);
    const defs = used.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
    const call = used.map((a) => `${a.name}: $${a.name}`).join(', ');
    // A batch answers refused items inside its data: select how many it recorded.
    const selection = isLeafType(getNamedType(field.type))
      ? ''
      : getNamedType(field.type).name === 'BatchReceipt'
        ? ' { __typename accepted }'
        : ' { __typename }';
    const query = `${kind}${defs ? `(${defs})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`;
    const body = JSON.stringify({ query, variables: args }).replaceAll(JSON.stringify(INF), '1e999');
    const res = await fetch(registry.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[role]}` }, body });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }

  it('answers every hostile value with a 4xx or a coded error, never a 5xx, and writes nothing', async () => {
    const failures: string[] = [];
    let requests = 0;
    const before = await eventCount();
    for (const kind of ['query', 'mutation'] as const) {
      const root = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
      for (const field of Object.values(root.getFields())) {
        if (field.name.startsWith('__')) continue;
        const base = Object.fromEntries(field.args.map((a) => [a.name, placeholder(a.type, a.name)]).filter(([, v]) => v !== undefined));
        // A role the operation admits, so attacks get past the guard (the guard runs before any input is read).
        let role: (typeof ROLES)[number] = 'admin';
        for (const r of ROLES) {
          const probe = await send(
            r,
            kind,
            field,
            setAt(base, ['input', 'commandId'], field.args.some((a) => a.name === 'input') && kind === 'mutation' ? '' : undefined) as Record<string, unknown>,
          );
          requests++;
          const code = probe.json?.errors?.[0]?.extensions?.code;
          if (code !== 'FORBIDDEN' && code !== 'UNAUTHENTICATED') {
            role = r;
            break;
          }
        }
        const attacks = positions(field).flatMap((p, turn) => attacksFor(p.type, turn).map((a) => ({ p, v: a.value, hostile: a.hostile })));
        // Eight at a time: the sweep stays well under a minute.
        for (let i = 0; i < attacks.length; i += 8) {
          const answers = await Promise.all(
            attacks.slice(i, i + 8).map(async ({ p, v, hostile: isHostile }) => {
              const input = base['input'] as Record<string, unknown> | undefined;
              // A fresh commandId per attempt (so none is a replay); an empty one where the value may be valid, so that
              // a finite number in range cannot write.
              const withCommand =
                kind === 'mutation' && input && 'commandId' in input ? { ...base, input: { ...input, commandId: isHostile ? randomUUID() : '' } } : base;
              const args = { ...withCommand, [p.arg.name]: setAt(withCommand[p.arg.name], p.path, v) };
              return {
                label: `${field.name}(${[p.arg.name, ...p.path].join('.')}) = ${JSON.stringify(v)?.slice(0, 40)}`,
                hostile: isHostile,
                res: await send(role, kind, field, args),
              };
            }),
          );
          requests += answers.length;
          for (const { label, hostile: isHostile, res } of answers) {
            const errors: any[] = res.json?.errors ?? [];
            const codes = errors.map((e) => e?.extensions?.code);
            if (
              res.status >= 500 ||
              codes.includes('INTERNAL_SERVER_ERROR') ||
              codes.some((c) => typeof c !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(c)) ||
              (res.json === undefined && res.status !== 200)
            ) {
              failures.push(`${label}: HTTP ${res.status} ${res.text.slice(0, 160)}`);
            } else if (kind === 'mutation' && isHostile && res.json?.data?.[field.name] && res.json.data[field.name].accepted !== 0) {
              failures.push(`${label}: accepted`);
            }
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(1_000);
    expect(failures).toEqual([]);
    expect(await eventCount()).toBe(before);
  }, 120_000);
});
