/**
 * The PostgreSQL adapter's own schema (`event_store`): its DDL lives here, beside the adapter that depends on it
 * (architecture.md §4: only this library names the schema). The migration runner (`migrations/`) records these under
 * the same names as before, so databases created by the old migrations see nothing new to do; in a deployment with
 * EVENT_STORE_URL they run in the event store's database only.
 *
 * Each step is plain SQL through any runner with `query` (a TypeORM QueryRunner, a pg client).
 */
import type pg from 'pg';
import { appendToStreamsSchema } from './append-to-streams-schema.js';
import type { EventStoreSchemaMigration, SchemaQueryRunner } from './schema-migration.js';

export type { EventStoreSchemaMigration, SchemaQueryRunner } from './schema-migration.js';

/** The role the API and the projector log in as members of (created here too, so the event store's database stands alone). */
const APP_GROUP = 'registry_app';

const ensureAppGroup = (q: SchemaQueryRunner): Promise<unknown> =>
  q.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_GROUP}') THEN CREATE ROLE ${APP_GROUP} NOLOGIN; END IF;
    END $$`);

/**
 * The event store: an append-only table guarded by triggers, a gap-safe global order
 * (transaction id + sequence, see architecture.md §4) and a per-stream SHA-256 hash chain built by the
 * append function in the same round trip as the insert.
 */
const eventStoreSchema: EventStoreSchemaMigration = {
  name: 'EventStore1764230000000',
  async up(q) {
    await q.query(`CREATE SCHEMA IF NOT EXISTS event_store`);
    await q.query(`
      CREATE TABLE event_store.events (
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
        CONSTRAINT events_stream_revision_unique UNIQUE (stream_id, stream_revision),
        CONSTRAINT events_event_id_unique UNIQUE (event_id),
        CONSTRAINT events_revision_non_negative CHECK (stream_revision >= 0)
      )`);
    // Readers walk this index in (transaction, position) order, which is the order commits become safe to read.
    await q.query(`CREATE INDEX events_commit_order ON event_store.events (transaction_id, global_position)`);

    await q.query(`
      CREATE FUNCTION event_store.reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'event_store.events is append-only: % is not allowed', TG_OP USING ERRCODE = 'ES003';
      END $$`);
    await q.query(`CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON event_store.events
                   FOR EACH ROW EXECUTE FUNCTION event_store.reject_change()`);
    await q.query(`CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON event_store.events
                   FOR EACH STATEMENT EXECUTE FUNCTION event_store.reject_change()`);

    // One round trip per append: lock the stream, check the expected revision (-1 any, -2 no_stream,
    // -3 stream_exists, n >= 0 exact), detect an idempotent repeat, chain the hashes, insert.
    // - The idempotency probe runs only when the revision check fails or any revision is accepted: an exact or
    //   no_stream append that passes its check cannot be a repeat; ids stored elsewhere meet the unique index.
    // - Data and metadata arrive as one JSON array each: a jsonb[] literal was escaped by the client and parsed
    //   twice (100-event insert 2.7 ms vs 1.8 ms, as fast as a raw multi-row INSERT).
    // - No NOTIFY here: its commit lock serialised concurrent commits; the store sends one per burst afterwards.
    await q.query(`
      CREATE FUNCTION event_store.append(
        p_stream_id text, p_expected bigint,
        p_ids uuid[], p_types text[], p_data jsonb, p_metadata jsonb, p_digests text[])
      RETURNS TABLE (next_revision bigint, commit_position text, prepare_position bigint)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_n int := cardinality(p_ids);
        v_last bigint;
        v_prev text;
        v_hashes text[] := '{}';
        v_gp bigint;
        v_tx text;
        v_found_rev bigint;
        v_mismatch boolean;
        i int;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_id, 7));

        SELECT e.stream_revision, e.hash INTO v_last, v_prev
          FROM event_store.events e WHERE e.stream_id = p_stream_id ORDER BY e.stream_revision DESC LIMIT 1;
        IF NOT FOUND THEN
          v_last := -1;
          v_prev := repeat('0', 64);
        END IF;
        v_mismatch := (p_expected = -2 AND v_last <> -1) OR (p_expected = -3 AND v_last = -1) OR (p_expected >= 0 AND p_expected <> v_last);
        -- A repeat of a stored append cannot pass an exact or no_stream check (its own events moved the stream
        -- past it), so the idempotency probe runs only when the check fails or the caller accepted any revision.
        IF v_mismatch OR p_expected IN (-1, -3) THEN
          SELECT e.stream_revision, e.global_position, e.transaction_id::text INTO v_found_rev, v_gp, v_tx
            FROM event_store.events e WHERE e.event_id = p_ids[1];
          IF FOUND THEN
            IF (SELECT count(*) FROM unnest(p_ids, p_types) WITH ORDINALITY AS x(id, typ, ord)
                  JOIN jsonb_array_elements(p_data) WITH ORDINALITY AS d(dat, ord) USING (ord)
                  JOIN event_store.events e ON e.event_id = x.id AND e.stream_id = p_stream_id
                   AND e.event_type = x.typ AND e.data = d.dat) <> v_n THEN
              RAISE EXCEPTION 'event % was appended before with different content', p_ids[1]
                USING ERRCODE = 'ES002', DETAIL = p_ids[1]::text;
            END IF;
            RETURN QUERY SELECT e.stream_revision, e.transaction_id::text, e.global_position
              FROM event_store.events e WHERE e.event_id = ANY (p_ids) ORDER BY e.stream_revision DESC LIMIT 1;
            RETURN;
          END IF;
        END IF;
        IF v_mismatch THEN
          RAISE EXCEPTION 'stream %: expected revision %, actual %', p_stream_id, p_expected, v_last
            USING ERRCODE = 'ES001', DETAIL = v_last::text;
        END IF;

        FOR i IN 1 .. v_n LOOP
          v_prev := encode(sha256(convert_to(v_prev || ':' || p_stream_id || ':' || (v_last + i) || ':' || p_digests[i], 'UTF8')), 'hex');
          v_hashes[i] := v_prev;
        END LOOP;

        WITH inserted AS (
          INSERT INTO event_store.events (event_id, stream_id, stream_revision, category, event_type, data, metadata, hash)
          SELECT x.id, p_stream_id, v_last + x.ord, split_part(p_stream_id, '-', 1), x.typ, d.dat, m.meta, v_hashes[x.ord]
            FROM unnest(p_ids, p_types) WITH ORDINALITY AS x(id, typ, ord)
            JOIN jsonb_array_elements(p_data) WITH ORDINALITY AS d(dat, ord) USING (ord)
            JOIN jsonb_array_elements(p_metadata) WITH ORDINALITY AS m(meta, ord) USING (ord)
          RETURNING global_position)
        SELECT max(global_position) INTO v_gp FROM inserted;

        RETURN QUERY SELECT v_last + v_n, pg_current_xact_id()::text, v_gp;
      END $$`);

    // The application role may only read and append (architecture.md §4); deployments log in as a member of it.
    await q.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'registry_app') THEN CREATE ROLE registry_app NOLOGIN; END IF;
    END $$`);
    await q.query(`GRANT USAGE ON SCHEMA event_store TO registry_app`);
    await q.query(`GRANT SELECT, INSERT ON event_store.events TO registry_app`);
    await q.query(`GRANT EXECUTE ON FUNCTION event_store.append(text, bigint, uuid[], text[], jsonb, jsonb, text[]) TO registry_app`);
  },
  async down(q) {
    await q.query(`DROP SCHEMA event_store CASCADE`);
  },
};

