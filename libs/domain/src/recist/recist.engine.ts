import { reject } from '../domain.errors.js';

/**
 * RECIST 1.1 (Eisenhauer et al., Eur J Cancer 2009;45:228–247) response assessment for one subject.
 * Pure: no clock (days are counted between the dates given), no I/O. Invalid input is rejected with a
 * DomainError whose code is stable and whose field points into the input.
 */

export type LesionRole = 'TARGET' | 'NON_TARGET';

export interface RecistLesion {
  readonly id: string;
  /** Anatomical site. Nodal lesions count as one organ ("lymph node") for the 2-per-organ rule. */
  readonly organ: string;
  readonly nodal: boolean;
  readonly role: LesionRole;
}

export type NonTargetStatus = 'PRESENT' | 'ABSENT' | 'UNEQUIVOCAL_PROGRESSION' | 'NOT_EVALUATED';

export interface NewLesionRecord {
  readonly id: string;
  /** An equivocal finding is not progression until a later scan confirms it (RECIST 1.1 §4.3.2). */
  readonly equivocal?: boolean;
}

export interface RecistTimePoint {
  readonly visit: string;
  /** ISO date, YYYY-MM-DD; strictly increasing; the first time point is the baseline. */
  readonly date: string;
  /**
   * Target lesion measurements in mm: longest diameter, or short axis for nodes. 0 = disappeared (use the
   * 5 mm default for "too small to measure", as RECIST advises). Missing or null = not evaluated.
   */
  readonly targets: Readonly<Record<string, number | null>>;
  /** Non-target status per lesion; missing = not evaluated. "ABSENT" for a node means it is < 10 mm. */
  readonly nonTargets?: Readonly<Record<string, NonTargetStatus>>;
  readonly newLesions?: readonly NewLesionRecord[];
}

export interface RecistInput {
  readonly subjectId: string;
  readonly lesions: readonly RecistLesion[];
  readonly timePoints: readonly RecistTimePoint[];
}

export interface RecistOptions {
  /** Single-arm trials: CR/PR need a repeat assessment at least `minConfirmationDays` later. Default false. */
  readonly requireConfirmation?: boolean;
  readonly minConfirmationDays?: number;
  /** SD (or non-CR/non-PD) counts for best response only from this many days after baseline. Default 42. */
  readonly minStableDiseaseDays?: number;
}

export type TargetResponse = 'CR' | 'PR' | 'SD' | 'PD' | 'NE';
export type NonTargetResponse = 'CR' | 'NON_CR_NON_PD' | 'PD' | 'NE';
export type OverallResponse = 'CR' | 'PR' | 'SD' | 'NON_CR_NON_PD' | 'PD' | 'NE';

export interface RecistTimePointResult {
  readonly visit: string;
  readonly date: string;
  /** Days since the baseline date. */
  readonly day: number;
  readonly isBaseline: boolean;
  /** Sum of diameters; null when a target was not evaluated. */
  readonly sumOfDiameters: number | null;
  readonly baselineSum: number | null;
  /** The smallest sum before this time point (baseline included) that PD is judged against; null at baseline. */
  readonly nadir: number | null;
  readonly changeFromBaselinePct: number | null;
  /** Null when the nadir is 0 (every target gone) — the mm change still applies. */
  readonly changeFromNadirPct: number | null;
  readonly changeFromNadirMm: number | null;
  /** Null at baseline and when the subject has no target (or no non-target) lesions. */
  readonly targetResponse: TargetResponse | null;
  readonly nonTargetResponse: NonTargetResponse | null;
  readonly newLesion: boolean;
  readonly equivocalNewLesion: boolean;
  readonly overallResponse: OverallResponse | null;
}

export interface RecistResult {
  readonly subjectId: string;
  readonly timePoints: RecistTimePointResult[];
  readonly bestOverallResponse: OverallResponse;
}

export const RECIST_LIMITS = {
  maxTargets: 5,
  maxTargetsPerOrgan: 2,
  minTargetDiameterMm: 10,
  minNodalTargetShortAxisMm: 15,
  normalNodeShortAxisMm: 10,
  prDecrease: 0.3,
  pdIncrease: 0.2,
  pdAbsoluteMm: 5,
} as const;

