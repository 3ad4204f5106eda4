import jsonLogic from 'json-logic-js';
import type { TimePoint } from '../trial/trial.events.js';
import type { DataQualityRuleParams } from './quality.events.js';

/** One measurement as the rules read it (current value after corrections; retracted ones are left out). */
export interface DqMeasurementFact {
  readonly measurementId: string;
  readonly biomarkerId: string;
  /** Canonical value of a quantitative result, else null. */
  readonly value: number | null;
  readonly unit: string | null;
  readonly category: string | null;
  readonly timePoint: string;
  readonly occurredAt: string;
  readonly method: string;
  readonly algorithmVersionId: string | null;
  readonly readerId: string | null;
  readonly studyInstanceUid: string;
  readonly trackingUid: string | null;
}

export interface DqSubjectFacts {
  readonly subjectId: string;
  readonly trialId: string | null;
  readonly programmeId: string | null;
  readonly siteId: string | null;
  readonly enrolledAt: string | null;
  /** Day 1 of the visit schedule: randomisation, else enrolment. */
  readonly anchorAt: string | null;
  /** Withdrawn, opted out or dead: no follow-up is expected. */
  readonly followUpEnded: boolean;
  readonly measurements: readonly DqMeasurementFact[];
  readonly outcomes: readonly { readonly outcomeId: string; readonly outcomeType: string; readonly occurredAt: string }[];
  readonly studies: readonly { readonly studyInstanceUid: string; readonly modality: string; readonly occurredAt: string }[];
}

/** Facts of the trial or programme: its visit schedule and the newest clinical date seen in it (the "now" of follow-up). */
export interface DqScopeFacts {
  readonly timePoints: readonly TimePoint[];
  readonly latestDataAt: string | null;
}

export interface DqFinding {
  /** Stable within the rule, made of ids only (never values), so a corrected value yields the same key or none. */
  readonly key: string;
  readonly measurementId: string | null;
  readonly field: string;
  readonly message: string;
}

const DAY_MS = 86_400_000;
const dayOf = (iso: string): number => Math.floor(Date.parse(iso) / DAY_MS);
/** Study day as schedules count it: the anchor's day is day 1 (no day 0). */
export function studyDay(anchorAt: string, at: string): number {
  const diff = dayOf(at) - dayOf(anchorAt);
  return diff >= 0 ? diff + 1 : diff;
}

const methodOf = (m: DqMeasurementFact): string => (m.algorithmVersionId ? `${m.method}:${m.algorithmVersionId}` : m.method);
const readerOf = (m: DqMeasurementFact): string => m.readerId ?? m.algorithmVersionId ?? m.measurementId;

/**
 * Every finding of one rule on one subject. Pure and deterministic: the monitor runs it on each change of the
 * subject, of the scope's schedule and of the rule, and compares the keys with the queries it knows.
 */
