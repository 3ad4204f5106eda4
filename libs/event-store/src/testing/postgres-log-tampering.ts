import pg from 'pg';
import type { JsonObject } from '../event-store.js';
import { PostgresEventStore } from '../postgres/postgres-event-store.js';

/**
 * Test support for the PostgreSQL adapter's storage: what a superuser (or an attacker with the app login) would do to
 * the events' table, so that tests elsewhere prove the log's defences without naming its schema themselves
 * (architecture.md §4: only libs/event-store does). Each function takes a client or URL of the event store's database.
 */
type Queryable = Pick<pg.ClientBase, 'query'>;

/** The schema the adapter keeps the log in (tests that loop over every schema of the registry include it). */
export const EVENT_STORE_SCHEMA = 'event_store';

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Attempts that the app login must be refused (each rejects for it). */
export const attemptsOnTheLog = {
  disableAppendOnlyTrigger: (c: Queryable) => c.query('ALTER TABLE event_store.events DISABLE TRIGGER events_append_only'),
  disableAllTriggers: (c: Queryable) => c.query('ALTER TABLE event_store.events DISABLE TRIGGER ALL'),
  dropAppendOnlyTrigger: (c: Queryable) => c.query('DROP TRIGGER events_append_only ON event_store.events'),
  /** A raw row, bypassing the append function and its hash chain. */
  insertRawEvent: (c: Queryable, e: { readonly eventId: string; readonly streamId: string; readonly type: string }) =>
    c.query(
      `INSERT INTO event_store.events (event_id, stream_id, stream_revision, category, event_type, data, metadata, hash)
       VALUES ($1, $2, 0, split_part($2, '-', 1), $3, '{}', '{}', repeat('0', 64))`,
      [e.eventId, e.streamId, e.type],
    ),
};

/** Security settings of every overload of the append function (SECURITY DEFINER, search_path, who may execute it). */
export async function appendFunctionSecurity(
  c: Queryable,
): Promise<{ prosecdef: boolean; proconfig: string[]; public_execute: boolean; app_execute: boolean }[]> {
  const { rows } = await c.query<{ prosecdef: boolean; proconfig: string[]; public_execute: boolean; app_execute: boolean }>(
    `SELECT p.prosecdef, p.proconfig, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute,
            has_function_privilege('registry_app', p.oid, 'EXECUTE') AS app_execute
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'event_store' AND p.proname IN ('append', 'append_many')`,
  );
  return rows;
}

/** The role owning the events' table. */
export async function eventsTableOwner(c: Queryable): Promise<string | undefined> {
  const { rows } = await c.query<{ tableowner: string }>(`SELECT tableowner FROM pg_tables WHERE schemaname = 'event_store' AND tablename = 'events'`);
  return rows[0]?.tableowner;
}

/** Deletes every event at or after `fromPosition` (global position), as a superuser would: trigger off, delete, trigger on. */
export function cutLogTail(ownerUrl: string, fromPosition: bigint): Promise<number> {
  return withClient(ownerUrl, async (c) => {
    await c.query('ALTER TABLE event_store.events DISABLE TRIGGER events_append_only');
    try {
      const { rowCount } = await c.query('DELETE FROM event_store.events WHERE global_position >= $1', [fromPosition.toString()]);
      return rowCount ?? 0;
    } finally {
      await c.query('ALTER TABLE event_store.events ENABLE TRIGGER events_append_only');
    }
  });
}

/** Overwrites one stored event's data and hash in place, as a superuser would (the trigger refuses anyone else). */
export function rewriteStoredEvent(ownerUrl: string, eventId: string, data: JsonObject, hash: string): Promise<void> {
  return withClient(ownerUrl, async (c) => {
    await c.query('ALTER TABLE event_store.events DISABLE TRIGGER events_append_only');
    try {
      await c.query('UPDATE event_store.events SET data = $2, hash = $3 WHERE event_id = $1', [eventId, JSON.stringify(data), hash]);
    } finally {
      await c.query('ALTER TABLE event_store.events ENABLE TRIGGER events_append_only');
    }
  });
}

/**
 * Every event stored (committed) in the PostgreSQL event store at `url`, through the port's countEvents: unlike a
 * gap-safe readAll it counts an acknowledged write at once, so "the refused command appended nothing" holds exactly.
 */
export async function countStoredEvents(url: string): Promise<number> {
  const store = new PostgresEventStore({ connectionString: url, poolSize: 1 });
  try {
    return await store.countEvents();
  } finally {
    await store.close();
  }
}

/** Where a search of every table finds what an event's data holds: `schema.table.column` of the events' data. */
export const EVENTS_DATA_COLUMN = 'event_store.events.data';