const NODAL_ORGAN = 'lymph node';
// Diameters are often recorded to 0.1 mm; compare with a tolerance so 20.0 % is not lost to 1.2 × 50 rounding.
const EPS = 1e-9;

export function assessRecist(input: RecistInput, options: RecistOptions = {}): RecistResult {
  validate(input);
  const targets = input.lesions.filter((l) => l.role === 'TARGET');
  const nonTargets = input.lesions.filter((l) => l.role === 'NON_TARGET');
  const baseline = input.timePoints[0] as RecistTimePoint;
  const baselineDay = dayNumber(baseline.date);
  const baselineSum = targets.length > 0 ? sum(targets.map((l) => baseline.targets[l.id] as number)) : null;

  let nadir = baselineSum;
  const results: RecistTimePointResult[] = input.timePoints.map((tp, index) => {
    const day = dayNumber(tp.date) - baselineDay;
    const measured = targets.map((l) => ({ lesion: l, mm: tp.targets[l.id] ?? null }));
    const complete = measured.every((m) => m.mm !== null);
    const sod = targets.length > 0 && complete ? sum(measured.map((m) => m.mm as number)) : null;
    const newLesion = (tp.newLesions ?? []).some((n) => !n.equivocal);
    const equivocalNewLesion = (tp.newLesions ?? []).some((n) => n.equivocal === true);
    if (index === 0) {
      return {
        visit: tp.visit,
        date: tp.date,
        day,
        isBaseline: true,
        sumOfDiameters: sod,
        baselineSum,
        nadir: null,
        changeFromBaselinePct: null,
        changeFromNadirPct: null,
        changeFromNadirMm: null,
        targetResponse: null,
        nonTargetResponse: null,
        newLesion: false,
        equivocalNewLesion: false,
        overallResponse: null,
      };
    }
    const targetResponse = baselineSum === null || nadir === null ? null : assessTargets(measured, sod, baselineSum, nadir);
    const nonTargetResponse = nonTargets.length > 0 ? assessNonTargets(nonTargets.map((l) => tp.nonTargets?.[l.id] ?? 'NOT_EVALUATED')) : null;
    const result: RecistTimePointResult = {
      visit: tp.visit,
      date: tp.date,
      day,
      isBaseline: false,
      sumOfDiameters: sod,
      baselineSum,
      nadir,
      changeFromBaselinePct: sod !== null && baselineSum !== null ? percent(sod - baselineSum, baselineSum) : null,
      changeFromNadirPct: sod !== null && nadir !== null && nadir > 0 ? percent(sod - nadir, nadir) : null,
      changeFromNadirMm: sod !== null && nadir !== null ? round(sod - nadir) : null,
      targetResponse,
      nonTargetResponse,
      newLesion,
      equivocalNewLesion,
      overallResponse: overall(targetResponse, nonTargetResponse, newLesion),
    };
    if (sod !== null && nadir !== null && sod < nadir) nadir = sod;
    return result;
  });

  return { subjectId: input.subjectId, timePoints: results, bestOverallResponse: bestOverall(results, options) };
}

function assessTargets(
  measured: readonly { lesion: RecistLesion; mm: number | null }[],
  sod: number | null,
  baselineSum: number,
  nadir: number,
): TargetResponse {
  const progressed = (s: number): boolean => s - nadir >= RECIST_LIMITS.pdAbsoluteMm - EPS && s >= (1 + RECIST_LIMITS.pdIncrease) * nadir - EPS;
  if (sod === null) {
    // Not every target was read; the ones that were may already prove progression (RECIST 1.1 §4.3.1).
    const partial = sum(measured.filter((m) => m.mm !== null).map((m) => m.mm as number));
    return progressed(partial) ? 'PD' : 'NE';
  }
  // CR first: nodes under 10 mm are normal, so their residual short axes cannot make progression.
  const complete = measured.every((m) => (m.lesion.nodal ? (m.mm as number) < RECIST_LIMITS.normalNodeShortAxisMm : m.mm === 0));
  if (complete) return 'CR';
  if (progressed(sod)) return 'PD';
  if (sod <= (1 - RECIST_LIMITS.prDecrease) * baselineSum + EPS) return 'PR';
  return 'SD';
}

