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

/** Loads rows by key (one statement); `key` values are text. */
export async function loadRows<T>(manager: EntityManager, table: string, keyColumn: string, keys: readonly string[], where = ''): Promise<T[]> {
  if (keys.length === 0) return [];
  return (await manager.query(`SELECT * FROM ${table} WHERE ${keyColumn} = ANY ($1::text[]) ${where}`, [keys])) as T[];
}

/** Dates travel as ISO strings; date-only values ('2026-01-31') are read as UTC midnight, never in the session's time zone. */
export function isoTime(value: string | Date): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
