import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '#event-store';
import { type AppConfig, loadConfig } from '#runtime';
import { dataSourceOptions } from '../../migrations/data-source.js';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { writeSyntheticRegistry, type SyntheticRegistry } from '../../libs/projections/src/testing/synthetic-registry.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

/**
 * The lists the console's trial and round pages page through (issue 21): the subjects filter's free-text `search`
 * (prefix of pseudonym, subject id or site id; case-insensitive; scoped as the other filters) and a round's recall and
 * interval-cancer lists. Expected rows are computed here from the read model's own rows, never hard-coded.
 */
describe('console lists: subject search, recall and interval-cancer lists', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let ds: DataSource;
  let synthetic: SyntheticRegistry;

  type Subject = { subject_id: string; trial_id: string | null; pseudonym: string; site_id: string | null };
  let subjects: Subject[];

  const token = (role: string, extra: Record<string, string[]> = {}) => issueLocalToken(config, { sub: `e2e-${role}`, role: role as never, ...extra });
  const gql = async (bearer: string, query: string, variables: Record<string, unknown> = {}) => postGraphql(registry.url, bearer, query, variables);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-console-lists-'));
    config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '100000' });
    registry = await startRegistry(config);
    ds = await new DataSource(dataSourceOptions(db.url)).initialize();
    // Seed 5: among its screened participants are recalls in both rounds and at least one interval cancer.
    synthetic = await writeSyntheticRegistry(registry.app.get<EventStore>(EVENT_STORE), { subjects: 320, screeningShare: 0.7, seed: 5 });
    const admin = await token('admin');
    for (let waited = 0; ; waited += 300) {
      const res = await gql(admin, '{ registryStatus { projections { lag } } }');
      if ((res.data.registryStatus.projections as { lag: number }[]).every((p) => p.lag === 0)) break;
      if (waited > 120_000) throw new Error('projections did not catch up');
      await new Promise((r) => setTimeout(r, 300));
    }
    subjects = (await ds.query(`SELECT subject_id, trial_id, pseudonym, site_id FROM read_model.subjects ORDER BY position`)) as Subject[];
  }, 180_000);
  afterAll(async () => {
    await ds?.destroy();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const SEARCH = `query($filter: SubjectFilter!, $first: Int, $after: String) {
    subjects(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id pseudonym siteId trialId } } }`;

  /** Every page of a search, two at a time, so the cursor is exercised. */
  async function searchAll(bearer: string, filter: Record<string, unknown>): Promise<{ ids: string[]; totalCount: number }> {
    const ids: string[] = [];
    let after: string | null = null;
    let totalCount = -1;
    for (;;) {
      const res = await gql(bearer, SEARCH, { filter, first: 2, after });
      expect(res.errors).toBeUndefined();
      totalCount = res.data.subjects.totalCount;
      ids.push(...res.data.subjects.nodes.map((n: { id: string }) => n.id));
      if (!res.data.subjects.pageInfo.hasNextPage) return { ids, totalCount };
      after = res.data.subjects.pageInfo.endCursor;
    }
  }

  const matches = (s: Subject, term: string) => [s.pseudonym, s.subject_id, s.site_id ?? ''].some((v) => v.toUpperCase().startsWith(term.trim().toUpperCase()));

  it('finds subjects by a case-insensitive prefix of pseudonym, subject id or site id, paged, within the trial', async () => {
    const admin = await token('admin');
    const trialId = synthetic.trialIds[0]!;
    const inTrial = subjects.filter((s) => s.trial_id === trialId);
    // A pseudonym prefix typed in lower case, a site id prefix, and a subject id prefix.
    const pseudonymTerm = ` ${inTrial[3]!.pseudonym.slice(0, 3).toLowerCase()}`;
    const siteTerm = inTrial[0]!.site_id!.slice(0, -1).toLowerCase();
    const idTerm = inTrial[5]!.subject_id.slice(0, 6).toUpperCase();
    for (const term of [pseudonymTerm, siteTerm, idTerm]) {
      const expected = inTrial.filter((s) => matches(s, term)).map((s) => s.subject_id);
      expect(expected.length).toBeGreaterThan(0);
      const got = await searchAll(admin, { trialId, search: term });
      expect([term, got.ids]).toEqual([term, expected]);
      expect(got.totalCount).toBe(expected.length);
    }
    // Blank is no search; LIKE's wildcards are plain characters (no pseudonym holds them), not "everything".
    expect((await searchAll(admin, { trialId, search: '  ' })).totalCount).toBe(inTrial.length);
    expect((await searchAll(admin, { trialId, search: '%' })).totalCount).toBe(0);
    expect((await searchAll(admin, { trialId, search: '_' })).totalCount).toBe(0);
  });

  it('keeps a confined coordinator to its trial and site, and refuses an over-long search on its field', async () => {
    const trialId = synthetic.trialIds[0]!;
    const site = subjects.find((s) => s.trial_id === trialId)!.site_id!;
    const coordinator = await token('coordinator', { trials: [trialId], sites: [site] });
    // S- matches every synthetic trial subject's pseudonym: only the token's trial and site come back.
    const expected = subjects.filter((s) => s.trial_id === trialId && s.site_id === site && matches(s, 's-')).map((s) => s.subject_id);
    const everywhere = subjects.filter((s) => matches(s, 's-'));
    expect(expected.length).toBeGreaterThan(0);
    expect(everywhere.length).toBeGreaterThan(expected.length);
    expect((await searchAll(coordinator, { search: 's-' })).ids).toEqual(expected);
    const long = await gql(coordinator, SEARCH, { filter: { trialId, search: 'X'.repeat(41) }, first: 5 });
    expect(long.data).toBeNull();
    expect(long.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.search' });
  });

  it('answers the search from the search indexes (the plan names them when a scan is not allowed)', async () => {
    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await qr.query(`SET LOCAL enable_seqscan = off`);
      const plan = (await qr.query(
        `EXPLAIN SELECT * FROM read_model.subjects s WHERE (upper(s.pseudonym) LIKE $1 OR upper(s.subject_id) LIKE $1 OR upper(s.site_id) LIKE $1)`,
        ['S-1%'],
      )) as { 'QUERY PLAN': string }[];
      const text = plan.map((p) => p['QUERY PLAN']).join('\n');
      for (const index of ['subjects_search_pseudonym', 'subjects_search_id', 'subjects_search_site']) expect(text).toContain(index);
      await qr.rollbackTransaction();
    } finally {
      await qr.release();
    }
  });

  it("pages a round's recalls and interval cancers, agreeing with the round's counters, for its programme's readers only", async () => {
    const manager = await token('screening_manager', { programmes: [synthetic.programmeId] });
    const rounds = (await ds.query(`SELECT round_id, recalled, interval_cancers FROM read_model.screening_rounds WHERE programme_id = $1`, [
      synthetic.programmeId,
    ])) as { round_id: string; recalled: number; interval_cancers: number }[];
    expect(rounds.length).toBe(2);
    let intervalCancers = 0;
    for (const round of rounds) {
      for (const [list, fields, counter] of [
        ['screeningRecalls', 'screeningId subjectId pseudonym recalledAt recallReason assessmentOutcome', round.recalled],
        ['intervalCancers', 'reportId subjectId pseudonym diagnosedAt source stage', round.interval_cancers],
      ] as const) {
        const seen: { subjectId: string; pseudonym: string }[] = [];
        let after: string | null = null;
        for (;;) {
          const res = await gql(
            manager,
            `query($p: ID!, $r: ID!, $after: String) { ${list}(programmeId: $p, roundId: $r, first: 3, after: $after) {
              totalCount pageInfo { hasNextPage endCursor } nodes { ${fields} } } }`,
            { p: synthetic.programmeId, r: round.round_id, after },
          );
          expect(res.errors).toBeUndefined();
          expect(res.data[list].totalCount).toBe(counter);
          seen.push(...res.data[list].nodes);
          if (!res.data[list].pageInfo.hasNextPage) break;
          after = res.data[list].pageInfo.endCursor;
        }
        expect([list, seen.length]).toEqual([list, counter]);
        expect(new Set(seen.map((n) => n.subjectId)).size).toBe(counter);
        for (const n of seen) expect(n.pseudonym).toBe(subjects.find((s) => s.subject_id === n.subjectId)!.pseudonym);
        if (list === 'intervalCancers') intervalCancers += seen.length;
      }
      expect(round.recalled).toBeGreaterThan(0);
    }
    expect(intervalCancers).toBeGreaterThan(0);

    const round = rounds[0]!.round_id;
    const query = `query($p: ID!, $r: ID!) { screeningRecalls(programmeId: $p, roundId: $r) { totalCount } }`;
    // Another programme's manager, and a coordinator, are refused; the round under another programme id is empty.
    const stranger = await gql(await token('screening_manager', { programmes: ['another-programme'] }), query, { p: synthetic.programmeId, r: round });
    expect(stranger.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const coordinator = await gql(await token('coordinator', { trials: ['*'], sites: ['*'] }), query, { p: synthetic.programmeId, r: round });
    expect(coordinator.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const wide = await token('screening_manager', { programmes: ['*'] });
    expect((await gql(wide, query, { p: 'another-programme', r: round })).data.screeningRecalls.totalCount).toBe(0);
  });
});