function assessNonTargets(statuses: readonly NonTargetStatus[]): NonTargetResponse {
  if (statuses.includes('UNEQUIVOCAL_PROGRESSION')) return 'PD';
  if (statuses.includes('NOT_EVALUATED')) return 'NE';
  if (statuses.every((s) => s === 'ABSENT')) return 'CR';
  return 'NON_CR_NON_PD';
}

/** RECIST 1.1 Table 1 (target disease) and Table 2 (non-target disease only). */
function overall(target: TargetResponse | null, nonTarget: NonTargetResponse | null, newLesion: boolean): OverallResponse {
  if (newLesion || target === 'PD' || nonTarget === 'PD') return 'PD';
  if (target === null) return nonTarget ?? 'NE';
  switch (target) {
    case 'CR':
      return nonTarget === null || nonTarget === 'CR' ? 'CR' : 'PR';
    case 'PR':
      return 'PR';
    case 'SD':
      return 'SD';
    case 'NE':
      return 'NE';
  }
}

function bestOverall(results: readonly RecistTimePointResult[], options: RecistOptions): OverallResponse {
  const minSd = options.minStableDiseaseDays ?? 42;
  const minConfirm = options.minConfirmationDays ?? 28;
  const followUps: RecistTimePointResult[] = [];
  for (const r of results.slice(1)) {
    followUps.push(r);
    if (r.overallResponse === 'PD') break; // nothing after progression counts
  }
  const responses = followUps.map((r) => r.overallResponse);
  const confirmedBy = (i: number, accepted: readonly OverallResponse[]): boolean =>
    followUps.some(
      (later, j) =>
        j > i && later.day - (followUps[i] as RecistTimePointResult).day >= minConfirm && accepted.includes(later.overallResponse as OverallResponse),
    );

  if (options.requireConfirmation) {
    if (followUps.some((r, i) => r.overallResponse === 'CR' && confirmedBy(i, ['CR']))) return 'CR';
    if (followUps.some((r, i) => (r.overallResponse === 'PR' || r.overallResponse === 'CR') && confirmedBy(i, ['PR', 'CR']))) return 'PR';
  } else {
    if (responses.includes('CR')) return 'CR';
    if (responses.includes('PR')) return 'PR';
  }
  // An unconfirmed response still shows the disease was at least stable at that time.
  const stableLongEnough = (accepted: readonly OverallResponse[]): boolean =>
    followUps.some((r) => r.day >= minSd && accepted.includes(r.overallResponse as OverallResponse));
  if (stableLongEnough(['CR', 'PR', 'SD'])) return 'SD';
  if (stableLongEnough(['NON_CR_NON_PD'])) return 'NON_CR_NON_PD';
  if (responses.includes('PD')) return 'PD';
  return 'NE';
}

