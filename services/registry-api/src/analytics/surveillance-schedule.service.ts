import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { uuidV5 } from '#event-store';
import { APP_CONFIG, type AppConfig } from '#runtime';
import { DataSource } from 'typeorm';
import type { VerifiedActor } from '../auth/actor.js';
import { driftResult } from './surveillance-drift.dataset.js';
import type { DriftAlarm } from './surveillance-drift.statistics.js';
import type { SurveillanceAlarm } from './surveillance.statistics.js';
import { surveillanceReport, SurveillanceService } from './surveillance.service.js';

/** One scheduled run at a time across every API instance on the read-model database (pg advisory lock key). */
const SCHEDULE_LOCK = "hashtextextended('registry:surveillance-schedule', 0)";
/** Namespace of the scheduled run's command ids: one per alarm, so the same alarm window always gets the same event id. */
const SCHEDULE_NAMESPACE = '3c1f5a0e-7d2b-4e8a-9b61-0f4d2c8e7a13';
export const SCHEDULE_ACTOR_ID = 'registry:surveillance-schedule';

/**
 * The registry's own reader for the scheduled run: every programme and trial (surveillance concerns a product on the
 * market, not one study). Never a token: it exists only inside this process and only reads.
 */
const SCHEDULE_READER: VerifiedActor = {
  id: SCHEDULE_ACTOR_ID,
  role: 'regulator',
  scopes: { trials: [], programmes: [], sites: [] },
  issuer: 'registry',
  unauthenticated: false,
};

export interface ScheduledRun {
  /** False when another instance held the lock: this tick did nothing. */
  readonly ran: boolean;
  readonly versions: number;
  readonly alarmsFound: number;
  /** Events appended by this run (alarms raised before, by a user or an earlier run, append nothing). */
  readonly eventsAppended: number;
  readonly failures: readonly { readonly algorithmVersionId: string; readonly biomarkerId: string | null; readonly error: string }[];
}

/**
 * Raises post-market surveillance alarms on a schedule (SURVEILLANCE_SCHEDULE_SECONDS, default daily), not only when a
 * user calls raiseSurveillanceAlarms: for every algorithm version, the binary CUSUM of its screening readings (the
 * query's defaults) and the drift charts of each biomarker it measures against the human reference (default
 * settings, non-personal strata). Each new alarm is its own command with a command id derived from the alarm id, so
 * a repeated run, a second instance or a crash half-way appends every alarm exactly once, under the same event id.
 */
@Injectable()
export class SurveillanceScheduleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('SurveillanceSchedule');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly db: DataSource,
    private readonly surveillance: SurveillanceService,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config?.SURVEILLANCE_SCHEDULE_SECONDS ?? 0;
    if (seconds <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .then((r) => {
          if (r.ran) this.log.log(`scheduled surveillance: ${r.versions} version(s), ${r.alarmsFound} alarm(s), ${r.eventsAppended} new event(s)`);
          for (const f of r.failures)
            this.log.warn(`scheduled surveillance of ${f.algorithmVersionId}${f.biomarkerId ? ` / ${f.biomarkerId}` : ''}: ${f.error}`);
        })
        .catch((err: unknown) => this.log.error(`scheduled surveillance failed: ${(err as Error).message}`))
        .finally(() => (this.running = undefined));
    }, seconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run; skipped (ran: false) while another instance runs (the lock is held for the whole run). */
  async runOnce(): Promise<ScheduledRun> {
    return this.db.transaction(async (m) => {
      const [{ locked }] = (await m.query(`SELECT pg_try_advisory_xact_lock(${SCHEDULE_LOCK}) AS locked`)) as [{ locked: boolean }];
      if (!locked) return { ran: false, versions: 0, alarmsFound: 0, eventsAppended: 0, failures: [] };
      const versions = (await m.query(
        `SELECT v.algorithm_version_id,
                ARRAY(SELECT DISTINCT x.biomarker_id FROM read_model.measurements x
                       WHERE x.method = 'ai' AND x.algorithm_version_id = v.algorithm_version_id AND x.superseded_at IS NULL ORDER BY 1) AS biomarker_ids
           FROM read_model.algorithm_versions v ORDER BY v.algorithm_version_id`,
      )) as { algorithm_version_id: string; biomarker_ids: string[] }[];
      let alarmsFound = 0;
      let eventsAppended = 0;
      const failures: { algorithmVersionId: string; biomarkerId: string | null; error: string }[] = [];
      for (const v of versions) {
        const id = v.algorithm_version_id;
        const binary: SurveillanceAlarm[] = [];
        const drift: DriftAlarm[] = [];
        let position: string | null = null;
        try {
          const data = await this.surveillance.data(SCHEDULE_READER, { algorithmVersionId: id });
          position = data.computedAtPosition;
          const report = surveillanceReport(data, { algorithmVersionId: id });
          for (const { siteId } of report.cusumInputs) {
            try {
              binary.push(...report.cusum(siteId).alarms);
            } catch {
              // A site without readings for the metric has no chart: nothing to raise there.
            }
          }
        } catch (err) {
          failures.push({ algorithmVersionId: id, biomarkerId: null, error: (err as Error).message });
        }
        for (const biomarkerId of v.biomarker_ids) {
          try {
            const data = await this.surveillance.data(SCHEDULE_READER, { algorithmVersionId: id, drift: { biomarkerId } });
            position = data.computedAtPosition;
            if (data.drift) drift.push(...driftResult(data.drift.plan, data.drift.pairs, data.drift.personalOpened).alarms());
          } catch (err) {
            failures.push({ algorithmVersionId: id, biomarkerId, error: (err as Error).message });
          }
        }
        alarmsFound += binary.length + drift.length;
        const known = new Set([
          ...(await this.surveillance.alarms(id)).map((a) => a.alarmId),
          ...(await this.surveillance.driftAlarms(id)).map((a) => a.alarm.alarmId),
        ]);
        type Pending = { readonly alarmId: string; readonly binary: SurveillanceAlarm[]; readonly drift: DriftAlarm[] };
        const pending: Pending[] = [
          ...binary.map((a): Pending => ({ alarmId: a.alarmId, binary: [a], drift: [] })),
          ...drift.map((a): Pending => ({ alarmId: a.alarmId, binary: [], drift: [a] })),
        ];
        for (const a of pending.filter((p) => !known.has(p.alarmId))) {
          const receipt = await this.surveillance.raise(
            { id: SCHEDULE_ACTOR_ID, role: 'system', unauthenticated: false },
            randomUUID(),
            uuidV5(`${id}:${a.alarmId}`, SCHEDULE_NAMESPACE),
            id,
            a.binary,
            position,
            a.drift,
            'scheduled post-market surveillance: a CUSUM or EWMA threshold was exceeded',
            { alarmId: a.alarmId },
          );
          eventsAppended += receipt.replayed ? 0 : receipt.raisedCount;
        }
      }
      return { ran: true, versions: versions.length, alarmsFound, eventsAppended, failures };
    });
  }
}
