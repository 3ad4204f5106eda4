import type { MigrationInterface, QueryRunner } from 'typeorm';

const REBUILD_FUNCTIONS = ['read_model.rebuild_prepare_table(text)', 'read_model.rebuild_index_table(text)', 'read_model.rebuild_swap_table(text)'];

/**
 * Least privilege (architecture.md §4): the API and the projector log in as members of `registry_app`, which may read
 * the log and append only through the event store's append function — a SECURITY DEFINER function of the owner (the role that runs
 * migrations), so the hash chain is built by the database for every row and a raw INSERT (a row with any hash) is
 * refused. The app role owns nothing, so it can neither disable the append-only trigger nor change any table.
 *
 * Projection rebuilds replace live read-model tables (DDL). Rather than give the projector DDL rights, three owner
 * functions do exactly that and nothing else, on tables the migrations created in `read_model`: create an empty
 * shadow shaped like a live table, index it like the live one, swap it in. The app role may already empty and refill
 * those tables; the functions give it no power over the event store, other schemas, or table shapes.
 *
 * Default privileges cover tables that later migrations (run by the same owner) add: read models get DML, `audit`
 * and `privacy` only SELECT and INSERT (their tables keep facts; a migration grants more where a table needs it).
 */
export class LeastPrivilege1764470000000 implements MigrationInterface {
  name = 'LeastPrivilege1764470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'registry_app') THEN CREATE ROLE registry_app NOLOGIN; END IF;
    END $$`);

    // The event store's part (REVOKE raw INSERT, SECURITY DEFINER append) moved to its adapter's schema steps
    // (libs/event-store postgres-schema.ts, EventStoreLeastPrivilege1765400000000), which databases that ran this
    // migration before find already done.

    // No CREATE anywhere for the app role (an earlier migration let it create shadow tables itself).
    await q.query(`REVOKE CREATE ON SCHEMA read_model_rebuild FROM registry_app`);
    await q.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    // The API checks at boot that no migration is pending without being able to run one.
    await q.query(`DO $$ BEGIN
      IF to_regclass('public.migrations') IS NOT NULL THEN GRANT SELECT ON public.migrations TO registry_app; END IF;
    END $$`);

    for (const schema of ['read_model', 'read_model_rebuild']) {
      await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO registry_app`);
      await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO registry_app`);
    }
    for (const schema of ['audit', 'privacy']) {
      await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT ON TABLES TO registry_app`);
      await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT ON SEQUENCES TO registry_app`);
    }
    await q.query(`ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO registry_app`);
    await q.query(`GRANT USAGE ON SCHEMA read_model, read_model_rebuild, audit, privacy TO registry_app`);

    // A live read-model table by name, or an error: the functions below touch nothing else.
    await q.query(`
      CREATE FUNCTION read_model.live_table(p_table text) RETURNS regclass
      LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
      DECLARE v regclass;
      BEGIN
        SELECT c.oid INTO v FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'read_model' AND c.relname = p_table AND c.relkind IN ('r', 'p');
        IF v IS NULL THEN RAISE EXCEPTION 'no read-model table %', p_table USING ERRCODE = '42P01'; END IF;
        RETURN v;
      END $$`);
    // Columns, defaults, checks and the primary key of the live table; secondary indexes come after the bulk load.
    await q.query(`
      CREATE FUNCTION read_model.rebuild_prepare_table(p_table text) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        v_live regclass := read_model.live_table(p_table);
        v_pk text;
      BEGIN
        EXECUTE format('DROP TABLE IF EXISTS read_model_rebuild.%I', p_table);
        EXECUTE format('CREATE TABLE read_model_rebuild.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)', p_table, v_live);
        SELECT pg_get_constraintdef(c.oid) INTO v_pk FROM pg_constraint c WHERE c.conrelid = v_live AND c.contype = 'p';
        IF v_pk IS NOT NULL THEN EXECUTE format('ALTER TABLE read_model_rebuild.%I ADD %s', p_table, v_pk); END IF;
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON read_model_rebuild.%I TO registry_app', p_table);
      END $$`);
    // The live table's indexes that back no constraint, under the same names, then statistics for the planner.
    await q.query(`
      CREATE FUNCTION read_model.rebuild_index_table(p_table text) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        v_live regclass := read_model.live_table(p_table);
        r record;
      BEGIN
        IF to_regclass(format('read_model_rebuild.%I', p_table)) IS NULL THEN
          RAISE EXCEPTION 'no rebuilt table %', p_table USING ERRCODE = '42P01';
        END IF;
        FOR r IN SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
                   FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                  WHERE i.indrelid = v_live AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) LOOP
          EXECUTE regexp_replace(r.def, '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+ ',
                                 'CREATE \\1INDEX IF NOT EXISTS ' || quote_ident(r.name) || ' ON read_model_rebuild.' || quote_ident(p_table) || ' ');
        END LOOP;
        EXECUTE format('ANALYZE read_model_rebuild.%I', p_table);
      END $$`);
    // Replaces the live table by the rebuilt one; index names (and so constraint names) stay those the migrations gave.
    // The caller holds the live table's lock and the projection's checkpoint row, in its own transaction.
    await q.query(`
      CREATE FUNCTION read_model.rebuild_swap_table(p_table text) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        v_live regclass := read_model.live_table(p_table);
        v_names jsonb;
        v_name text;
        r record;
      BEGIN
        IF to_regclass(format('read_model_rebuild.%I', p_table)) IS NULL THEN
          RAISE EXCEPTION 'no rebuilt table %', p_table USING ERRCODE = '42P01';
        END IF;
        SELECT coalesce(jsonb_object_agg(regexp_replace(pg_get_indexdef(i.indexrelid), '^(CREATE (UNIQUE )?INDEX )\\S+ ON ', '\\1ON '), c.relname), '{}')
          INTO v_names FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = v_live;
        EXECUTE format('DROP TABLE %s', v_live);
        EXECUTE format('ALTER TABLE read_model_rebuild.%I SET SCHEMA read_model', p_table);
        FOR r IN SELECT c.relname AS name, regexp_replace(pg_get_indexdef(i.indexrelid), '^(CREATE (UNIQUE )?INDEX )\\S+ ON ', '\\1ON ') AS shape
                   FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                  WHERE i.indrelid = read_model.live_table(p_table) LOOP
          v_name := v_names ->> r.shape;
          IF v_name IS NOT NULL AND v_name <> r.name THEN
            EXECUTE format('ALTER INDEX read_model.%I RENAME TO %I', r.name, v_name);
          END IF;
        END LOOP;
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON read_model.%I TO registry_app', p_table);
      END $$`);
    for (const fn of REBUILD_FUNCTIONS) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO registry_app`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const fn of [...REBUILD_FUNCTIONS, 'read_model.live_table(text)']) await q.query(`DROP FUNCTION ${fn}`);
    await q.query(`ALTER DEFAULT PRIVILEGES REVOKE USAGE ON SCHEMAS FROM registry_app`);
    for (const schema of ['audit', 'privacy']) {
      await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} REVOKE SELECT, INSERT ON TABLES FROM registry_app`);
      await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} REVOKE USAGE, SELECT ON SEQUENCES FROM registry_app`);
    }
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA read_model_rebuild REVOKE SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES FROM registry_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA read_model_rebuild REVOKE USAGE, SELECT, UPDATE ON SEQUENCES FROM registry_app`);
    await q.query(`GRANT CREATE ON SCHEMA read_model_rebuild TO registry_app`);
  }
}
