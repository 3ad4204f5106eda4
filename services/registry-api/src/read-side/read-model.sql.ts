import { createHash } from 'node:crypto';
import { queryTogether } from '#read-model';
import pg from 'pg';
import type { DataSource } from 'typeorm';

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
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ_OID && format !== 'binary' ? isoFromPg : pg.types.getTypeParser(oid, format as 'text'),
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

/** Several statements in one round trip (queryTogether: values as quoted literals), timestamps as ISO strings. */
export async function readModelQueries(ds: DataSource, statements: readonly string[]): Promise<Record<string, unknown>[][]> {
  const runner = ds.createQueryRunner();
  try {
    return await queryTogether((await runner.connect()) as pg.PoolClient, statements, READ_MODEL_TYPES);
  } finally {
    await runner.release();
  }
}
