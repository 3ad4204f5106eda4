import { convertUnit } from '../biomarker/biomarker.units.js';
import type { MeasurementResult, SubjectEvent } from '../subject/subject.events.js';
import type { NewLesionRecord, NonTargetStatus, RecistInput, RecistLesion, RecistTimePoint } from './recist.engine.js';
import { isCandidate, provenanceOf, resolveReadings, type ReadingCandidate, type ReadingProvenance, type ReadingSelection } from './reading-selection.js';

const NON_TARGET_STATES: readonly NonTargetStatus[] = ['PRESENT', 'ABSENT', 'UNEQUIVOCAL_PROGRESSION', 'NOT_EVALUATED'];
const NODAL = /lymph|node|nodal/i;

/**
 * The SDTM TR test codes RECIST reads, as the CDISC RECIST examples use them: LDIAM (longest diameter, non-nodal
 * lesions), LPERP (longest perpendicular = the short axis of a lymph node) and TUMSTATE (qualitative tumour state of
 * non-target and new lesions). A biomarker is one of them when its catalogue code is the test code (codes are
 * unique in the catalogue); every other measurement of a lesion (volume, SUV, an AI score…) is not read by RECIST.
 */
export const RECIST_TEST_CODES = ['LDIAM', 'LPERP', 'TUMSTATE'] as const;
export type RecistTestCode = (typeof RECIST_TEST_CODES)[number];

export function recistTestCode(biomarkerCode: string | null | undefined): RecistTestCode | null {
  return RECIST_TEST_CODES.find((c) => c === biomarkerCode) ?? null;
}

/**
 * The current value of one lesion measurement, as RECIST reads it: from a subject's events (`lesionReadingsOfEvents`)
 * or from read-model / snapshot rows (`measurements` with `superseded_at IS NULL`, not retracted), so the analytics
 * query and the exports assess the same readings the same way.
 */
export interface LesionReading extends ReadingCandidate {
  readonly timePoint: string;
  /** The scan's calendar date (YYYY-MM-DD, UTC). */
  readonly date: string;
  readonly trackingUid: string;
  readonly findingSite: string | null;
  readonly role: 'target' | 'non_target' | 'new';
  readonly biomarkerId: string;
  readonly result: MeasurementResult;
}

interface LesionMeasurement extends Omit<LesionReading, 'result' | 'adjudication'> {
  result: MeasurementResult;
  retracted: boolean;
  adjudication: string | null;
}

/** A reading RECIST used: which measurement of which lesion, under which test code, and its value in mm. */
export interface RecistReadingUsed {
  readonly visit: string;
  readonly lesionId: string;
  readonly testCode: RecistTestCode;
  /** Value in mm (UCUM-converted); null for a categorical reading or a unit that is not a length. */
  readonly valueMm: number | null;
  readonly category: string | null;
  readonly originalValue: number | null;
  readonly originalUnit: string | null;
  readonly reading: ReadingProvenance;
}

/** A subject's trial facts and its lesion measurements (current values) as the RECIST engine wants them. */
export interface RecistSource extends RecistAssessmentInput {
  readonly subjectId: string;
  readonly trialId: string | null;
  readonly siteId: string | null;
  readonly programmeId: string | null;
}

/** The engine's input built from a subject's lesion readings, and every reading it used. */
export interface RecistAssessmentInput {
  readonly input: RecistInput | null;
  readonly readings: readonly RecistReadingUsed[];
}

export interface RecistMappingOptions {
  /** The RECIST test code of a biomarker (from its catalogue code), or null when RECIST does not read it. */
  readonly testCodeOf: (biomarkerId: string) => RecistTestCode | null;
  /** Whose readings are assessed (one rater, or the adjudicated reading): RECIST never mixes raters either. */
  readonly selection: ReadingSelection;
  /** The input field the selection came from, for AMBIGUOUS_READING. */
  readonly field?: string;
}

/** Millimetres of a quantitative reading, through UCUM (cm → mm); null when its unit is not a length. */
function millimetres(r: MeasurementResult): number | null {
  if (r.kind !== 'quantitative') return null;
  const mm = convertUnit(r.value, r.unit, 'mm');
  return mm.ok && Number.isFinite(mm.value) ? mm.value : null;
}

/**
 * Folds a subject's events into the engine's input.
 * - Current values only: corrections applied, retractions dropped, adjudication (acceptMeasurementReading) kept.
 * - Only the selected rater's readings count (reading-selection.ts); per lesion, time point and test code
 *   there must be at most one, else AMBIGUOUS_READING.
 * - Time points (date order, the first is the baseline) and lesions (from their baseline role: target / non_target
 *   → TARGET / NON_TARGET; `new` lesions are new-lesion records where they appear) come from the rater's lesion
 *   readings of any biomarker: a lesion is identified whatever was measured on it.
 * - Values come only from the RECIST test codes: a target's LDIAM (non-nodal) or LPERP (nodal) in mm; every other
 *   measurement of the lesion is ignored, and a target without one at a time point is not evaluated there (NE).
 * - Non-target status: a TUMSTATE category (PRESENT, ABSENT, UNEQUIVOCAL_PROGRESSION), else from the diameter:
 *   0 mm = ABSENT, a node under 10 mm short axis = ABSENT; neither = not evaluated. A TUMSTATE "EQUIVOCAL" marks an
 *   equivocal new lesion.
 */
