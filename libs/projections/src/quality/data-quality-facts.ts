import type {
  DataQualityRuleEvent,
  DataQualityRuleParams,
  DqMeasurementFact,
  DqScopeFacts,
  DqSubjectFacts,
  ImagingStudyRegistered,
  MeasurementRecorded,
  SubjectEvent,
  TimePoint,
  TrialEvent,
} from '#domain';
import type { RecordedEvent } from '#event-store';

interface MutableSubject {
  subjectId: string;
  trialId: string | null;
  programmeId: string | null;
  siteId: string | null;
  enrolledAt: string | null;
  anchorAt: string | null;
  randomised: boolean;
  followUpEnded: boolean;
  measurements: Map<string, DqMeasurementFact>;
  outcomes: Map<string, { outcomeId: string; outcomeType: string; occurredAt: string }>;
  studyUids: Set<string>;
}

interface MutableScope {
  timePoints: readonly TimePoint[];
  latestDataAt: string | null;
  subjects: Set<string>;
}

export interface ActiveRule {
  readonly ruleId: string;
  readonly scopeKey: string;
  readonly trialId: string | null;
  readonly programmeId: string | null;
  readonly ruleVersion: number;
  readonly params: DataQualityRuleParams;
}

/** What changed with one event, so the monitor re-evaluates only that. */
export type FactChange =
  | { readonly kind: 'none' }
  | { readonly kind: 'subject'; readonly subjectId: string }
  /** The scope's schedule or its latest data date moved: every subject of the scope, for the rules that read it. */
  | { readonly kind: 'scope'; readonly scopeKey: string; readonly subjectId: string | null }
  | { readonly kind: 'rule'; readonly ruleId: string; readonly retired: boolean };

const scopeKeyOf = (trialId: string | null | undefined, programmeId: string | null | undefined): string | null =>
  trialId ? `trial:${trialId}` : programmeId ? `programme:${programmeId}` : null;

/**
 * The facts data-quality rules read, folded from trial, subject, study and rule streams: small per subject (ids,
 * dates, values, methods) and free of personal data. Kept in memory by the monitor.
 */
export class DataQualityFacts {
  private readonly subjects = new Map<string, MutableSubject>();
  private readonly scopes = new Map<string, MutableScope>();
  private readonly studies = new Map<string, { studyInstanceUid: string; modality: string; occurredAt: string; subjectId: string | null }>();
  readonly rules = new Map<string, ActiveRule>();

  apply(e: RecordedEvent): FactChange {
    const category = e.streamId.slice(0, e.streamId.indexOf('-'));
    switch (category) {
      case 'subject':
        return this.applySubject({ type: e.type, data: e.data } as unknown as SubjectEvent);
      case 'trial':
        return this.applyTrial({ type: e.type, data: e.data } as unknown as TrialEvent);
      case 'study':
        if (e.type === 'ImagingStudyRegistered') return this.applyStudy((e as unknown as ImagingStudyRegistered).data);
        return { kind: 'none' };
      case 'dqrule':
        return this.applyRule({ type: e.type, data: e.data } as unknown as DataQualityRuleEvent);
      default:
        return { kind: 'none' };
    }
  }

  subjectsOf(scopeKey: string): readonly string[] {
    return [...(this.scopes.get(scopeKey)?.subjects ?? [])];
  }

  rulesOf(scopeKey: string): ActiveRule[] {
    return [...this.rules.values()].filter((r) => r.scopeKey === scopeKey);
  }

  scopeKeyOfSubject(subjectId: string): string | null {
    const s = this.subjects.get(subjectId);
    return s ? scopeKeyOf(s.trialId, s.programmeId) : null;
  }

  subject(subjectId: string): DqSubjectFacts | undefined {
    const s = this.subjects.get(subjectId);
    if (!s) return undefined;
    const studies = [...s.studyUids].flatMap((uid) => {
      const st = this.studies.get(uid);
      return st ? [{ studyInstanceUid: st.studyInstanceUid, modality: st.modality, occurredAt: st.occurredAt }] : [];
    });
    return {
      subjectId: s.subjectId,
      trialId: s.trialId,
      programmeId: s.programmeId,
      siteId: s.siteId,
      enrolledAt: s.enrolledAt,
      anchorAt: s.anchorAt,
      followUpEnded: s.followUpEnded,
      measurements: [...s.measurements.values()],
      outcomes: [...s.outcomes.values()],
      studies,
    };
  }

  scope(scopeKey: string): DqScopeFacts {
    const s = this.scopes.get(scopeKey);
    return { timePoints: s?.timePoints ?? [], latestDataAt: s?.latestDataAt ?? null };
  }

  private scopeOf(key: string): MutableScope {
    let s = this.scopes.get(key);
    if (!s) this.scopes.set(key, (s = { timePoints: [], latestDataAt: null, subjects: new Set() }));
    return s;
  }

  /** Moves the scope's latest data date; answers a scope change only when the day moves (follow-up gaps count days). */
  private touch(subject: MutableSubject, at: string): FactChange {
    const key = scopeKeyOf(subject.trialId, subject.programmeId);
    if (key === null) return { kind: 'subject', subjectId: subject.subjectId };
    const scope = this.scopeOf(key);
    if (scope.latestDataAt === null || at.slice(0, 10) > scope.latestDataAt.slice(0, 10)) {
      scope.latestDataAt = at;
      return { kind: 'scope', scopeKey: key, subjectId: subject.subjectId };
    }
    return { kind: 'subject', subjectId: subject.subjectId };
  }

