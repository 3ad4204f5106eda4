import { START, type Position } from '../event-store.js';
import type { PostgresEventStore } from '../postgres/postgres-event-store.js';

/**
 * Benchmark baseline: the whole log read straight from the PostgreSQL adapter's table in keyset pages (the floor a
 * rebuild through the port is compared with). Lives here because only libs/event-store names the table.
 */
export async function rawKeysetRead(store: PostgresEventStore, pageSize: number): Promise<number> {
  let after: Position = START;
  let n = 0;
  for (;;) {
    const { rows } = await store.pool.query<{ global_position: string; tx: string }>({
      name: 'bench_raw_keyset',
      text: `SELECT e.global_position, e.transaction_id::text AS tx, e.event_id, e.stream_id, e.stream_revision, e.event_type, e.data, e.metadata, e.recorded_at
               FROM event_store.events e
              WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
              ORDER BY e.transaction_id, e.global_position LIMIT $3`,
      values: [after.commit < 0n ? '0' : after.commit.toString(), after.prepare.toString(), pageSize],
    });
    n += rows.length;
    if (rows.length < pageSize) return n;
    const last = rows.at(-1)!;
    after = { commit: BigInt(last.tx), prepare: BigInt(last.global_position) };
  }
}
