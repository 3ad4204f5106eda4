import type { TrialRecord } from '#read-model';
import type { RecordedEvent } from '#event-store';
import type { TrialEvent } from '#domain';
import type { EntityManager } from 'typeorm';
import type { Projection, ProjectionTarget } from './projection.js';
import { isoTime, loadRows, upsertRows } from './sql.js';
import { columnsOf, TrialArmRow, TrialRow, TrialSiteRow } from '#read-model';

interface SiteRecord {
  trial_id: string;
  site_id: string;
  name: string;
  country: string | null;
  status: string;
  activated_at: string;
  closed_at: string | null;
  close_reason: string | null;
  position: string;
}

const TRIAL_COLUMNS = columnsOf(TrialRow);
const ARM_COLUMNS = columnsOf(TrialArmRow);
const SITE_COLUMNS = columnsOf(TrialSiteRow);

/**
 * Trials with arms, sites, visit schedule, enrolment status and lock state. Enrolment counts per arm and site
 * are not kept here: they are aggregated from the subjects read model, so there is one source for them.
 */
export class TrialsProjection implements Projection {
  readonly name = 'trials';
  readonly version = 1;
  readonly filter = { streamCategories: ['trial'] };
  readonly tables = ['trials', 'trial_arms', 'trial_sites'];

  async apply(events: readonly RecordedEvent[], manager: EntityManager, { schema }: ProjectionTarget): Promise<void> {
    const relevant = events.filter((e) => e.streamId.startsWith('trial-'));
    if (relevant.length === 0) return;
    const ids = [...new Set(relevant.map((e) => (e.data as { trialId: string }).trialId))];
    const trials = new Map((await loadRows<TrialRecord<string>>(manager, `${schema}.trials`, 'trial_id', ids)).map((r) => [r.trial_id, r]));
    const sites = new Map((await loadRows<SiteRecord>(manager, `${schema}.trial_sites`, 'trial_id', ids)).map((r) => [`${r.trial_id}\u0000${r.site_id}`, r]));
    const changedTrials = new Map<string, TrialRecord<string>>();
    const changedSites = new Map<string, SiteRecord>();
    const arms: object[] = [];

    for (const e of relevant) {
      const ev = { type: e.type, data: e.data } as unknown as TrialEvent;
      const id = ev.data.trialId;
      const current = trials.get(id);
      if (current && BigInt(current.last_revision) >= e.revision) continue;
      const at = isoTime(e.recordedAt);
      const position = e.position.prepare.toString();
      let next: TrialRecord<string> | undefined = current;
      switch (ev.type) {
        case 'TrialRegistered': {
          const d = ev.data;
          next = {
            trial_id: id,
            title: d.title,
            phase: d.phase,
            sponsor: d.sponsor,
            primary_endpoint: d.primaryEndpoint,
            identifiers: d.identifiers,
            status: 'registered',
            locked: false,
            lock_reason: null,
            locked_at: null,
            schedule_version: null,
            schedule: [],
            registered_at: isoTime(d.registeredAt),
            position,
            last_revision: '',
            updated_at: at,
          };
          break;
        }
        case 'TrialArmAdded':
          arms.push({ trial_id: id, arm_code: ev.data.armCode, name: ev.data.name, arm_type: ev.data.armType, planned_size: ev.data.plannedSize, position });
          break;
        case 'TrialSiteActivated': {
          const key = `${id}\u0000${ev.data.siteId}`;
          const site: SiteRecord = {
            trial_id: id,
            site_id: ev.data.siteId,
            name: ev.data.name,
            country: ev.data.country,
            status: 'active',
            activated_at: isoTime(ev.data.activatedAt),
            closed_at: null,
            close_reason: null,
            position: sites.get(key)?.position ?? position,
          };
          sites.set(key, site);
          changedSites.set(key, site);
          break;
        }
        case 'TrialSiteClosed': {
          const key = `${id}\u0000${ev.data.siteId}`;
          const site = sites.get(key);
          if (site) {
            const closed = { ...site, status: 'closed', closed_at: isoTime(ev.data.closedAt), close_reason: ev.data.reason };
            sites.set(key, closed);
            changedSites.set(key, closed);
          }
          break;
        }
        case 'VisitScheduleDefined':
          if (next) next = { ...next, schedule_version: ev.data.scheduleVersion, schedule: ev.data.timePoints };
          break;
        case 'EnrolmentOpened':
          if (next) next = { ...next, status: 'enrolment_open' };
          break;
        case 'EnrolmentClosed':
          if (next) next = { ...next, status: 'enrolment_closed' };
          break;
        // `locked` is the lock of the whole trial (soft or hard); locks of sites and subjects are read from the stream
        // (the Trial type's `locks` field), so they leave these columns alone.
        case 'TrialLocked':
          if ((ev.data.scope ?? 'trial') !== 'trial') break;
          if (next) next = { ...next, locked: true, lock_reason: ev.data.reason, locked_at: isoTime(ev.data.lockedAt) };
          break;
        case 'TrialUnlocked':
          if ((ev.data.scope ?? 'trial') !== 'trial') break;
          if (next) next = { ...next, locked: false, lock_reason: ev.data.reason, locked_at: null };
          break;
        case 'UnblindingRecorded':
          break;
      }
      if (!next) continue;
      next = { ...next, last_revision: e.revision.toString(), updated_at: at };
      trials.set(id, next);
      changedTrials.set(id, next);
    }
    await upsertRows(manager, `${schema}.trials`, [...changedTrials.values()], ['trial_id'], TRIAL_COLUMNS);
    await upsertRows(manager, `${schema}.trial_arms`, arms, ['trial_id', 'arm_code'], ARM_COLUMNS, 'nothing');
    await upsertRows(manager, `${schema}.trial_sites`, [...changedSites.values()], ['trial_id', 'site_id'], SITE_COLUMNS);
  }
}
