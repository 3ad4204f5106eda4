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
  const sorted = [...tables].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  const all = createHash('sha256');
  const out: { table: string; rows: number; hash: string }[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i]!;
    if (i > 0 && sorted[i - 1]!.table === t.table) throw new TypeError(`table ${t.table} twice in one snapshot`);
    const own = createHash('sha256');
    let previous: string | null = null;
    for (const r of t.rows) {
      if (r.key === previous) throw new TypeError(`row ${r.key} of ${t.table} twice in one snapshot`);
      previous = r.key;
      const line = `${t.table}\t${r.key}\t${canonicalJson(r.row)}\n`;
      own.update(line);
      all.update(line);
    }
    out.push({ table: t.table, rows: t.rows.length, hash: own.digest('hex') });
  }
  // An empty table still counts: a table that lost every row must change the hash.
  all.update(out.map((t) => `${t.table}\t${t.rows}`).join('\n'));
  return { contentHash: all.digest('hex'), tables: out };
}