function validate(input: RecistInput): void {
  const ids = new Set<string>();
  input.lesions.forEach((l, i) => {
    if (l.id.length === 0) reject('INVALID_LESION', `lesions[${i}].id`, 'a lesion needs an id');
    if (ids.has(l.id)) reject('DUPLICATE_LESION', `lesions[${i}].id`, `lesion ${l.id} is listed twice`);
    ids.add(l.id);
  });
  if (input.lesions.length === 0) reject('NO_BASELINE_DISEASE', 'lesions', 'RECIST needs at least one target or non-target lesion at baseline');
  const targets = input.lesions.filter((l) => l.role === 'TARGET');
  if (targets.length > RECIST_LIMITS.maxTargets) {
    reject('TOO_MANY_TARGETS', 'lesions', `at most ${RECIST_LIMITS.maxTargets} target lesions, got ${targets.length}`);
  }
  const perOrgan = new Map<string, number>();
  for (const t of targets) {
    const organ = t.nodal ? NODAL_ORGAN : t.organ.trim().toLowerCase();
    const count = (perOrgan.get(organ) ?? 0) + 1;
    perOrgan.set(organ, count);
    if (count > RECIST_LIMITS.maxTargetsPerOrgan) {
      reject('TOO_MANY_TARGETS_IN_ORGAN', 'lesions', `at most ${RECIST_LIMITS.maxTargetsPerOrgan} target lesions per organ; ${organ} has ${count}`, { organ });
    }
  }
  if (input.timePoints.length === 0) reject('NO_BASELINE', 'timePoints', 'the first time point is the baseline and is required');

  const byId = new Map(input.lesions.map((l) => [l.id, l]));
  let previousDay = Number.NEGATIVE_INFINITY;
  input.timePoints.forEach((tp, i) => {
    const field = `timePoints[${i}]`;
    const day = dayNumber(tp.date, `${field}.date`);
    if (day <= previousDay) reject('TIME_POINTS_OUT_OF_ORDER', `${field}.date`, `time point ${tp.visit} (${tp.date}) is not after the previous one`);
    previousDay = day;
    for (const [id, mm] of Object.entries(tp.targets)) {
      const lesion = byId.get(id);
      if (lesion === undefined) reject('UNKNOWN_LESION', `${field}.targets.${id}`, `lesion ${id} was not identified at baseline`);
      if (lesion.role !== 'TARGET') reject('NOT_A_TARGET', `${field}.targets.${id}`, `lesion ${id} is a non-target lesion`);
      if (mm !== null && !(typeof mm === 'number' && Number.isFinite(mm) && mm >= 0)) {
        reject('INVALID_MEASUREMENT', `${field}.targets.${id}`, `diameter of ${id} must be a non-negative number of mm`);
      }
    }
    for (const id of Object.keys(tp.nonTargets ?? {})) {
      const lesion = byId.get(id);
      if (lesion === undefined) reject('UNKNOWN_LESION', `${field}.nonTargets.${id}`, `lesion ${id} was not identified at baseline`);
      if (lesion.role !== 'NON_TARGET') reject('NOT_A_NON_TARGET', `${field}.nonTargets.${id}`, `lesion ${id} is a target lesion`);
    }
    (tp.newLesions ?? []).forEach((n, j) => {
      if (byId.has(n.id)) reject('NEW_LESION_ALREADY_KNOWN', `${field}.newLesions[${j}].id`, `lesion ${n.id} was identified at baseline, so it is not new`);
    });
  });

  const baseline = input.timePoints[0] as RecistTimePoint;
  if ((baseline.newLesions ?? []).length > 0)
    reject('NEW_LESION_AT_BASELINE', 'timePoints[0].newLesions', 'a lesion seen at baseline is part of the baseline disease, not new');
  for (const t of targets) {
    const mm = baseline.targets[t.id];
    const field = `timePoints[0].targets.${t.id}`;
    if (mm === undefined || mm === null) reject('BASELINE_INCOMPLETE', field, `target ${t.id} must be measured at baseline`);
    if (t.nodal && mm < RECIST_LIMITS.minNodalTargetShortAxisMm) {
      reject('TARGET_NOT_MEASURABLE', field, `nodal target ${t.id} needs a short axis ≥ ${RECIST_LIMITS.minNodalTargetShortAxisMm} mm, got ${mm} mm`);
    }
    if (!t.nodal && mm < RECIST_LIMITS.minTargetDiameterMm) {
      reject('TARGET_NOT_MEASURABLE', field, `target ${t.id} needs a longest diameter ≥ ${RECIST_LIMITS.minTargetDiameterMm} mm, got ${mm} mm`);
    }
  }
  for (const [id, status] of Object.entries(baseline.nonTargets ?? {})) {
    if (status !== 'PRESENT') reject('INVALID_BASELINE_STATUS', `timePoints[0].nonTargets.${id}`, `a non-target lesion is PRESENT at baseline, got ${status}`);
  }
}

/** Days since 1970-01-01 of a YYYY-MM-DD date (calendar arithmetic, not a clock). */
function dayNumber(date: string, field = 'date'): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    reject('INVALID_DATE', field, `expected a calendar date YYYY-MM-DD, got "${date}"`);
  }
  return ms / 86_400_000;
}

function sum(values: readonly number[]): number {
  return round(values.reduce((a, v) => a + v, 0));
}

/** Sums of 0.1 mm readings: round away binary noise (12.3 + 4.1 ≠ 16.4 in floating point). */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function percent(delta: number, reference: number): number {
  return round((100 * delta) / reference);
}
