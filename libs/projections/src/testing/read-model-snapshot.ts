import type { EventStore } from '#event-store';
import type { DataSource } from 'typeorm';
import type { Projection } from '../projections/projection.js';

/** Every row of every table of the projections, as sorted JSON text: two snapshots are equal iff the tables are, row for row. */
export async function snapshotReadModel(ds: DataSource, projections: readonly Projection[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const p of projections) {
    for (const t of p.tables) {
      const rows = (await ds.query(`SELECT row_to_json(t)::text AS r FROM read_model.${t} t ORDER BY 1`)) as { r: string }[];
      out[t] = rows.map((x) => x.r);
    }
  }
  return out;
}

/** Waits until every live checkpoint has reached the newest event of the log (read through the port: the events may live in another database). */
export async function waitForCatchUp(ds: DataSource, store: EventStore, names: readonly string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = (await store.readHead())?.prepare ?? -1n;
    const rows = (await ds.query(
      `SELECT count(*) FILTER (WHERE c.prepare_position IS NULL OR c.prepare_position < $2::bigint)::int AS behind, count(*)::int AS live
         FROM read_model.projection_checkpoints c WHERE c.name = ANY ($1::text[]) AND c.live`,
      [names, head.toString()],
    )) as { behind: number; live: number }[];
    if (rows[0]!.behind === 0 && rows[0]!.live === names.length) return;
    if (Date.now() > deadline) throw new Error(`projections did not catch up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