  private newSubject(subjectId: string, trialId: string | null, programmeId: string | null, at: string): MutableSubject {
    const s: MutableSubject = {
      subjectId,
      trialId,
      programmeId,
      siteId: null,
      enrolledAt: at,
      anchorAt: at,
      randomised: false,
      followUpEnded: false,
      measurements: new Map(),
      outcomes: new Map(),
      studyUids: new Set(),
    };
    this.subjects.set(subjectId, s);
    const key = scopeKeyOf(trialId, programmeId);
    if (key) this.scopeOf(key).subjects.add(subjectId);
    return s;
  }

  private applySubject(ev: SubjectEvent): FactChange {
    const subjectId = ev.data.subjectId;
    if (ev.type === 'SubjectEnrolled') {
      const s = this.newSubject(subjectId, ev.data.trialId, null, ev.data.occurredAt);
      s.siteId = ev.data.siteId;
      return this.touch(s, ev.data.occurredAt);
    }
    if (ev.type === 'ParticipantInvited') {
      if (this.subjects.has(subjectId)) return { kind: 'none' };
      return this.touch(this.newSubject(subjectId, null, ev.data.programmeId, ev.data.occurredAt), ev.data.occurredAt);
    }
    const s = this.subjects.get(subjectId);
    if (!s) return { kind: 'none' };
    switch (ev.type) {
      case 'SubjectRandomised':
        s.randomised = true;
        s.anchorAt = ev.data.occurredAt;
        return { kind: 'subject', subjectId };
      case 'SubjectWithdrawn':
      case 'ParticipantOptedOut':
        s.followUpEnded = true;
        return { kind: 'subject', subjectId };
      case 'ScreeningRecorded':
        s.siteId ??= ev.data.siteId;
        return this.touch(s, ev.data.occurredAt);
      case 'MeasurementRecorded': {
        s.measurements.set(ev.data.measurementId, measurementFact(ev.data));
        s.studyUids.add(ev.data.studyInstanceUid);
        return this.touch(s, ev.data.occurredAt);
      }
      case 'MeasurementCorrected': {
        const m = s.measurements.get(ev.data.measurementId);
        if (m) s.measurements.set(m.measurementId, { ...m, ...resultFact(ev.data.result) });
        return { kind: 'subject', subjectId };
      }
      case 'MeasurementRetracted':
        s.measurements.delete(ev.data.measurementId);
        return { kind: 'subject', subjectId };
      case 'OutcomeRecorded':
        s.outcomes.set(ev.data.outcomeId, { outcomeId: ev.data.outcomeId, outcomeType: ev.data.outcomeType, occurredAt: ev.data.occurredAt });
        if (ev.data.outcomeType === 'death') s.followUpEnded = true;
        return this.touch(s, ev.data.occurredAt);
      case 'OutcomeCorrected': {
        const o = s.outcomes.get(ev.data.outcomeId);
        if (o) s.outcomes.set(o.outcomeId, { ...o, occurredAt: ev.data.occurredAt });
        return { kind: 'subject', subjectId };
      }
      case 'RecallRecorded':
      case 'AssessmentOutcomeRecorded':
      case 'IntervalCancerReported':
      case 'MeasurementReadingAccepted':
      case 'PersonalDataRecorded':
      case 'SubjectErased':
        return { kind: 'none' };
    }
  }

  private applyTrial(ev: TrialEvent): FactChange {
    if (ev.type !== 'VisitScheduleDefined') return { kind: 'none' };
    const key = `trial:${ev.data.trialId}`;
    this.scopeOf(key).timePoints = ev.data.timePoints;
    return { kind: 'scope', scopeKey: key, subjectId: null };
  }

  private applyStudy(d: ImagingStudyRegistered['data']): FactChange {
    this.studies.set(d.studyInstanceUid, { studyInstanceUid: d.studyInstanceUid, modality: d.modality, occurredAt: d.occurredAt, subjectId: d.subjectId });
    const s = d.subjectId ? this.subjects.get(d.subjectId) : undefined;
    if (!s) return { kind: 'none' };
    s.studyUids.add(d.studyInstanceUid);
    return { kind: 'subject', subjectId: s.subjectId };
  }

  private applyRule(ev: DataQualityRuleEvent): FactChange {
    const d = ev.data;
    if (ev.type === 'DataQualityRuleRetired') {
      this.rules.delete(d.ruleId);
      return { kind: 'rule', ruleId: d.ruleId, retired: true };
    }
    const trialId = d.trialId ?? null;
    const programmeId = d.programmeId ?? null;
    this.rules.set(d.ruleId, {
      ruleId: d.ruleId,
      scopeKey: scopeKeyOf(trialId, programmeId)!,
      trialId,
      programmeId,
      ruleVersion: ev.data.ruleVersion,
      params: ev.data.params,
    });
    return { kind: 'rule', ruleId: d.ruleId, retired: false };
  }
}

function resultFact(result: MeasurementRecorded['data']['result']): Pick<DqMeasurementFact, 'value' | 'unit' | 'category'> {
  return result.kind === 'quantitative' ? { value: result.value, unit: result.unit, category: null } : { value: null, unit: null, category: result.category };
}

function measurementFact(d: MeasurementRecorded['data']): DqMeasurementFact {
  return {
    measurementId: d.measurementId,
    biomarkerId: d.biomarkerId,
    ...resultFact(d.result),
    timePoint: d.timePoint,
    occurredAt: d.occurredAt,
    method: d.method,
    algorithmVersionId: d.algorithmVersionId,
    readerId: d.readerId,
    studyInstanceUid: d.studyInstanceUid,
    trackingUid: d.lesion?.trackingUid ?? null,
  };
}