export function recistSource(subjectId: string, events: readonly SubjectEvent[], options: RecistMappingOptions): RecistSource {
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
          biomarkerId: d.biomarkerId,
          method: d.method,
          algorithmVersionId: d.algorithmVersionId,
          readerId: d.readerId,
          result: d.result,
          retracted: false,
          adjudication: null,
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
        if (m) m.adjudication = 'accepted';
        for (const alt of e.data.alternativeMeasurementIds) {
          const a = byId.get(alt);
          if (a) a.adjudication = 'not_accepted';
        }
        break;
      }
      // RECIST reads lesion measurements; outcomes, screening and status events do not change them.
      case 'SubjectRandomised':
      case 'SubjectWithdrawn':
      case 'ScreeningRecorded':
      case 'RecallRecorded':
      case 'AssessmentOutcomeRecorded':
      case 'IntervalCancerReported':
      case 'ParticipantOptedOut':
      case 'OutcomeRecorded':
      case 'OutcomeCorrected':
      case 'PersonalDataRecorded':
      case 'SubjectErased':
      default:
        break;
    }
  }
  const readings: LesionReading[] = [...byId.values()].filter((m) => !m.retracted).map(({ retracted: _r, ...m }) => m);
  return { subjectId, trialId, siteId, programmeId, ...recistFromReadings(subjectId, readings, options) };
}

/**
 * The engine's input from a subject's current lesion readings (see `recistSource` for the rules); `readings` may hold
 * every rater's: only the selection's are assessed.
 */
export function recistFromReadings(subjectId: string, readings: readonly LesionReading[], options: RecistMappingOptions): RecistAssessmentInput {
  const none = { input: null, readings: [] };
  const selected = readings.filter((m) => isCandidate(options.selection, m));
  if (selected.length === 0) return none;

  // One reading per lesion × time point × test code; the rest of the lesion's measurements are not RECIST's.
  const coded = selected.flatMap((m) => {
    const testCode = options.testCodeOf(m.biomarkerId);
    return testCode === null ? [] : [{ ...m, testCode }];
  });
  const chosen = resolveReadings(coded, (m) => `lesion ${m.trackingUid} at ${m.timePoint} (${m.testCode})`, options.selection, options.field ?? 'reading');
  const reading = new Map<string, (typeof coded)[number]>();
  for (const m of chosen.values()) reading.set(`${m.timePoint}\u0000${m.trackingUid}\u0000${m.testCode}`, m);
  const readingOf = (visit: string, uid: string, code: RecistTestCode) => reading.get(`${visit}\u0000${uid}\u0000${code}`);

  // Time points in order of their (earliest) scan date; the first is the baseline.
  const dates = new Map<string, string>();
  for (const m of selected) if (!dates.has(m.timePoint) || m.date < (dates.get(m.timePoint) as string)) dates.set(m.timePoint, m.date);
  const order = [...dates.entries()].sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]));
  const baseline = order[0]?.[0];
  const lesions = new Map<string, RecistLesion>();
  for (const m of selected) {
    if (m.timePoint !== baseline || m.role === 'new' || lesions.has(m.trackingUid)) continue;
    const site = m.findingSite ?? 'unspecified';
    lesions.set(m.trackingUid, { id: m.trackingUid, organ: site, nodal: NODAL.test(site), role: m.role === 'target' ? 'TARGET' : 'NON_TARGET' });
  }
  const used: RecistReadingUsed[] = [];
  const use = (visit: string, lesionId: string, m: (typeof coded)[number] | undefined): (typeof coded)[number] | undefined => {
    if (!m) return undefined;
    const r = m.result;
    used.push({
      visit,
      lesionId,
      testCode: m.testCode,
      valueMm: millimetres(r),
      category: r.kind === 'categorical' ? r.category : null,
      originalValue: r.kind === 'quantitative' ? r.originalValue : null,
      originalUnit: r.kind === 'quantitative' ? r.originalUnit : null,
      reading: provenanceOf(m),
    });
    return m;
  };
  const timePoints: RecistTimePoint[] = order.map(([visit, date]) => {
    const targets: Record<string, number | null> = {};
    const nonTargets: Record<string, NonTargetStatus> = {};
    const newLesions = new Map<string, NewLesionRecord>();
    for (const [uid, lesion] of lesions) {
      const diameter = use(visit, uid, readingOf(visit, uid, lesion.nodal ? 'LPERP' : 'LDIAM'));
      if (lesion.role === 'TARGET') {
        targets[uid] = diameter ? millimetres(diameter.result) : null;
        continue;
      }
      const state = use(visit, uid, readingOf(visit, uid, 'TUMSTATE'));
      const status = nonTargetStatus(state?.result, diameter?.result, lesion.nodal);
      if (status !== null) nonTargets[uid] = status;
    }
    if (visit !== baseline) {
      for (const m of selected) {
        if (m.timePoint !== visit || lesions.has(m.trackingUid) || newLesions.has(m.trackingUid)) continue;
        const state = use(visit, m.trackingUid, readingOf(visit, m.trackingUid, 'TUMSTATE'));
        const equivocal = state?.result.kind === 'categorical' && state.result.category.toUpperCase() === 'EQUIVOCAL';
        newLesions.set(m.trackingUid, { id: m.trackingUid, equivocal });
      }
    }
    return { visit, date, targets, nonTargets, newLesions: [...newLesions.values()] };
  });
  return { input: { subjectId, lesions: [...lesions.values()], timePoints }, readings: used };
}

function nonTargetStatus(state: MeasurementResult | undefined, diameter: MeasurementResult | undefined, nodal: boolean): NonTargetStatus | null {
  if (state?.kind === 'categorical') {
    const c = state.category.toUpperCase().replace(/[\s-]+/g, '_') as NonTargetStatus;
    return NON_TARGET_STATES.includes(c) ? c : 'NOT_EVALUATED';
  }
  const mm = diameter ? millimetres(diameter) : null;
  if (mm === null) return null;
  if (mm === 0 || (nodal && mm < 10)) return 'ABSENT';
  return 'PRESENT';
}
