import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { ApiError } from '../graphql/error-mapping.js';
import { driftResult, type DriftResult } from './surveillance-drift.dataset.js';
import { surveillanceReport, SurveillanceService } from './surveillance.service.js';
import { add, EMPTY, rates } from './surveillance.statistics.js';

/** What the report says about actions while the registry keeps no acknowledgement of alarms (stated, not implied). */
export const NO_ACTIONS_RECORDED =
  'None recorded: the registry keeps no acknowledgement or corrective-action record for surveillance alarms. ' +
  'Actions taken on the alarms listed (field safety corrective actions, vigilance reports) must be documented outside the registry.';

/** Whether an alarm's window (YYYY-MM) overlaps [from, to). */
function monthInPeriod(month: string, from: Date, to: Date): boolean {
  const start = Date.parse(`${month}-01T00:00:00Z`);
  if (Number.isNaN(start)) return false;
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + 1);
  return start < to.getTime() && end.getTime() > from.getTime();
}

export function surveillanceReportUrl(algorithmVersionId: string, from: string, to: string): string {
  const q = new URLSearchParams({ algorithmVersionId, from, to });
  return `/plots/surveillance-report?${q.toString()}`;
}

/**
 * The periodic safety update report of one algorithm version (MDR Art. 86; AI Act Art. 72 post-market monitoring):
 * computed from the same services as algorithmSurveillance, within the caller's grants, for [from, to).
 */
@Injectable()
export class SurveillanceReportService {
  constructor(
    private readonly db: DataSource,
    private readonly surveillance: SurveillanceService,
  ) {}

  async report(actor: Actor, algorithmVersionId: string, fromText: string, toText: string, now = new Date()) {
    const from = new Date(fromText);
    const to = new Date(toText);
    if (Number.isNaN(from.getTime())) throw new ApiError('BAD_USER_INPUT', 'from is not a date-time', 'from');
    if (Number.isNaN(to.getTime())) throw new ApiError('BAD_USER_INPUT', 'to is not a date-time', 'to');
    if (!(from < to)) throw new ApiError('BAD_USER_INPUT', 'the period must end after it starts (from < to)', 'to');
    const [version] = (await this.db.query(
      `SELECT manufacturer, name, version, intended_use, status, predecessor_id, biomarker_ids FROM read_model.algorithm_versions WHERE algorithm_version_id = $1`,
      [algorithmVersionId],
    )) as {
      manufacturer: string;
      name: string;
      version: string;
      intended_use: string;
      status: string;
      predecessor_id: string | null;
      biomarker_ids: string[];
    }[];
    if (!version) throw new ApiError('NOT_FOUND', `no algorithm version ${algorithmVersionId}`, 'algorithmVersionId');
    const period = { algorithmVersionId, from: from.toISOString(), to: to.toISOString() };
    const data = await this.surveillance.data(actor, period);
    const binary = surveillanceReport(data, period);
    const drift: (DriftResult | Error)[] = [];
    for (const biomarkerId of [...new Set(version.biomarker_ids)].sort()) {
      try {
        const d = await this.surveillance.data(actor, { ...period, drift: { biomarkerId } });
        drift.push(driftResult(d.drift!.plan, d.drift!.pairs, d.drift!.personalOpened));
      } catch (err) {
        drift.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    const alarms = (await this.surveillance.alarms(algorithmVersionId)).filter((a) => monthInPeriod(a.month, from, to));
    const driftAlarms = (await this.surveillance.driftAlarms(algorithmVersionId)).filter((a) => monthInPeriod(a.alarm.month, from, to));
    const sites = new Set(data.cells.filter((c) => c.readings > 0 || c.aiMeasurements > 0).map((c) => c.siteId));
    return {
      algorithmVersionId,
      algorithm: {
        manufacturer: version.manufacturer,
        name: version.name,
        version: version.version,
        intendedUse: version.intended_use,
        status: version.status,
        predecessorId: version.predecessor_id,
      },
      from: period.from,
      to: period.to,
      generatedAt: now.toISOString(),
      computedAtPosition: data.computedAtPosition,
      use: {
        screeningReadings: binary.total.readings,
        aiMeasurements: binary.total.aiMeasurements,
        sites: sites.size,
        monthly: binary.monthly.map((m) => ({ month: m.month, screeningReadings: m.readings, aiMeasurements: m.aiMeasurements })),
      },
      total: binary.total,
      perSite: [...new Set(data.cells.map((c) => c.siteId))].map((siteId) =>
        rates(data.cells.filter((c) => c.siteId === siteId).reduce((acc, c) => add(acc, c, siteId, 'all'), EMPTY(siteId, 'all'))),
      ),
      binaryCusum: binary.cusum,
      drift,
      alarms,
      driftAlarms,
      actions: NO_ACTIONS_RECORDED,
      htmlUrl: surveillanceReportUrl(algorithmVersionId, period.from, period.to),
    };
  }
}

export type SurveillanceReport = Awaited<ReturnType<SurveillanceReportService['report']>>;
