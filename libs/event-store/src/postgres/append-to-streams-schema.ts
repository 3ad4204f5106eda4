import type { EventStoreSchemaMigration } from './schema-migration.js';

/**
 * `event_store.append_many`: several streams' appends in one call and one transaction (EventStore.appendToStreams),
 * each part checked, chained and deduplicated exactly as `event_store.append` does for one stream, but a part that
 * fails answers a row with its error instead of raising, so one stale stream does not abort the others.
 *
 * - Locks: the same advisory lock per stream as `append`, taken in ascending key order, so two calls that share
 *   streams cannot deadlock (and a single append holds only one).
 * - No subtransaction per part (BEGIN … EXCEPTION): past 64 subtransactions every snapshot in the database
 *   overflows and slows down. Errors are decided before the one INSERT instead: the revision check, and a probe
 *   of every event id (an id stored anywhere means a repeat of this part, or an idempotency conflict).
 * - One INSERT for every part that passed; events arrive as flat arrays with `p_counts` events per part, in order.
 * - A concurrent transaction inserting the same event ids between the probe and the insert still meets the unique
 *   index and fails the whole call; the adapter then appends the parts one by one.
 * - SECURITY DEFINER with a fixed search_path, callable by registry_app only (as `append`, least-privilege migration).
 */
