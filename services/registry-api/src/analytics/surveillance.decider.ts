import { PersistentMap, type CommandMeta, type Decider, type DomainEvent } from '#domain';
import type { DriftAlarm } from './surveillance-drift.statistics.js';
import type { SurveillanceAlarm } from './surveillance.statistics.js';

/**
 * Post-market surveillance alarms (EU AI Act Art. 72, MDR Art. 88) are events in `surveillance-<algorithmVersionId>`,
 * so they sit in the audited log with who raised them and when. An alarm is identified by metric, site, month,
 * direction and the CUSUM settings: raising the same alarm again appends nothing.
 */
export type SurveillanceAlarmRaised = DomainEvent<
  'SurveillanceAlarmRaised',
  SurveillanceAlarm & { readonly algorithmVersionId: string; readonly computedAtPosition: string | null; readonly raisedAt: string }
>;
/** A drift alarm of a quantitative output (surveillance-drift.statistics.ts), in the same stream, deduplicated alike. */
export type SurveillanceDriftAlarmRaised = DomainEvent<
  'SurveillanceDriftAlarmRaised',
  DriftAlarm & { readonly algorithmVersionId: string; readonly computedAtPosition: string | null; readonly raisedAt: string }
>;
export type SurveillanceEvent = SurveillanceAlarmRaised | SurveillanceDriftAlarmRaised;

export interface RaiseSurveillanceAlarms {
  readonly type: 'RaiseSurveillanceAlarms';
  readonly algorithmVersionId: string;
  readonly alarms: readonly SurveillanceAlarm[];
  readonly driftAlarms?: readonly DriftAlarm[];
  readonly computedAtPosition: string | null;
}

export interface SurveillanceState {
  /** Alarm ids raised so far (values are `true`): persistent, so raising one does not copy the others. */
  readonly raised: PersistentMap<true>;
}

export const surveillanceStreamId = (algorithmVersionId: string): string => `surveillance-${algorithmVersionId}`;

export const surveillanceDecider: Decider<RaiseSurveillanceAlarms, SurveillanceEvent, SurveillanceState, CommandMeta> = {
  initialState: { raised: PersistentMap.empty() },
  evolve(state, event) {
    return { raised: state.raised.set(event.data.alarmId, true) };
  },
  foldVersion: 'surveillance/3',
  decide(command, state, meta) {
    const seen = new Set<string>();
    const events: SurveillanceEvent[] = [];
    for (const alarm of command.alarms) {
      if (state.raised.has(alarm.alarmId) || seen.has(alarm.alarmId)) continue;
      seen.add(alarm.alarmId);
      events.push({
        type: 'SurveillanceAlarmRaised',
        data: { ...alarm, algorithmVersionId: command.algorithmVersionId, computedAtPosition: command.computedAtPosition, raisedAt: meta.now.toISOString() },
      });
    }
    for (const alarm of command.driftAlarms ?? []) {
      if (state.raised.has(alarm.alarmId) || seen.has(alarm.alarmId)) continue;
      seen.add(alarm.alarmId);
      events.push({
        type: 'SurveillanceDriftAlarmRaised',
        data: { ...alarm, algorithmVersionId: command.algorithmVersionId, computedAtPosition: command.computedAtPosition, raisedAt: meta.now.toISOString() },
      });
    }
    return events;
  },
};
