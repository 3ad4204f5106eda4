import type { EntityManager } from 'typeorm';

/**
 * Set-based writes: a whole batch of rows goes to PostgreSQL as one JSON parameter and is expanded by
 * json_populate_recordset against the table's own row type, so one statement writes them all whatever the batch size.
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
  await manager.query(
    `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM json_populate_recordset(null::${table}, $1) ON CONFLICT (${key.join(', ')}) DO ${action}`,
    [JSON.stringify(rows)],
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