export function evaluateRule(params: DataQualityRuleParams, subject: DqSubjectFacts, scope: DqScopeFacts): DqFinding[] {
  const of = (biomarkerId: string | null) => subject.measurements.filter((m) => biomarkerId === null || m.biomarkerId === biomarkerId);
  switch (params.kind) {
    case 'expression':
      return of(params.biomarkerId)
        .filter((m) => !jsonLogic.truthy(jsonLogic.apply(params.expression as object, expressionData(m, subject))))
        .map((m) => ({
          key: m.measurementId,
          measurementId: m.measurementId,
          field: 'value',
          message: `Measurement ${m.measurementId} fails the rule's expression`,
        }));
    case 'range':
      return of(params.biomarkerId)
        .filter((m) => m.value !== null && ((params.min !== null && m.value < params.min) || (params.max !== null && m.value > params.max)))
        .map((m) => ({
          key: m.measurementId,
          measurementId: m.measurementId,
          field: 'value',
          message: `${m.biomarkerId} ${m.value} ${m.unit ?? ''} at ${m.timePoint} is outside [${params.min ?? '−∞'}, ${params.max ?? '∞'}]`.replace('  ', ' '),
        }));
    case 'required_measurement': {
      const visits = new Set(subject.measurements.map((m) => m.timePoint));
      const required = params.timePoints.length > 0 ? params.timePoints : scope.timePoints.map((t) => t.code);
      return required
        .filter((tp) => visits.has(tp) && !subject.measurements.some((m) => m.timePoint === tp && m.biomarkerId === params.biomarkerId))
        .map((tp) => ({ key: tp, measurementId: null, field: 'biomarkerId', message: `Visit ${tp} has data but no ${params.biomarkerId} measurement` }));
    }
    case 'visit_window': {
      if (subject.anchorAt === null) return [];
      const anchor = subject.anchorAt;
      const windows = new Map(scope.timePoints.map((t) => [t.code, t]));
      const out: DqFinding[] = [];
      for (const m of subject.measurements) {
        const tp = windows.get(m.timePoint);
        if (!tp) continue;
        const day = studyDay(anchor, m.occurredAt);
        const from = tp.targetDay - tp.windowBeforeDays - params.toleranceDays;
        const to = tp.targetDay + tp.windowAfterDays + params.toleranceDays;
        if (day < from || day > to)
          out.push({
            key: m.measurementId,
            measurementId: m.measurementId,
            field: 'occurredAt',
            message: `Scan on study day ${day} is outside visit ${tp.code}'s window (days ${from} to ${to})`,
          });
      }
      return out;
    }
    case 'method_consistency': {
      const byBiomarker = groupBy(of(params.biomarkerId), (m) => m.biomarkerId);
      const out: DqFinding[] = [];
      for (const [biomarkerId, ms] of byBiomarker) {
        const methods = [...new Set(ms.map(methodOf))].sort();
        if (methods.length > 1)
          out.push({
            key: biomarkerId,
            measurementId: null,
            field: 'algorithmVersionId',
            message: `${biomarkerId} measured with ${methods.length} methods across time points: ${methods.join(', ')}`,
          });
      }
      return out;
    }
    case 'reader_disagreement': {
      const groups = groupBy(
        of(params.biomarkerId).filter((m) => m.value !== null),
        (m) => `${m.biomarkerId}|${m.timePoint}|${m.trackingUid ?? ''}`,
      );
      const out: DqFinding[] = [];
      for (const [key, ms] of groups) {
        if (new Set(ms.map(readerOf)).size < 2) continue;
        const values = ms.map((m) => m.value!);
        const lo = Math.min(...values);
        const hi = Math.max(...values);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const relative = mean === 0 ? (hi === lo ? 0 : Infinity) : (hi - lo) / Math.abs(mean);
        if (relative > params.maxRelativeDifference)
          out.push({
            key,
            measurementId: null,
            field: 'value',
            message: `Readers differ by ${(relative * 100).toFixed(1)} % (limit ${(params.maxRelativeDifference * 100).toFixed(1)} %) for ${ms[0]!.biomarkerId} at ${ms[0]!.timePoint}`,
          });
      }
      return out;
    }
    case 'duplicate_scan': {
      const groups = groupBy(subject.studies, (s) => `${s.occurredAt.slice(0, 10)}|${s.modality}`);
      return [...groups]
        .filter(([, ss]) => new Set(ss.map((s) => s.studyInstanceUid)).size > 1)
        .map(([key, ss]) => ({
          key,
          measurementId: null,
          field: 'studyInstanceUid',
          message: `${ss.length} ${ss[0]!.modality} studies on ${ss[0]!.occurredAt.slice(0, 10)}`,
        }));
    }
    case 'outcome_before_enrolment': {
      if (subject.enrolledAt === null) return [];
      const enrolled = dayOf(subject.enrolledAt);
      return subject.outcomes
        .filter((o) => dayOf(o.occurredAt) < enrolled)
        .map((o) => ({
          key: o.outcomeId,
          measurementId: null,
          field: 'occurredAt',
          message: `${o.outcomeType} on ${o.occurredAt.slice(0, 10)} is before enrolment on ${subject.enrolledAt!.slice(0, 10)}`,
        }));
    }
    case 'missing_follow_up': {
      if (subject.followUpEnded || scope.latestDataAt === null || subject.enrolledAt === null) return [];
      const last = Math.max(
        dayOf(subject.enrolledAt),
        ...subject.measurements.map((m) => dayOf(m.occurredAt)),
        ...subject.outcomes.map((o) => dayOf(o.occurredAt)),
      );
      const gap = dayOf(scope.latestDataAt) - last;
      return gap > params.maxDaysWithoutFollowUp
        ? [{ key: 'follow-up', measurementId: null, field: 'subjectId', message: `No data for ${gap} days (limit ${params.maxDaysWithoutFollowUp})` }]
        : [];
    }
  }
}

function expressionData(m: DqMeasurementFact, subject: DqSubjectFacts): Record<string, unknown> {
  return {
    ...m,
    studyDay: subject.anchorAt === null ? null : studyDay(subject.anchorAt, m.occurredAt),
    subject: { subjectId: subject.subjectId, siteId: subject.siteId, enrolledAt: subject.enrolledAt },
  };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
