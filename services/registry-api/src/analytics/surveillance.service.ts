import { Inject, Injectable, Optional } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { CommandRunner } from '../commands/command-runner.js';
import { ApiError } from '../graphql/error-mapping.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import { snapshotQueryable } from '../snapshots/snapshot-source.js';
import { SnapshotQueries } from '../snapshots/snapshots.queries.js';
import { readingSql } from './analytics.reading-selection.js';
import { driftPlan, readAcquisitionStrata, readDriftPairs, stratify, type DriftInput, type DriftPair, type DriftPlan } from './surveillance-drift.dataset.js';
import { PERSONAL_DIMENSIONS, type DriftAlarm } from './surveillance-drift.statistics.js';
import { visibilityFor, visibilitySql } from './analytics.scope.js';
import { surveillanceDecider, surveillanceStreamId, type SurveillanceAlarmRaised, type SurveillanceDriftAlarmRaised } from './surveillance.decider.js';
import {
  cusumSeries,
  proportionDifference,
  rates,
  rollUp,
  SURVEILLANCE_METRICS,
  type CusumSettings,
  type SurveillanceAlarm,
  type SurveillanceCounts,
} from './surveillance.statistics.js';

export interface SurveillanceInput {
  readonly algorithmVersionId: string;
  readonly programmeIds?: readonly string[] | null;
  readonly siteIds?: readonly string[] | null;
  readonly from?: string | null;
  readonly to?: string | null;
  readonly cusum?: Partial<CusumSettings> | null;
  readonly compareWithPredecessor?: boolean | null;
  /** Quantitative drift of one biomarker the version measures, against the human reference. */
  readonly drift?: DriftInput | null;
  /** Compute over this frozen analysis snapshot's rows instead of the live read model. */
  readonly snapshotId?: string | null;
  /** Compute over what the registry knew at this time (the versions of readings recorded by then). */
  readonly asOf?: string | null;
}

export interface SurveillanceData {
  readonly cells: SurveillanceCounts[];
  readonly computedAtPosition: string | null;
  readonly snapshotId: string | null;
  readonly asOf: string | null;
  /** The paired AI/reference readings with their strata, when the input asked for drift. */
  readonly drift: { readonly plan: DriftPlan; readonly pairs: DriftPair[]; readonly personalOpened: number } | null;
  readonly fetchMs: number;
}
// Grouped by the truncated timestamp and formatted after aggregation: to_char on a million rows costs more than the scan.
// A screening holds at most one AI reading, of one version: filtering on it never mixes versions; the human reading
// is only the comparator of readerAgreementRate, never counted as the AI's.
// Reads the version's screenings (screenings_algorithm) and the interval cancers (a partial index), never the whole
// tables: the cost follows the version's readings, not the registry's size.
export const SURVEILLANCE_CELLS_SQL = `
WITH ic AS (
  SELECT DISTINCT subject_id, round_id
    FROM read_model.subject_milestones WHERE kind = 'interval_cancer' AND ($7::timestamptz IS NULL OR recorded_at <= $7)
), s AS (
  SELECT sc.site_id, date_trunc('month', sc.occurred_at AT TIME ZONE 'UTC') AS month, sc.ai_positive,
         sc.human_result = 'positive' AS human_positive,
         (coalesce(sc.assessment_outcome = 'cancer' AND ($7::timestamptz IS NULL OR sc.assessment_recorded_at <= $7), false) OR ic.subject_id IS NOT NULL) AS cancer
    FROM read_model.screenings sc
    LEFT JOIN ic ON ic.subject_id = sc.subject_id AND ic.round_id = sc.round_id
   WHERE sc.ai_algorithm_version_id = $1
     AND ($2::text[] IS NULL OR sc.programme_id = ANY($2::text[]))
     AND ($3::text[] IS NULL OR sc.programme_id = ANY($3::text[]))
     AND ($4::text[] IS NULL OR sc.site_id = ANY($4::text[]))
     AND ($5::timestamptz IS NULL OR sc.occurred_at >= $5) AND ($6::timestamptz IS NULL OR sc.occurred_at < $6)
     AND ($7::timestamptz IS NULL OR sc.recorded_at <= $7)
)
SELECT site_id, to_char(month, 'YYYY-MM') AS month, readings, ai_positive, cancers, true_positive, true_negative, reader_agreement
  FROM (SELECT site_id, month, count(*)::int AS readings,
               count(*) FILTER (WHERE ai_positive)::int AS ai_positive,
               count(*) FILTER (WHERE cancer)::int AS cancers,
               count(*) FILTER (WHERE cancer AND ai_positive)::int AS true_positive,
               count(*) FILTER (WHERE NOT cancer AND NOT ai_positive)::int AS true_negative,
               count(*) FILTER (WHERE ai_positive = human_positive)::int AS reader_agreement
          FROM s GROUP BY site_id, month) g`;

