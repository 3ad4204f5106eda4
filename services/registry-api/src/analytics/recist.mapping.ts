import type { MeasurementResult, NewLesionRecord, NonTargetStatus, RecistInput, RecistLesion, RecistTimePoint, SubjectEvent } from '#domain';

const NON_TARGET_STATES: readonly NonTargetStatus[] = ['PRESENT', 'ABSENT', 'UNEQUIVOCAL_PROGRESSION', 'NOT_EVALUATED'];
const NODAL = /lymph|node|nodal/i;

interface LesionMeasurement {
  readonly measurementId: string;
  readonly timePoint: string;
  readonly date: string;
  readonly trackingUid: string;
  readonly findingSite: string | null;
  readonly role: 'target' | 'non_target' | 'new';
  result: MeasurementResult;
  retracted: boolean;
  accepted: boolean | null;
}

/** A subject's trial facts and its lesion measurements (current values) as the RECIST engine wants them. */
export interface RecistSource {
  readonly subjectId: string;
  readonly trialId: string | null;
  readonly siteId: string | null;
  readonly programmeId: string | null;
  readonly input: RecistInput | null;
}

/**
 * Folds a subject's events into the engine's input: lesions from their baseline role (target / non_target →
 * TARGET / NON_TARGET; `new` lesions are new-lesion records at the time point they appear), the current value of
 * each measurement (corrections applied, retracted and not-accepted readings dropped), time points in date order.
 * Non-target status comes from a categorical result (PRESENT, ABSENT, UNEQUIVOCAL_PROGRESSION) or, for a value,
 * 0 mm = ABSENT and a node under 10 mm short axis = ABSENT. A categorical "EQUIVOCAL" marks an equivocal new lesion.
 */
export function recistSource(subjectId: string, events: readonly SubjectEvent[]): RecistSource {
  let trialId: string | null = null;
  let siteId: string | null = null;
  let programmeId: string | null = null;
  const byId = new Map<string, LesionMeasurement>();
  for (const e of events) {
    switch (e.type) {
      case 'SubjectEnrolled':
        trialId = e.data.trialId;
        siteId = e.data.siteId;
        break;
      case 'ParticipantInvited':
        programmeId = e.data.programmeId;
        break;
      case 'MeasurementRecorded': {
        const d = e.data;
        if (!d.lesion) break;
        byId.set(d.measurementId, {
          measurementId: d.measurementId,
          timePoint: d.timePoint,
          date: d.occurredAt.slice(0, 10),
          trackingUid: d.lesion.trackingUid,
          findingSite: d.lesion.findingSite,
          role: d.lesion.role,
          result: d.result,
          retracted: false,
          accepted: null,
        });
        break;
      }
      case 'MeasurementCorrected': {
        const m = byId.get(e.data.measurementId);
        if (m) m.result = e.data.result;
        break;
      }
      case 'MeasurementRetracted': {
        const m = byId.get(e.data.measurementId);
        if (m) m.retracted = true;
        break;
      }
      case 'MeasurementReadingAccepted': {
        const m = byId.get(e.data.measurementId);
        if (m) m.accepted = true;
        for (const alt of e.data.alternativeMeasurementIds) {
          const a = byId.get(alt);
          if (a) a.accepted = false;
        }
        break;
      }
      default:
        break;
    }
  }
  const measurements = [...byId.values()].filter((m) => !m.retracted && m.accepted !== false);
  if (measurements.length === 0) return { subjectId, trialId, siteId, programmeId, input: null };

  // Time points in order of their (earliest) scan date; the first is the baseline.
  const dates = new Map<string, string>();
  for (const m of measurements) if (!dates.has(m.timePoint) || m.date < (dates.get(m.timePoint) as string)) dates.set(m.timePoint, m.date);
  const order = [...dates.entries()].sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]));
  const baseline = order[0]?.[0];
  const lesions = new Map<string, RecistLesion>();
  for (const m of measurements) {
    if (m.timePoint !== baseline || m.role === 'new' || lesions.has(m.trackingUid)) continue;
    const site = m.findingSite ?? 'unspecified';
    lesions.set(m.trackingUid, { id: m.trackingUid, organ: site, nodal: NODAL.test(site), role: m.role === 'target' ? 'TARGET' : 'NON_TARGET' });
  }
  const timePoints: RecistTimePoint[] = order.map(([visit, date]) => {
    const targets: Record<string, number | null> = {};
    const nonTargets: Record<string, NonTargetStatus> = {};
    const newLesions: NewLesionRecord[] = [];
    for (const m of measurements.filter((x) => x.timePoint === visit)) {
      const lesion = lesions.get(m.trackingUid);
      if (m.role === 'new' || !lesion) {
        if (visit !== baseline) newLesions.push({ id: m.trackingUid, equivocal: m.result.kind === 'categorical' && m.result.category.toUpperCase() === 'EQUIVOCAL' });
        continue;
      }
      if (lesion.role === 'TARGET') targets[m.trackingUid] = m.result.kind === 'quantitative' ? m.result.value : null;
      else nonTargets[m.trackingUid] = nonTargetStatus(m.result, lesion.nodal);
    }
    return { visit, date, targets, nonTargets, newLesions };
  });
  return { subjectId, trialId, siteId, programmeId, input: { subjectId, lesions: [...lesions.values()], timePoints } };
}

function nonTargetStatus(r: MeasurementResult, nodal: boolean): NonTargetStatus {
  if (r.kind === 'categorical') {
    const c = r.category.toUpperCase().replace(/[\s-]+/g, '_') as NonTargetStatus;
    return NON_TARGET_STATES.includes(c) ? c : 'NOT_EVALUATED';
  }
  if (r.value === 0 || (nodal && r.value < 10)) return 'ABSENT';
  return 'PRESENT';
}