export const appendToStreamsSchema: EventStoreSchemaMigration = {
  name: 'AppendToStreams1765200000000',

  async up(q) {
    await q.query(`
      CREATE FUNCTION event_store.append_many(
        p_stream_ids text[], p_expected bigint[], p_counts int[],
        p_ids uuid[], p_types text[], p_data jsonb, p_metadata jsonb, p_digests text[])
      RETURNS TABLE (part int, next_revision bigint, commit_position text, prepare_position bigint, error_code text, error_detail text)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        v_parts int := cardinality(p_stream_ids);
        v_total int := cardinality(p_ids);
        v_start int[] := array_fill(0, ARRAY[greatest(v_parts, 1)]);
        v_next bigint[] := array_fill(NULL::bigint, ARRAY[greatest(v_parts, 1)]);
        v_ev_part int[] := array_fill(NULL::int, ARRAY[greatest(v_total, 1)]);
        v_ev_rev bigint[] := array_fill(NULL::bigint, ARRAY[greatest(v_total, 1)]);
        v_ev_hash text[] := array_fill(NULL::text, ARRAY[greatest(v_total, 1)]);
        v_present uuid[];
        v_ids uuid[];
        v_last bigint;
        v_prev text;
        v_exp bigint;
        v_mismatch boolean;
        v_off int := 1;
        v_any_ok boolean := false;
        h bigint;
        k int;
        i int;
        j int;
      BEGIN
        IF cardinality(p_expected) <> v_parts OR cardinality(p_counts) <> v_parts OR cardinality(p_types) <> v_total
           OR cardinality(p_digests) <> v_total OR jsonb_array_length(p_data) <> v_total OR jsonb_array_length(p_metadata) <> v_total
           OR (SELECT coalesce(sum(c), 0) FROM unnest(p_counts) c) <> v_total THEN
          RAISE EXCEPTION 'append_many: the arrays do not describe the same events' USING ERRCODE = '22023';
        END IF;
        FOR k IN 1 .. v_parts LOOP
          v_start[k] := v_off;
          v_off := v_off + p_counts[k];
        END LOOP;

        FOR h IN SELECT DISTINCT hashtextextended(s, 7) FROM unnest(p_stream_ids) s ORDER BY 1 LOOP
          PERFORM pg_advisory_xact_lock(h);
        END LOOP;

        SELECT coalesce(array_agg(e.event_id), '{}') INTO v_present FROM event_store.events e WHERE e.event_id = ANY (p_ids);

        FOR k IN 1 .. v_parts LOOP
          SELECT e.stream_revision, e.hash INTO v_last, v_prev
            FROM event_store.events e WHERE e.stream_id = p_stream_ids[k] ORDER BY e.stream_revision DESC LIMIT 1;
          IF NOT FOUND THEN
            v_last := -1;
            v_prev := repeat('0', 64);
          END IF;
          v_ids := p_ids[v_start[k] : v_start[k] + p_counts[k] - 1];
          IF cardinality(v_present) > 0 AND v_ids && v_present THEN
            -- Stored before: a repeat when every event is in this stream with the same type and data, else a conflict.
            IF (SELECT count(*) FROM unnest(v_ids) WITH ORDINALITY AS x(id, ord)
                  JOIN event_store.events e ON e.event_id = x.id AND e.stream_id = p_stream_ids[k]
                   AND e.event_type = p_types[v_start[k] + x.ord::int - 1]
                   AND e.data = p_data -> (v_start[k] + x.ord::int - 2)) = p_counts[k] THEN
              RETURN QUERY SELECT k, e.stream_revision, e.transaction_id::text, e.global_position, 'REPEATED'::text, NULL::text
                FROM event_store.events e WHERE e.event_id = ANY (v_ids) ORDER BY e.stream_revision DESC LIMIT 1;
            ELSE
              RETURN QUERY SELECT k, NULL::bigint, NULL::text, NULL::bigint, 'ES002'::text,
                (SELECT x::text FROM unnest(v_ids) x WHERE x = ANY (v_present) LIMIT 1);
            END IF;
            CONTINUE;
          END IF;
          v_exp := p_expected[k];
          v_mismatch := (v_exp = -2 AND v_last <> -1) OR (v_exp = -3 AND v_last = -1) OR (v_exp >= 0 AND v_exp <> v_last);
          IF v_mismatch THEN
            RETURN QUERY SELECT k, NULL::bigint, NULL::text, NULL::bigint, 'ES001'::text, v_last::text;
            CONTINUE;
          END IF;
          FOR i IN 1 .. p_counts[k] LOOP
            j := v_start[k] + i - 1;
            v_prev := encode(sha256(convert_to(v_prev || ':' || p_stream_ids[k] || ':' || (v_last + i) || ':' || p_digests[j], 'UTF8')), 'hex');
            v_ev_part[j] := k;
            v_ev_rev[j] := v_last + i;
            v_ev_hash[j] := v_prev;
          END LOOP;
          v_next[k] := v_last + p_counts[k];
          v_any_ok := true;
        END LOOP;

        IF NOT v_any_ok THEN
          RETURN;
        END IF;
        RETURN QUERY
          WITH inserted AS (
            INSERT INTO event_store.events (event_id, stream_id, stream_revision, category, event_type, data, metadata, hash)
            SELECT x.id, p_stream_ids[v_ev_part[x.ord]], v_ev_rev[x.ord], split_part(p_stream_ids[v_ev_part[x.ord]], '-', 1),
                   x.typ, d.dat, m.meta, v_ev_hash[x.ord]
              FROM unnest(p_ids, p_types) WITH ORDINALITY AS x(id, typ, ord)
              JOIN jsonb_array_elements(p_data) WITH ORDINALITY AS d(dat, ord) USING (ord)
              JOIN jsonb_array_elements(p_metadata) WITH ORDINALITY AS m(meta, ord) USING (ord)
             WHERE v_ev_part[x.ord] IS NOT NULL
            RETURNING stream_id, global_position)
          SELECT s.ord::int, v_next[s.ord::int], pg_current_xact_id()::text, max(i2.global_position), NULL::text, NULL::text
            FROM inserted i2 JOIN unnest(p_stream_ids) WITH ORDINALITY AS s(stream_id, ord) ON s.stream_id = i2.stream_id
           GROUP BY s.ord;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION event_store.append_many(text[], bigint[], int[], uuid[], text[], jsonb, jsonb, text[]) FROM PUBLIC`);
    await q.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'registry_app') THEN CREATE ROLE registry_app NOLOGIN; END IF;
    END $$`);
    await q.query(`GRANT EXECUTE ON FUNCTION event_store.append_many(text[], bigint[], int[], uuid[], text[], jsonb, jsonb, text[]) TO registry_app`);
  },

  async down(q) {
    await q.query(`DROP FUNCTION event_store.append_many(text[], bigint[], int[], uuid[], text[], jsonb, jsonb, text[])`);
  },
};
