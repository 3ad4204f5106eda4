import { createHash } from 'node:crypto';
import type pg from 'pg';
import { streamCategory, type EventData } from '#event-store';

/**
 * The physical baseline: the same row as event_store.events (columns, defaults, unique constraints and the
 * commit-order index), written by plain INSERTs with no lock, no probe, no chain and no notification.
 * It lives in its own schema so that the store's table only ever holds the store's own events.
 */
export const RAW_TABLE_DDL = [
  `CREATE SCHEMA IF NOT EXISTS bench_raw`,
  `CREATE TABLE bench_raw.events (
     global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
     event_id        uuid        NOT NULL,
     stream_id       text        NOT NULL,
     stream_revision bigint      NOT NULL,
     category        text        NOT NULL,
     event_type      text        NOT NULL,
     data            jsonb       NOT NULL,
     metadata        jsonb       NOT NULL,
     hash            char(64)    NOT NULL,
     recorded_at     timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT raw_events_stream_revision_unique UNIQUE (stream_id, stream_revision),
     CONSTRAINT raw_events_event_id_unique UNIQUE (event_id),
     CONSTRAINT raw_events_revision_non_negative CHECK (stream_revision >= 0)
   )`,
  `CREATE INDEX raw_events_commit_order ON bench_raw.events (transaction_id, global_position)`,
];

const INSERT_COLUMNS = 'event_id, stream_id, stream_revision, category, event_type, data, metadata, hash';
const PARAMS_PER_ROW = 8;

function insertText(rows: number): string {
  const tuples = Array.from({ length: rows }, (_, r) => {
    const p = Array.from({ length: PARAMS_PER_ROW }, (_, c) => `$${r * PARAMS_PER_ROW + c + 1}`);
    return `(${p[0]}::uuid, ${p[1]}, ${p[2]}::bigint, ${p[3]}, ${p[4]}, ${p[5]}::jsonb, ${p[6]}::jsonb, ${p[7]})`;
  });
  return `INSERT INTO bench_raw.events (${INSERT_COLUMNS}) VALUES ${tuples.join(', ')}`;
}

const insertTexts = new Map<number, string>();

/**
 * One autocommit INSERT of all events (a multi-row VALUES list for a batch), as a named prepared statement,
 * as the store's own call is. The revision comes from the writer's own bookkeeping; the unique constraint
 * still refuses a clash. The hash column gets a cheap per-row digest: a baseline pays for the bytes, not the chain.
 */
export async function rawInsert(pool: pg.Pool, streamId: string, lastRevision: bigint, events: readonly EventData[]): Promise<bigint> {
  let text = insertTexts.get(events.length);
  if (!text) insertTexts.set(events.length, (text = insertText(events.length)));
  const category = streamCategory(streamId);
  const values: unknown[] = [];
  events.forEach((e, i) => {
    values.push(
      e.id,
      streamId,
      (lastRevision + BigInt(i + 1)).toString(),
      category,
      e.type,
      JSON.stringify(e.data),
      JSON.stringify(e.metadata ?? {}),
      createHash('sha256').update(e.id).digest('hex'),
    );
  });
  await pool.query({ name: `bench_raw_insert_${events.length}`, text, values });
  return lastRevision + BigInt(events.length);
}

/** The same columns the store's readers select, in the same text forms. */
const READ_COLUMNS = `global_position, transaction_id::text AS transaction_id, event_id, stream_id, stream_revision, event_type, data, metadata, hash, recorded_at`;

/** The raw catch-up: a keyset loop over the primary key, 1,000 rows per round trip, until the table is exhausted. */
export async function rawKeysetRead(client: pg.Pool | pg.Client, table: string, batchSize = 1000): Promise<number> {
  let after = '0';
  let read = 0;
  for (;;) {
    const { rows } = await client.query<{ global_position: string }>({
      name: `bench_raw_keyset_${table}`,
      text: `SELECT ${READ_COLUMNS} FROM ${table} WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      values: [after, batchSize],
    });
    read += rows.length;
    if (rows.length < batchSize) return read;
    after = String(rows.at(-1)!.global_position);
  }
}
