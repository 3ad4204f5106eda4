import { createHash } from 'node:crypto';
import { canonicalJson, type JsonObject, type JsonValue } from '#event-store';

/** The name of the serialisation below; a manifest records it so a later format is never compared with this one. */
export const SNAPSHOT_HASH_ALGORITHM = 'sha256/analysis-snapshot-v1';

/** One table of a snapshot: its rows in primary-key order, each with its key (canonical JSON of the key columns). */
export interface SnapshotTable {
  readonly table: string;
  readonly rows: readonly { readonly key: string; readonly row: JsonObject }[];
}

export interface SnapshotDigest {
  /** SHA-256 over every table, in name order. */
  readonly contentHash: string;
  /** Per table, in name order: its row count and the SHA-256 of its own lines (to name the tables that differ). */
  readonly tables: readonly { readonly table: string; readonly rows: number; readonly hash: string }[];
}

/** The row's key as text: canonical JSON of its primary-key values, in the key's column order. */
export function rowKeyOf(row: JsonObject, keyColumns: readonly string[]): string {
  return canonicalJson(keyColumns.map((c) => row[c] ?? null) as JsonValue);
}

/**
 * The canonical serialisation: for each table in name order (code-point order, locale-free) and each row in the
 * order given (the caller sorts by primary key), one line `table \t key \t canonicalJson(row) \n`. Keys of a row
 * are sorted by canonicalJson, so the text depends only on the data, never on column order or the driver.
 * Rows of the same key twice are a caller's bug, refused rather than hashed.
 */
export function digestSnapshot(tables: readonly SnapshotTable[]): SnapshotDigest {
  const sorted = [...tables].sort((a, b) => compareTableNames(a.table, b.table));
  const digester = new SnapshotDigester();
  for (const t of sorted) {
    digester.startTable(t.table);
    for (const r of t.rows) digester.row(r.key, r.row);
  }
  return digester.finish();
}

/** Code-point order of table names: the order the digest takes tables in. */
export const compareTableNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The same digest as `digestSnapshot`, fed one row at a time (tables in name order, rows in key order), so a snapshot
 * of a million rows is hashed while it streams from the database instead of after it has been loaded.
 */
export class SnapshotDigester {
  private readonly all = createHash('sha256');
  private readonly out: { table: string; rows: number; hash: string }[] = [];
  private current: { table: string; rows: number; own: ReturnType<typeof createHash>; previous: string | null } | null = null;

  startTable(table: string): void {
    const before = this.current?.table ?? this.out.at(-1)?.table;
    this.endTable();
    if (before !== undefined && compareTableNames(before, table) >= 0) {
      throw new TypeError(before === table ? `table ${table} twice in one snapshot` : `table ${table} after ${before}: tables must come in name order`);
    }
    this.current = { table, rows: 0, own: createHash('sha256'), previous: null };
  }

  row(key: string, row: JsonObject): void {
    const t = this.current;
    if (!t) throw new TypeError('row before any table');
    if (key === t.previous) throw new TypeError(`row ${key} of ${t.table} twice in one snapshot`);
    t.previous = key;
    const line = `${t.table}\t${key}\t${canonicalJson(row)}\n`;
    t.own.update(line);
    this.all.update(line);
    t.rows++;
  }

  finish(): SnapshotDigest {
    this.endTable();
    // An empty table still counts: a table that lost every row must change the hash.
    this.all.update(this.out.map((t) => `${t.table}\t${t.rows}`).join('\n'));
    return { contentHash: this.all.digest('hex'), tables: this.out };
  }

  private endTable(): void {
    const t = this.current;
    if (!t) return;
    this.out.push({ table: t.table, rows: t.rows, hash: t.own.digest('hex') });
    this.current = null;
  }
}
