import { canonicalJson, type JsonObject } from '#event-store';
import { compareTableNames, SnapshotDigester, type SnapshotComputation, type SnapshotDigest } from '#projections';
import type { DataSource } from 'typeorm';

/**
 * Keeps a frozen snapshot's rows (read_model.analysis_snapshot_rows), once: a second writer of the same snapshot
 * (a concurrent repeat of the command) finds them there and writes nothing. One transaction, so a snapshot's rows
 * are all there or none are (none: the next read re-materialises them from the log). The rows go from the replay's
 * scratch tables straight into the kept table (`INSERT … SELECT` in the replay's session): no row travels through
 * the client and back, which was most of a freeze's time after the replay.
 */
export async function keepSnapshotRows(computed: SnapshotComputation, snapshotId: string): Promise<boolean> {
  return computed.insertRows(
    async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('analysis-snapshot:' || $1, 0))`, [snapshotId]);
      const [kept] = (await m.query(`SELECT EXISTS (SELECT 1 FROM read_model.analysis_snapshot_rows WHERE snapshot_id = $1) AS kept`, [snapshotId])) as {
        kept: boolean;
      }[];
      return !kept!.kept;
    },
    async (m, table, select, params) => {
      const n = params.length;
      await m.query(
        `INSERT INTO read_model.analysis_snapshot_rows (snapshot_id, table_name, ordinal, row_key, row)
         SELECT $${n + 1}, $${n + 2}, x.ordinal, x.row_key, x.row FROM (${select}) AS x`,
        [...params, snapshotId, table],
      );
    },
  );
}

export async function snapshotRowsKept(dataSource: DataSource, snapshotId: string): Promise<boolean> {
  const [r] = (await dataSource.query(`SELECT EXISTS (SELECT 1 FROM read_model.analysis_snapshot_rows WHERE snapshot_id = $1) AS kept`, [snapshotId])) as {
    kept: boolean;
  }[];
  return r!.kept;
}

export interface KeptRow {
  readonly ordinal: number;
  readonly key: string;
  /** Canonical JSON of the row. */
  readonly json: string;
}

/** A page of one table's kept rows in snapshot order, after the given ordinal. */
export async function readSnapshotRows(dataSource: DataSource, snapshotId: string, table: string, after: number, first: number): Promise<KeptRow[]> {
  const rows = (await dataSource.query(
    `SELECT ordinal, row_key, row FROM read_model.analysis_snapshot_rows WHERE snapshot_id = $1 AND table_name = $2 AND ordinal > $3 ORDER BY ordinal LIMIT $4`,
    [snapshotId, table, after, first],
  )) as { ordinal: number; row_key: string; row: JsonObject }[];
  return rows.map((r) => ({ ordinal: r.ordinal, key: r.row_key, json: canonicalJson(r.row) }));
}

/** The digest of the kept rows, computed as at freezing (tables with no kept row count as empty), a page at a time. */
export async function digestKeptRows(dataSource: DataSource, snapshotId: string, tables: readonly string[]): Promise<SnapshotDigest> {
  const digester = new SnapshotDigester();
  const names = new Set(tables);
  const kept = (await dataSource.query(`SELECT DISTINCT table_name FROM read_model.analysis_snapshot_rows WHERE snapshot_id = $1`, [snapshotId])) as {
    table_name: string;
  }[];
  for (const k of kept) names.add(k.table_name);
  for (const table of [...names].sort(compareTableNames)) {
    digester.startTable(table);
    for (let after = -1; ;) {
      const page = (await dataSource.query(
        `SELECT ordinal, row_key, row FROM read_model.analysis_snapshot_rows WHERE snapshot_id = $1 AND table_name = $2 AND ordinal > $3 ORDER BY ordinal LIMIT $4`,
        [snapshotId, table, after, DIGEST_PAGE],
      )) as { ordinal: number; row_key: string; row: JsonObject }[];
      for (const r of page) digester.row(r.row_key, r.row);
      if (page.length < DIGEST_PAGE) break;
      after = page.at(-1)!.ordinal;
    }
  }
  return digester.finish();
}

const DIGEST_PAGE = 5000;
