import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { iso } from '../read-side/connection.queries.js';
import type { TrialArmView, TrialSiteView } from './trials.queries.js';

export interface ArmSiteCount {
  armCode: string | null;
  siteId: string;
  subjects: number;
  withdrawn: number;
}

function group<T extends { trial_id: string }>(ids: readonly string[], rows: readonly T[]): T[][] {
  const by = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const r of rows) by.get(r.trial_id)?.push(r);
  return ids.map((id) => by.get(id)!);
}

/** Arms, sites and enrolment counts of many trials, one statement each; created per request. */
export class TrialLoaders {
  readonly arms: DataLoader<string, TrialArmView[]>;
  readonly sites: DataLoader<string, (TrialSiteView & { trial_id: string })[]>;
  private readonly counts = new Map<string, DataLoader<string, ArmSiteCount[]>>();

  constructor(private readonly ds: DataSource) {
    this.arms = new DataLoader(async (ids) => {
      const rows = (await ds.query(`SELECT * FROM read_model.trial_arms WHERE trial_id = ANY ($1::text[]) ORDER BY position, arm_code`, [[...ids]])) as {
        trial_id: string;
        arm_code: string;
        name: string;
        arm_type: string;
        planned_size: number;
      }[];
      return group(ids, rows).map((list) => list.map((r) => ({ code: r.arm_code, name: r.name, type: r.arm_type, plannedSize: r.planned_size })));
    });
    this.sites = new DataLoader(async (ids) => {
      const rows = (await ds.query(`SELECT * FROM read_model.trial_sites WHERE trial_id = ANY ($1::text[]) ORDER BY position, site_id`, [[...ids]])) as {
        trial_id: string;
        site_id: string;
        name: string;
        country: string | null;
        status: string;
        activated_at: Date;
        closed_at: Date | null;
      }[];
      return group(ids, rows).map((list) =>
        list.map((r) => ({
          trial_id: r.trial_id,
          id: r.site_id,
          name: r.name,
          country: r.country,
          status: r.status,
          activatedAt: iso(r.activated_at)!,
          closedAt: iso(r.closed_at),
        })),
      );
    });
  }

  /** Subjects per (arm, site) of each trial, from the subjects read model; with asOf, as recorded by then. */
  enrolment(asOf: Date | null): DataLoader<string, ArmSiteCount[]> {
    const key = asOf?.toISOString() ?? 'now';
    let loader = this.counts.get(key);
    if (!loader) {
      loader = new DataLoader(async (ids) => {
        const at = asOf?.toISOString();
        const rows = (await this.ds.query(
          at
            ? `SELECT trial_id, CASE WHEN randomised_recorded_at <= $2::timestamptz THEN arm_code END AS arm_code, site_id,
                      count(*)::int AS subjects, count(*) FILTER (WHERE withdrawn_recorded_at <= $2::timestamptz)::int AS withdrawn
                 FROM read_model.subjects WHERE trial_id = ANY ($1::text[]) AND enrolled_recorded_at <= $2::timestamptz
                GROUP BY 1, 2, 3 ORDER BY 2 NULLS FIRST, 3`
            : `SELECT trial_id, arm_code, site_id, count(*)::int AS subjects, count(*) FILTER (WHERE withdrawn_at IS NOT NULL)::int AS withdrawn
                 FROM read_model.subjects WHERE trial_id = ANY ($1::text[]) GROUP BY 1, 2, 3 ORDER BY 2 NULLS FIRST, 3`,
          at ? [[...ids], at] : [[...ids]],
        )) as { trial_id: string; arm_code: string | null; site_id: string; subjects: number; withdrawn: number }[];
        return group(ids, rows).map((list) => list.map((r) => ({ armCode: r.arm_code, siteId: r.site_id, subjects: r.subjects, withdrawn: r.withdrawn })));
      });
      this.counts.set(key, loader);
    }
    return loader;
  }
}
