import { createHash } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { ApiError } from '../graphql/error-mapping.js';

/** A page of a list in position order; `totalCount` runs its count only when the client selects it. */
export interface Connection<T> {
  readonly edges: { cursor: string; node: T }[];
  readonly nodes: T[];
  readonly pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** A getter: the count runs only when the client selects it (and once however often it is read). */
  readonly totalCount: Promise<number>;
}

export const MAX_PAGE = 1000;

/** Cursors are opaque to clients: base64url of the position the list is ordered by. */
export function encodeCursor(position: string): string {
  return Buffer.from(`p:${position}`).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): string | null {
  if (cursor === null || cursor === undefined) return null;
  const m = /^p:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ApiError('BAD_USER_INPUT', 'after is not a cursor this list gave out', 'after');
  return m[1]!;
}

export function pageSize(first: number | null | undefined, fallback: number): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE) throw new ApiError('BAD_USER_INPUT', `first must be between 0 and ${MAX_PAGE}`, 'first');
  return n;
}

/** Builds a connection from up to first+1 rows (the extra one only says there is a next page). */
export function toConnection<R extends { position: string }, T>(rows: readonly R[], first: number, map: (row: R) => T, count: () => Promise<number>): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((r) => ({ cursor: encodeCursor(r.position), node: map(r) }));
  let counted: Promise<number> | undefined;
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    // A getter rather than a method: graphql-js calls a function-valued property, graphql-jit reads it as a value.
    get totalCount() {
      return (counted ??= count());
    },
  };
}

/** Collects SQL conditions and their parameters. */
export class Where {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** Adds `sql` with `$?` standing for `value`; skipped when value is null/undefined. */
  add(sql: string, value: unknown): this {
    if (value === null || value === undefined) return this;
    this.params.push(value);
    this.conditions.push(sql.replaceAll('$?', `$${this.params.length}`));
    return this;
  }

  raw(sql: string): this {
    this.conditions.push(sql);
    return this;
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get sql(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A moment as the API shows it (Date.prototype.toISOString's form); strings already in that form pass untouched. */
export const iso = (d: Date | string | null | undefined): string | null =>
  d === null || d === undefined ? null : typeof d === 'string' && CANONICAL.test(d) ? d : new Date(d).toISOString();

const TIMESTAMPTZ_OID = 1184;
const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => Date | number;
const PG_UTC = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;

/**
 * PostgreSQL's text form of a timestamptz, straight to the API's ISO form. In a UTC session that is string
 * surgery; anything else (another session time zone, a BC date) goes through the driver's own parser. Milliseconds
 * are truncated, as a JavaScript Date truncates them.
 */
export function isoFromPg(text: string): string {
  const m = PG_UTC.exec(text);
  if (m) return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  const d = parseTimestamptz(text);
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : text;
}

/**
 * Read-model rows for the API's hot lists: every timestamptz arrives as its ISO string. Parsing it into a Date only
 * to print it again was a tenth of a large page's CPU. Other types keep the driver's parsers.
 */
const READ_MODEL_TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === TIMESTAMPTZ_OID && format !== 'binary' ? isoFromPg : pg.types.getTypeParser(oid, format as 'text')),
} as pg.CustomTypesConfig;

const PREPARED_LIMIT = 256;
const preparedNames = new Map<string, string>();

/**
 * A name for a statement text, so each connection parses and plans it once (a named prepared statement) instead of
 * on every call. Texts vary with the filters and columns a client asks for: past PREPARED_LIMIT distinct texts, new
 * ones run unnamed, so no client can make the server hold unbounded prepared statements.
 */
export function preparedName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < PREPARED_LIMIT) {
    preparedNames.set(text, (name = `rm_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`));
  }
  return name;
}

/**
 * One statement on a connection of the DataSource's pool, timestamps as ISO strings. With `prepare`, each
 * connection parses and plans it once. Only for statements that name their columns: a prepared `SELECT *` whose
 * table gains a column under a running API fails on that connection ("cached plan must not change result type").
 */
export async function readModelQuery<T>(ds: DataSource, text: string, values: readonly unknown[] = [], options: { prepare?: boolean } = {}): Promise<T[]> {
  const runner = ds.createQueryRunner();
  try {
    const client = (await runner.connect()) as pg.PoolClient;
    const name = options.prepare ? preparedName(text) : undefined;
    return (await client.query<T & pg.QueryResultRow>({ name, text, values: [...values], types: READ_MODEL_TYPES })).rows;
  } finally {
    await runner.release();
  }
}

/**
 * Several statements in one round trip (the simple query protocol, so no bind parameters: callers quote values
 * with pg.escapeLiteral), timestamps as ISO strings; one list of rows per statement, in order.
 */
export async function readModelQueries(ds: DataSource, statements: readonly string[]): Promise<Record<string, unknown>[][]> {
  const runner = ds.createQueryRunner();
  try {
    const client = (await runner.connect()) as pg.PoolClient;
    const result = (await client.query({ text: statements.join(';\n'), types: READ_MODEL_TYPES })) as unknown as pg.QueryResult | pg.QueryResult[];
    return (Array.isArray(result) ? result : [result]).map((r) => r.rows as Record<string, unknown>[]);
  } finally {
    await runner.release();
  }
}