/**
 * The version's own AI outputs on measurements: the shared reading selection (analytics.reading-selection.ts) keeps
 * out semi-automatic readings that merely name the version as the tool a reader used, and every other version.
 * `$8` is asOf: the measurement versions known then (and whether they had been corrected by then).
 */
export const SURVEILLANCE_CORRECTIONS_SQL = (visibility: string, aiReadings: string) => `
SELECT coalesce(s.site_id, 'unknown') AS site_id, to_char(date_trunc('month', m.occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
       count(*)::int AS ai_measurements, count(*) FILTER (WHERE m.correction_count > 0 OR m.retracted)::int AS corrected
  FROM read_model.measurements m JOIN read_model.subjects s ON s.subject_id = m.subject_id
 WHERE ${aiReadings} AND ${visibility}
   AND (($8::timestamptz IS NULL AND m.superseded_at IS NULL)
        OR ($8::timestamptz IS NOT NULL AND m.version_recorded_at <= $8 AND (m.superseded_at IS NULL OR m.superseded_at > $8)))
   AND ($2::text[] IS NULL OR m.programme_id = ANY($2::text[]))
   AND ($3::text[] IS NULL OR s.site_id = ANY($3::text[]))
   AND ($4::timestamptz IS NULL OR m.occurred_at >= $4) AND ($5::timestamptz IS NULL OR m.occurred_at < $5)
 GROUP BY 1, 2`;

/** Per algorithm version × site × month counts from the read models, alarms in the event store. */
@Injectable()
export class SurveillanceService {
  constructor(
    private readonly db: DataSource,
    private readonly commands: CommandRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() private readonly snapshots?: SnapshotQueries,
    @Optional() private readonly privacy?: PrivacyService,
  ) {}

