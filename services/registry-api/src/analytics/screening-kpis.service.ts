import { Injectable } from '@nestjs/common';
import type { KpiTarget } from '#domain';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { ApiError } from '../graphql/error-mapping.js';
import { visibilityFor } from './analytics.scope.js';
import { add, kpis, ZERO, type KpiCounts, type RoundType } from './screening-kpis.statistics.js';
import { snapshotQueryable } from '../snapshots/snapshot-source.js';
import { SnapshotQueries } from '../snapshots/snapshots.queries.js';

export interface ScreeningKpiInput {
  readonly programmeId: string;
  readonly siteIds?: readonly string[] | null;
  readonly bySite?: boolean | null;
  /** Count over this frozen analysis snapshot (of this programme) instead of the live read model. */
  readonly snapshotId?: string | null;
}

interface RoundInfo {
  readonly roundId: string;
  readonly name: string | null;
  readonly roundNumber: number | null;
}

export interface KpiCell {
  readonly roundId: string;
  readonly siteId: string;
  readonly counts: KpiCounts;
}

export interface KpiData {
  readonly programme: { programmeId: string; name: string; kpiTargets: KpiTarget[] };
  readonly rounds: RoundInfo[];
  readonly invited: Map<string, number>;
  readonly cells: KpiCell[];
  readonly computedAtPosition: string | null;
  /** The snapshot the counts come from, when the input named one (then computedAtPosition is its data cut). */
  readonly snapshotId: string | null;
  readonly fetchMs: number;
}

// Both sides read one programme's rows only, from indexes that hold every column used here (migration
// 1765300000000): the cost follows the programme's size, not the registry's. The milestones' programme_id and
// round_id columns are the invitation's round and the round an interval cancer followed (precedingRoundId).
const CELLS_SQL = `
WITH ic AS (
  SELECT ms.subject_id, ms.round_id, min(ms.occurred_at) AS diagnosed_at
    FROM read_model.subject_milestones ms
   WHERE ms.kind = 'interval_cancer' AND ms.programme_id = $1
   GROUP BY 1, 2
)
SELECT sc.round_id, sc.site_id, count(*)::int AS screened,
       count(*) FILTER (WHERE sc.recalled_at IS NOT NULL)::int AS recalled,
       count(*) FILTER (WHERE sc.assessment_outcome = 'cancer')::int AS screen_detected,
       count(*) FILTER (WHERE sc.assessment_outcome IS DISTINCT FROM 'cancer' AND ic.diagnosed_at < sc.occurred_at + interval '12 months')::int AS ic_0_11,
       count(*) FILTER (WHERE sc.assessment_outcome IS DISTINCT FROM 'cancer' AND ic.diagnosed_at >= sc.occurred_at + interval '12 months'
                          AND ic.diagnosed_at < sc.occurred_at + interval '24 months')::int AS ic_12_23
  FROM read_model.screenings sc
  LEFT JOIN ic ON ic.subject_id = sc.subject_id AND ic.round_id = sc.round_id
 WHERE sc.programme_id = $1 AND ($2::text[] IS NULL OR sc.site_id = ANY($2::text[]))
 GROUP BY sc.round_id, sc.site_id`;

// Distinct participants invited per round: an index-only walk over the programme's invitations in (round, subject) order.
const INVITED_SQL = `SELECT round_id, count(DISTINCT subject_id)::int AS invited FROM read_model.subject_milestones
  WHERE kind = 'invited' AND programme_id = $1 GROUP BY 1`;

/** The statements that read the large tables (their plans are checked in screening-kpis.service.int.spec.ts). */
export const KPI_STATEMENTS = { invited: INVITED_SQL, cells: CELLS_SQL } as const;

@Injectable()
export class ScreeningKpiService {
  constructor(
    private readonly db: DataSource,
    private readonly snapshots: SnapshotQueries,
  ) {}

