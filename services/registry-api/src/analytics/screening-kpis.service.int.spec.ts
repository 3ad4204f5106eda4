import { describe, expect, it } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import { fillAnalytics, type FillIds } from '../../../../test/bench/analytics/analytics-fill.js';
import { useTestDataSource } from '../../../../test/support/test-data-source.js';
import type { VerifiedActor } from '../auth/actor.js';
import { KPI_STATEMENTS, kpiGroups, ScreeningKpiService, type KpiData } from './screening-kpis.service.js';
import { readingSql } from './analytics.reading-selection.js';
import { visibilityFor, visibilitySql } from './analytics.scope.js';
import { SURVEILLANCE_CELLS_SQL, SURVEILLANCE_CORRECTIONS_SQL } from './surveillance.service.js';

// Issue 14: one programme's KPIs read that programme's rows only. Correctness here (another programme's data changes
// nothing), and that every read of the large tables (screenings, milestones, measurements) is an index range; the timing is test/bench/scale/kpis.bench.ts.

const manager = (programmeId: string): VerifiedActor => ({
  id: 'manager-1',
  role: 'screening_manager',
  scopes: { trials: [], programmes: [programmeId], sites: [] },
  issuer: 'test',
  unauthenticated: false,
});

/** The answer without its timing; the cells (per round and site, unordered from SQL) in one order. */
const answer = (d: KpiData) => ({
  ...d,
  fetchMs: 0,
  cells: [...d.cells].sort((x, y) => x.roundId.localeCompare(y.roundId) || x.siteId.localeCompare(y.siteId)),
  groups: kpiGroups(d, true),
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan that reads `screenings`, `subject_milestones` or `measurements`, as "node type using index (cond)". */
function largeTableReads(node: PlanNode, out: string[] = []): string[] {
  const large = ['screenings', 'subject_milestones', 'measurements'];
  if (node['Relation Name'] && large.includes(node['Relation Name'])) {
    out.push(`${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}${node['Index Cond'] ? ' (range)' : ''}`);
  }
  if (node['Node Type'] === 'Bitmap Index Scan') out.push(`Bitmap Index Scan using ${node['Index Name']}${node['Index Cond'] ? ' (range)' : ''}`);
  for (const child of node.Plans ?? []) largeTableReads(child, out);
  return out;
}

async function plan(m: EntityManager, sql: string, params: unknown[]): Promise<string[]> {
  const [row] = (await m.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)) as { 'QUERY PLAN': { Plan: PlanNode }[] }[];
  return largeTableReads(row!['QUERY PLAN'][0]!.Plan);
}

describe('screening KPIs of one programme', () => {
  const database = useTestDataSource();
  const query = (sql: string, params?: unknown[]) => database.ds.query(sql, params);
  let a: FillIds;

  it('are the same whether or not another programme has data', async () => {
    const service = new ScreeningKpiService(database.ds, undefined as never);
    a = await fillAnalytics(query, { prefix: 'A', subjects: 300, readings: 4000, invitations: true, checkpoint: true, seed: 0.1 });
    const inputs = [
      { programmeId: a.programmeId, bySite: true },
      { programmeId: a.programmeId, siteIds: ['SITE-1', 'SITE-4'] },
    ];
    const before = await Promise.all(inputs.map(async (input) => answer(await service.data(manager(a.programmeId), input))));

    // Programme B: three times the screenings, its own invitations and interval cancers, the same site names.
    const b = await fillAnalytics(query, { prefix: 'B', subjects: 900, readings: 12000, invitations: true, seed: 0.5 });
    const after = await Promise.all(inputs.map(async (input) => answer(await service.data(manager(a.programmeId), input))));
    expect(after).toEqual(before);

    // The answer is not trivially empty: every screening, invitation and some interval cancers of A are counted.
    const all = before[0]!.groups.find((g) => g.roundType === 'ALL' && g.siteId === null)!;
    expect(all.counts).toMatchObject({ screened: 4000, invited: 5000 });
    expect(all.counts.interval0to11 + all.counts.interval12to23).toBeGreaterThan(0);
    const others = answer(await service.data(manager(b.programmeId), { programmeId: b.programmeId }));
    expect(others.groups.find((g) => g.roundType === 'ALL' && g.siteId === null)!.counts).toMatchObject({ screened: 12000, invited: 15000 });
  });

  it('read the large tables only through index ranges of the programme or algorithm version (no whole-table scan)', async () => {
    // Surveillance as a regulator (sees every programme and trial): the widest visibility.
    const regulator: VerifiedActor = {
      id: 'regulator-1',
      role: 'regulator',
      scopes: { trials: [], programmes: [], sites: [] },
      issuer: 'test',
      unauthenticated: false,
    };
    const visibility = visibilitySql('m', visibilityFor(regulator, {}), 6);
    const readings = readingSql('m', { kind: 'algorithm', algorithmVersionId: a.algorithmV2 }, 1);
    await database.ds.transaction(async (m) => {
      // With sequential scans priced out the planner takes any index that can serve; a statement no index serves
      // still shows a Seq Scan (or a full index scan without a range), whatever the table sizes of a test.
      await m.query(`SET LOCAL enable_seqscan = off`);
      const reads = {
        cells: await plan(m, KPI_STATEMENTS.cells, [a.programmeId, null]),
        cellsOfSites: await plan(m, KPI_STATEMENTS.cells, [a.programmeId, ['SITE-1']]),
        invited: await plan(m, KPI_STATEMENTS.invited, [a.programmeId]),
        surveillance: await plan(m, SURVEILLANCE_CELLS_SQL, [a.algorithmV2, null, null, null, null, null, null]),
        corrections: await plan(m, SURVEILLANCE_CORRECTIONS_SQL(visibility.sql, readings.sql), [
          ...readings.params,
          null,
          null,
          null,
          null,
          ...visibility.params,
          null,
        ]),
      };
      const ranges = /^(Index Scan|Index Only Scan|Bitmap Heap Scan|Bitmap Index Scan using \w+ \(range\))/;
      for (const [name, nodes] of Object.entries(reads)) {
        expect({ name, nodes: nodes.filter((n) => n.startsWith('Seq Scan')) }).toEqual({ name, nodes: [] });
        // An index scan without a range reads the whole index: allowed only on the partial index of interval
        // cancers (a small fraction of the registry; surveillance joins every programme's).
        const whole = nodes.filter(
          (n) => !n.startsWith('Bitmap Heap Scan') && !n.endsWith('(range)') && !n.includes('using subject_milestones_interval_cancer'),
        );
        expect({ name, whole }).toEqual({ name, whole: [] });
        expect(nodes.every((n) => ranges.test(n))).toBe(true);
      }
      // Index-only once autovacuum has marked the pages all-visible; a fresh test table may still be read through the heap.
      expect(reads.cells.some((n) => /^(Index Scan|Index Only Scan|Bitmap Index Scan) using screenings_programme \(range\)$/.test(n))).toBe(true);
      expect(reads.invited.some((n) => /^(Index Scan|Index Only Scan|Bitmap Index Scan) using subject_milestones_invited \(range\)$/.test(n))).toBe(true);
      expect(reads.surveillance.some((n) => /^(Index Scan|Index Only Scan|Bitmap Index Scan) using screenings_algorithm \(range\)$/.test(n))).toBe(true);
      expect(reads.corrections.some((n) => /^(Index Scan|Index Only Scan|Bitmap Index Scan) using measurements_algorithm \(range\)$/.test(n))).toBe(true);
    });
  });
});
