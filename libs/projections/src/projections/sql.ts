import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { queryTogether, textArrayLiteral } from '#read-model';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

const columnTypes = new Map<string, Map<string, string>>();

/** Column types of a table (the same in read_model and read_model_rebuild), read once per process. */
async function typesOf(manager: EntityManager, table: string): Promise<Map<string, string>> {
  const name = table.slice(table.indexOf('.') + 1);
  let types = columnTypes.get(name);
  if (!types) {
    const rows = (await manager.query(
      `SELECT attname AS column, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
      [table],
    )) as { column: string; type: string }[];
    columnTypes.set(name, (types = new Map(rows.map((r) => [r.column, r.type]))));
  }
  return types;
}

/**
 * Set-based writes: one statement per table and batch, whatever the batch size. Rows go as one array per
 * column expanded by unnest (the fastest plain-SQL path); tables with array columns, which unnest would
 * flatten, go as one JSON parameter expanded by json_populate_recordset against the table's row type.
 */
export async function upsertRows(
  manager: EntityManager,
  table: string,
  rows: readonly object[],
  key: readonly string[],
  columns: readonly string[],
  onConflict: 'update' | 'nothing' = 'update',
): Promise<void> {
  if (rows.length === 0) return;
  const cols = columns.join(', ');
  const rest = columns.filter((c) => !key.includes(c));
  const action = onConflict === 'nothing' || rest.length === 0 ? 'NOTHING' : `UPDATE SET ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  const types = await typesOf(manager, table);
  if (columns.some((c) => types.get(c)?.endsWith('[]'))) {
    await manager.query(
      `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM json_populate_recordset(null::${table}, $1) ON CONFLICT (${key.join(', ')}) DO ${action}`,
      [JSON.stringify(rows)],
    );
    return;
  }
  const arrays = columns.map((c) => {
    const json = types.get(c) === 'jsonb';
    return rows.map((r) => {
      const v = (r as Record<string, unknown>)[c];
      return v === undefined || v === null ? null : json ? JSON.stringify(v) : v instanceof Date ? v.toISOString() : v;
    });
  });
  await manager.query(
    `INSERT INTO ${table} (${cols}) SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${types.get(c)}[]`).join(', ')}) ON CONFLICT (${key.join(', ')}) DO ${action}`,
    arrays,
  );
}

const COPY_SPECIALS = /[\\\n\r\t]/g;
const HAS_COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A value in COPY's text format: \N for null, backslash escapes for the four characters that delimit it. */
function copyText(value: unknown, json: boolean): string {
  if (value === null || value === undefined) return '\\N';
  const text = json ? JSON.stringify(value) : value instanceof Date ? value.toISOString() : String(value);
  return HAS_COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]!) : text;
}

/**
 * Rows known to be new, loaded with COPY: about 40% less time than the unnest insert for the measurements table
 * (measured on 100,000 rows), which is most of a rebuild. A duplicate key fails the whole statement, so callers
 * use it only where a conflict is impossible (ProjectionTarget.bulk). Tables with array columns take the insert path.
 */
export async function copyRows(
  manager: EntityManager,
  table: string,
  rows: readonly object[],
  key: readonly string[],
  columns: readonly string[],
): Promise<void> {
  if (rows.length === 0) return;
  const types = await typesOf(manager, table);
  if (columns.some((c) => types.get(c)?.endsWith('[]'))) return upsertRows(manager, table, rows, key, columns, 'nothing');
  const json = columns.map((c) => types.get(c) === 'jsonb');
  const lines: string[] = [];
  for (const r of rows) lines.push(columns.map((c, i) => copyText((r as Record<string, unknown>)[c], json[i]!)).join('\t'));
  const client = (await manager.queryRunner!.connect()) as pg.PoolClient;
  await pipeline(Readable.from([`${lines.join('\n')}\n`]), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
}

export interface RowsByKey {
  readonly table: string;
  readonly keyColumn: string;
  readonly keys: readonly string[];
  readonly where?: string;
}

/** Several loadRows in one round trip (queryTogether, keys as quoted literals), rows parsed as loadRows parses them. */
export async function loadRowsTogether(manager: EntityManager, loads: readonly RowsByKey[]): Promise<Record<string, unknown>[][]> {
  const wanted = loads.filter((l) => l.keys.length > 0);
  if (wanted.length === 0) return loads.map(() => []);
  const statements = wanted.map((l) => `SELECT * FROM ${l.table} WHERE ${l.keyColumn} = ANY (${textArrayLiteral(l.keys)}) ${l.where ?? ''}`);
  // Outside a transaction (no query runner of its own) the manager has no one connection to send them on.
  if (!manager.queryRunner) return Promise.all(loads.map((l) => loadRows<Record<string, unknown>>(manager, l.table, l.keyColumn, l.keys, l.where)));
  const sets = await queryTogether((await manager.queryRunner.connect()) as pg.PoolClient, statements);
  return loads.map((l) => (l.keys.length > 0 ? sets.shift()! : []));
}

/** Loads rows by key (one statement); `key` values are text. */
export async function loadRows<T>(manager: EntityManager, table: string, keyColumn: string, keys: readonly string[], where = ''): Promise<T[]> {
  if (keys.length === 0) return [];
  return (await manager.query(`SELECT * FROM ${table} WHERE ${keyColumn} = ANY ($1::text[]) ${where}`, [keys])) as T[];
}

/** Dates travel as ISO strings (isoString: canonical ones untouched, date-only values as UTC midnight). */
export { isoString as isoTime } from '#read-model';