  async data(actor: Actor, input: SurveillanceInput, algorithmVersionId = input.algorithmVersionId): Promise<SurveillanceData> {
    const visibility = visibilityFor(actor, { programmeIds: input.programmeIds, siteIds: input.siteIds });
    // Checked before anything is read: a bad drift input fails the query with its field.
    const plan = input.drift ? driftPlan(input.drift) : null;
    if (input.snapshotId && input.asOf)
      throw new ApiError('BAD_USER_INPUT', 'give snapshotId or asOf, not both: a snapshot is already fixed at its position', 'asOf');
    const asOf = input.asOf ? new Date(input.asOf) : null;
    if (asOf && Number.isNaN(asOf.getTime())) throw new ApiError('BAD_USER_INPUT', 'asOf is not a date-time', 'asOf');
    // Drift is of a biomarker the version measures: another id is the caller's mistake, not an empty result, and is
    // refused with its field before anything is computed or, for raiseSurveillanceAlarms, appended.
    if (plan) {
      const measures = (await this.db.query(`SELECT 1 FROM read_model.algorithm_versions WHERE algorithm_version_id = $1 AND $2 = ANY(biomarker_ids)`, [
        algorithmVersionId,
        plan.input.biomarkerId,
      ])) as unknown[];
      if (measures.length === 0)
        throw new ApiError(
          'BAD_USER_INPUT',
          `algorithm version ${algorithmVersionId.slice(0, 80)} does not measure biomarker ${plan.input.biomarkerId.slice(0, 80)}`,
          'drift.biomarkerId',
        );
    }
    const snapshot = input.snapshotId ? await this.requireSnapshots().get(actor, input.snapshotId) : null;
    if (snapshot) await this.requireSnapshots().ensureRows(snapshot);
    const asOfIso = asOf?.toISOString() ?? null;
    const granted = visibility.programmes === 'all' ? null : visibility.programmes === 'none' ? [] : [...visibility.programmes];
    const params = [algorithmVersionId, granted, input.programmeIds ?? null, input.siteIds ?? null, input.from ?? null, input.to ?? null, asOfIso];
    // AI measurements of trial subjects count too, for whoever may read those trials.
    const measurementVisibility = visibilitySql('m', visibility, 6);
    const aiReadings = readingSql('m', { kind: 'algorithm', algorithmVersionId }, 1);
    const started = performance.now();
    const { screening, corrections, position, drift } = await this.db.transaction('REPEATABLE READ', async (live) => {
      const m = snapshot ? snapshotQueryable(live, snapshot.id) : live;
      const checkpoint = snapshot
        ? [{ p: snapshot.manifest.position }]
        : ((await live.query(
            `SELECT prepare_position::text AS p FROM read_model.projection_checkpoints WHERE name = 'subjects' AND live ORDER BY version DESC LIMIT 1`,
          )) as { p: string | null }[]);
      const screening = (await m.query(SURVEILLANCE_CELLS_SQL, params)) as Record<string, string | number>[];
      const corrections = (await m.query(SURVEILLANCE_CORRECTIONS_SQL(measurementVisibility.sql, aiReadings.sql), [
        ...aiReadings.params,
        input.programmeIds ?? null,
        input.siteIds ?? null,
        input.from ?? null,
        input.to ?? null,
        ...measurementVisibility.params,
        asOfIso,
      ])) as Record<string, string | number>[];
      let drift: SurveillanceData['drift'] = null;
      if (plan) {
        const filter = {
          algorithmVersionId,
          programmeIds: input.programmeIds ?? null,
          siteIds: input.siteIds ?? null,
          from: input.from ?? null,
          to: input.to ?? null,
          asOf: asOfIso,
        };
        const { pairs, siteOf } = await readDriftPairs(m, plan, filter, visibility);
        const acquisition = await readAcquisitionStrata(
          m,
          pairs.map((p) => p.studyInstanceUid),
        );
        const needsPersonal = plan.dimensions.some((d) => PERSONAL_DIMENSIONS.has(d));
        // Sex and age are sealed personal fields, opened for the aggregate only (as validationStudy's covariates).
        const personal = needsPersonal ? await this.requirePrivacy().openForAggregate([...new Set(pairs.map((p) => p.subjectId))]) : new Map();
        const personalOpened = [...personal.values()].filter((v) => v !== 'erased').length;
        drift = { plan, pairs: stratify(pairs, siteOf, acquisition, personal, plan.dimensions), personalOpened };
      }
      return { screening, corrections, position: checkpoint[0]?.p ?? null, drift };
    });
    const cells = new Map<string, SurveillanceCounts>();
    const key = (site: string, month: string) => `${site}\u0000${month}`;
    for (const r of screening) {
      const site = r['site_id'] as string;
      const month = r['month'] as string;
      cells.set(key(site, month), {
        siteId: site,
        month,
        readings: r['readings'] as number,
        aiPositive: r['ai_positive'] as number,
        cancers: r['cancers'] as number,
        truePositive: r['true_positive'] as number,
        trueNegative: r['true_negative'] as number,
        readerAgreement: r['reader_agreement'] as number,
        aiMeasurements: 0,
        correctedMeasurements: 0,
      });
    }
    for (const r of corrections) {
      const site = r['site_id'] as string;
      const month = r['month'] as string;
      const cur = cells.get(key(site, month));
      const base = cur ?? {
        siteId: site,
        month,
        readings: 0,
        aiPositive: 0,
        cancers: 0,
        truePositive: 0,
        trueNegative: 0,
        readerAgreement: 0,
        aiMeasurements: 0,
        correctedMeasurements: 0,
      };
      cells.set(key(site, month), { ...base, aiMeasurements: r['ai_measurements'] as number, correctedMeasurements: r['corrected'] as number });
    }
    const sorted = [...cells.values()].sort((a, b) => (a.siteId ?? '').localeCompare(b.siteId ?? '') || a.month.localeCompare(b.month));
    return { cells: sorted, computedAtPosition: position, snapshotId: snapshot?.id ?? null, asOf: asOfIso, drift, fetchMs: performance.now() - started };
  }

  private requireSnapshots(): SnapshotQueries {
    if (!this.snapshots) throw new Error('SurveillanceService was built without SnapshotQueries');
    return this.snapshots;
  }

  private requirePrivacy(): PrivacyService {
    if (!this.privacy) throw new Error('SurveillanceService was built without PrivacyService');
    return this.privacy;
  }

  async predecessorOf(algorithmVersionId: string): Promise<string | null> {
    const rows = (await this.db.query(`SELECT predecessor_id FROM read_model.algorithm_versions WHERE algorithm_version_id = $1`, [algorithmVersionId])) as {
      predecessor_id: string | null;
    }[];
    return rows[0]?.predecessor_id ?? null;
  }

