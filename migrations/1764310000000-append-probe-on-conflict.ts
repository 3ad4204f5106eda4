import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The idempotency probe (a lookup of the first event id) leaves the hot path: an exact or no_stream append that
 * passes its revision check cannot be a repeat, so the probe runs only when that check fails or when the caller
 * accepted any revision. Event ids stored in another stream are still refused by the unique index.
 */
export class AppendProbeOnConflict1764310000000 implements MigrationInterface {
  name = 'AppendProbeOnConflict1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION event_store.append(
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION event_store.append(
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
        i int;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_id, 7));

        SELECT e.stream_revision, e.global_position, e.transaction_id::text INTO v_last, v_gp, v_tx
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

        SELECT e.stream_revision, e.hash INTO v_last, v_prev
          FROM event_store.events e WHERE e.stream_id = p_stream_id ORDER BY e.stream_revision DESC LIMIT 1;
        IF NOT FOUND THEN
          v_last := -1;
          v_prev := repeat('0', 64);
        END IF;
        IF (p_expected = -2 AND v_last <> -1) OR (p_expected = -3 AND v_last = -1) OR (p_expected >= 0 AND p_expected <> v_last) THEN
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
  }
}