  async data(actor: Actor, input: ScreeningKpiInput): Promise<KpiData> {
    visibilityFor(actor, { programmeIds: [input.programmeId], siteIds: input.siteIds });
    // Over a snapshot: one of this programme, which the caller may read; the same statements over its kept rows.
    const snapshot = input.snapshotId ? await this.snapshots.get(actor, input.snapshotId) : null;
    if (snapshot && (snapshot.scope.kind !== 'programme' || snapshot.scope.programmeId !== input.programmeId)) {
      throw new ApiError('SNAPSHOT_SCOPE_MISMATCH', `snapshot ${snapshot.id} is not a snapshot of programme ${input.programmeId}`, 'snapshotId');
    }
    if (snapshot) await this.snapshots.ensureRows(snapshot);
    const started = performance.now();
    const result = await this.db.transaction('REPEATABLE READ', async (live) => {
      const m = snapshot ? snapshotQueryable(live, snapshot.id) : live;
      const programme = (await m.query(`SELECT programme_id, name, kpi_targets FROM read_model.screening_programmes WHERE programme_id = $1`, [
        input.programmeId,
      ])) as {
        programme_id: string;
        name: string;
        kpi_targets: KpiTarget[];
      }[];
      const rounds = (await m.query(
        `SELECT round_id, name, round_number FROM read_model.screening_rounds WHERE programme_id = $1 ORDER BY round_number NULLS LAST, round_id`,
        [input.programmeId],
      )) as {
        round_id: string;
        name: string | null;
        round_number: number | null;
      }[];
      const invited = (await m.query(INVITED_SQL, [input.programmeId])) as { round_id: string; invited: number }[];
      const cells = (await m.query(CELLS_SQL, [input.programmeId, input.siteIds ?? null])) as Record<string, string | number>[];
      const checkpoint = snapshot
        ? [{ p: snapshot.manifest.position }]
        : ((await live.query(
            `SELECT prepare_position::text AS p FROM read_model.projection_checkpoints WHERE name = 'subjects' AND live ORDER BY version DESC LIMIT 1`,
          )) as { p: string | null }[]);
      return { programme, rounds, invited, cells, position: checkpoint[0]?.p ?? null };
    });
    const p = result.programme[0];
    if (!p) throw new ApiError('NOT_FOUND', `programme ${input.programmeId} is not in the registry`, 'programmeId');
    return {
      programme: { programmeId: p.programme_id, name: p.name, kpiTargets: p.kpi_targets ?? [] },
      rounds: result.rounds.map((r) => ({ roundId: r.round_id, name: r.name, roundNumber: r.round_number })),
      invited: new Map(result.invited.map((r) => [r.round_id, r.invited])),
      cells: result.cells.map((r) => ({
        roundId: r['round_id'] as string,
        siteId: r['site_id'] as string,
        counts: {
          invited: null,
          screened: r['screened'] as number,
          recalled: r['recalled'] as number,
          screenDetected: r['screen_detected'] as number,
          interval0to11: r['ic_0_11'] as number,
          interval12to23: r['ic_12_23'] as number,
        },
      })),
      computedAtPosition: result.position,
      snapshotId: snapshot?.id ?? null,
      fetchMs: performance.now() - started,
    };
  }
}

export interface KpiGroup {
  readonly roundType: RoundType;
  readonly roundId: string | null;
  readonly roundName: string | null;
  readonly roundNumber: number | null;
  readonly siteId: string | null;
  readonly counts: KpiCounts;
  readonly kpis: ReturnType<typeof kpis>;
}

/** Per round, first vs subsequent rounds and overall (all sites), and the same per site when asked. */
export function kpiGroups(data: KpiData, bySite: boolean): KpiGroup[] {
  const known = new Map(data.rounds.map((r) => [r.roundId, r]));
  const roundIds = [...new Set([...data.rounds.map((r) => r.roundId), ...data.cells.map((c) => c.roundId)])];
  const typeOf = (roundId: string): RoundType => ((known.get(roundId)?.roundNumber ?? 2) === 1 ? 'FIRST' : 'SUBSEQUENT');
  const sites = [...new Set(data.cells.map((c) => c.siteId))].sort();
  const sum = (cells: readonly KpiCell[], invited: number | null): KpiCounts => ({
    ...cells.reduce<KpiCounts>((a, c) => add(a, c.counts), { ...ZERO, invited: null }),
    invited,
  });
  const groups: KpiGroup[] = [];
  const push = (roundType: RoundType, roundId: string | null, siteId: string | null, counts: KpiCounts) => {
    const r = roundId ? known.get(roundId) : undefined;
    groups.push({
      roundType,
      roundId,
      roundName: r?.name ?? null,
      roundNumber: r?.roundNumber ?? null,
      siteId,
      counts,
      kpis: kpis(counts, data.programme.kpiTargets, roundType),
    });
  };
  const invitedOf = (ids: readonly string[]) => ids.reduce((a, id) => a + (data.invited.get(id) ?? 0), 0);
  for (const siteId of [null, ...(bySite ? sites : [])]) {
    const inSite = data.cells.filter((c) => siteId === null || c.siteId === siteId);
    const invited = (ids: readonly string[]) => (siteId === null ? invitedOf(ids) : null);
    for (const roundId of roundIds)
      push(
        typeOf(roundId),
        roundId,
        siteId,
        sum(
          inSite.filter((c) => c.roundId === roundId),
          invited([roundId]),
        ),
      );
    for (const type of ['FIRST', 'SUBSEQUENT'] as const) {
      const ids = roundIds.filter((id) => typeOf(id) === type);
      push(
        type,
        null,
        siteId,
        sum(
          inSite.filter((c) => ids.includes(c.roundId)),
          invited(ids),
        ),
      );
    }
    push('ALL', null, siteId, sum(inSite, invited(roundIds)));
  }
  return groups;
}