/**
 * Least privilege on the event store (architecture.md §4), formerly part of the runner's LeastPrivilege1764470000000:
 * members of registry_app read the log and append only through `event_store.append` — a SECURITY DEFINER function of
 * the owner (the role that runs migrations), so the hash chain is built by the database for every row and a raw INSERT
 * (a row with any hash) is refused. Idempotent: databases that ran the old migration already hold all of it.
 */
const eventStoreLeastPrivilege: EventStoreSchemaMigration = {
  name: 'EventStoreLeastPrivilege1765400000000',
  async up(q) {
    await ensureAppGroup(q);
    // Appends only through the function; it runs as the owner with a search_path an attacker cannot shadow.
    await q.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON event_store.events FROM ${APP_GROUP}, PUBLIC`);
    // Every overload, whatever its parameters. A later CREATE OR REPLACE must say SECURITY DEFINER SET search_path
    // again: least-privilege.int.spec.ts checks it.
    await q.query(`DO $$ DECLARE r record; BEGIN
      FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'event_store' AND p.proname = 'append' LOOP
        EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = pg_catalog, pg_temp', r.fn);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', r.fn);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO ${APP_GROUP}', r.fn);
      END LOOP;
    END $$`);
    await q.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA event_store GRANT SELECT ON TABLES TO ${APP_GROUP}`);
    await q.query(`GRANT USAGE ON SCHEMA event_store TO ${APP_GROUP}`);
  },
  async down(q) {
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA event_store REVOKE SELECT ON TABLES FROM ${APP_GROUP}`);
    await q.query(`DO $$ DECLARE r record; BEGIN
      FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'event_store' AND p.proname = 'append' LOOP
        EXECUTE format('ALTER FUNCTION %s SECURITY INVOKER RESET search_path', r.fn);
      END LOOP;
    END $$`);
    await q.query(`GRANT INSERT ON event_store.events TO ${APP_GROUP}`);
  },
};

/** The event store's schema steps, in order. New steps are appended (never edit an applied one). */
export const postgresEventStoreMigrations: readonly EventStoreSchemaMigration[] = [eventStoreSchema, appendToStreamsSchema, eventStoreLeastPrivilege];

/**
 * What the connected login may do to the event store that the app role must not: own the events (and so disable the
 * append-only trigger), create objects in its schema, or insert raw events. Empty for a proper app login, and where
 * this database holds no event store.
 */
export async function eventStoreExcessPrivileges(client: Pick<pg.ClientBase, 'query'>): Promise<string[]> {
  const { rows } = await client.query<{ superuser: boolean; owns_events: boolean; creates: boolean; inserts: boolean }>(`
    SELECT r.rolsuper AS superuser,
           coalesce((SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c WHERE c.oid = to_regclass('event_store.events')), false) AS owns_events,
           coalesce((SELECT has_schema_privilege(current_user, n.oid, 'CREATE') FROM pg_namespace n WHERE n.nspname = 'event_store'), false) AS creates,
           coalesce((SELECT has_table_privilege(current_user, c.oid, 'INSERT') FROM pg_class c WHERE c.oid = to_regclass('event_store.events')), false) AS inserts
      FROM pg_roles r WHERE r.rolname = current_user`);
  const r = rows[0]!;
  if (r.superuser) return [];
  return [
    ...(r.owns_events ? ['owns event_store.events (may disable its append-only trigger)'] : []),
    ...(r.creates ? ['may create objects in event_store'] : []),
    ...(r.inserts && !r.owns_events ? ['may INSERT raw rows into event_store.events'] : []),
  ];
}