  async alarms(algorithmVersionId: string) {
    const events = await this.store.readStream(surveillanceStreamId(algorithmVersionId));
    return events
      .filter((e) => e.type === 'SurveillanceAlarmRaised')
      .map((e) => {
        const d = e.data as unknown as SurveillanceAlarmRaised['data'];
        const meta = (e.metadata ?? {}) as Record<string, unknown>;
        return { ...d, raisedBy: (meta['actorId'] as string | undefined) ?? null, globalPosition: e.position.prepare.toString(), revision: Number(e.revision) };
      });
  }

  async driftAlarms(algorithmVersionId: string) {
    const events = await this.store.readStream(surveillanceStreamId(algorithmVersionId));
    return events
      .filter((e) => e.type === 'SurveillanceDriftAlarmRaised')
      .map((e) => {
        const d = e.data as unknown as SurveillanceDriftAlarmRaised['data'];
        const meta = (e.metadata ?? {}) as Record<string, unknown>;
        const { algorithmVersionId: version, computedAtPosition, raisedAt, ...alarm } = d;
        return {
          alarm: alarm as DriftAlarm,
          algorithmVersionId: version,
          computedAtPosition,
          raisedAt,
          raisedBy: (meta['actorId'] as string | undefined) ?? null,
          globalPosition: e.position.prepare.toString(),
        };
      });
  }

  async raise(
    actor: { readonly id: string; readonly role: string; readonly unauthenticated: boolean },
    correlationId: string,
    commandId: string,
    algorithmVersionId: string,
    alarms: readonly SurveillanceAlarm[],
    computedAtPosition: string | null,
    driftAlarms: readonly DriftAlarm[] = [],
    reason = 'CUSUM decision interval exceeded',
    /** Compared on a repeated commandId; the scheduled run gives the alarm id (its statistic may differ run to run). */
    fingerprint?: unknown,
  ) {
    if (actor.unauthenticated) throw new ApiError('UNAUTHENTICATED', 'Authentication required');
    const receipt = await this.commands.run({
      streamId: surveillanceStreamId(algorithmVersionId),
      decider: surveillanceDecider,
      command: { type: 'RaiseSurveillanceAlarms', algorithmVersionId, alarms, driftAlarms, computedAtPosition },
      origin: { commandId, actorId: actor.id, actorRole: actor.role, correlationId, reason },
      ...(fingerprint === undefined ? {} : { fingerprint }),
    });
    return {
      streamId: receipt.streamId,
      version: receipt.version,
      globalPosition: receipt.globalPosition,
      replayed: receipt.replayed,
      raisedCount: receipt.events.length,
    };
  }
}

/** Everything the query returns, computed from the counts (pure, so the plot endpoint reuses it). */
export function surveillanceReport(data: SurveillanceData, input: SurveillanceInput) {
  const settings: CusumSettings = {
    metric: input.cusum?.metric ?? 'AI_POSITIVE_RATE',
    k: input.cusum?.k ?? 0.5,
    h: input.cusum?.h ?? 4,
    expectedRate: input.cusum?.expectedRate ?? null,
    baselineMonths: input.cusum?.baselineMonths ?? 3,
  };
  if (!SURVEILLANCE_METRICS.includes(settings.metric)) throw new ApiError('BAD_USER_INPUT', `unknown metric ${settings.metric}`, 'cusum.metric');
  const { monthly, total } = rollUp(data.cells);
  const sites = [...new Set(data.cells.map((c) => c.siteId))];
  return {
    settings,
    cells: data.cells.map(rates),
    monthly: monthly.map(rates),
    total: rates(total),
    // Each series is computed lazily by the resolver so that one site's INSUFFICIENT_DATA does not hide the others.
    cusumInputs: [{ siteId: null as string | null, monthly }, ...sites.map((siteId) => ({ siteId, monthly: data.cells.filter((c) => c.siteId === siteId) }))],
    cusum: (siteId: string | null) => cusumSeries(siteId === null ? monthly : data.cells.filter((c) => c.siteId === siteId), settings, siteId),
  };
}

export function compareVersions(current: ReturnType<typeof rates>, predecessor: ReturnType<typeof rates>) {
  return {
    aiPositiveRate: proportionDifference(current.aiPositiveRate, predecessor.aiPositiveRate),
    sensitivity: proportionDifference(current.sensitivity, predecessor.sensitivity),
    specificity: proportionDifference(current.specificity, predecessor.specificity),
    readerAgreementRate: proportionDifference(current.readerAgreementRate, predecessor.readerAgreementRate),
    correctionRate: proportionDifference(current.correctionRate, predecessor.correctionRate),
  };
}
