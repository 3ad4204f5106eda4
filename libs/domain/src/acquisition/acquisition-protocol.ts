import { reject } from '../domain.errors.js';
import { MaxLength, requireArray, requireObject, requireOneOf, requireText, requireUnique } from '../biomarker/input.guards.js';
import { IMAGING_MODALITIES, type ImagingModality } from '../study/imaging.vocabulary.js';
import { AcquisitionErrors } from './acquisition.errors.js';
import { ACQUISITION_BOUNDS, CONTRAST_PHASES, type AcquisitionParameters, type BoundedParameter, type ContrastPhase } from './acquisition.parameters.js';

export interface ParameterRange {
  readonly min: number | null;
  readonly max: number | null;
}

/**
 * What a trial's or programme's imaging manual allows for one modality. A constraint left null is not checked;
 * a constrained parameter the study does not state is a deviation too (`not_recorded`): compliance cannot be shown.
 */
export interface AcquisitionProtocolRule {
  readonly modality: ImagingModality;
  readonly kvp: ParameterRange | null;
  readonly tubeCurrentMa: ParameterRange | null;
  readonly sliceThicknessMm: ParameterRange | null;
  readonly pixelSpacingMm: ParameterRange | null;
  readonly fieldStrengthT: ParameterRange | null;
  /** Allowed reconstruction kernels, compared case-insensitively (sites type `b30f` and `B30f`). */
  readonly reconstructionKernels: readonly string[] | null;
  readonly contrastPhases: readonly ContrastPhase[] | null;
  readonly manufacturers: readonly string[] | null;
}

export interface AcquisitionProtocol {
  readonly name: string;
  readonly rules: readonly AcquisitionProtocolRule[];
}

export type ProtocolParameter = BoundedParameter | 'reconstructionKernel' | 'contrastPhase' | 'manufacturer';

/** One departure from the protocol: which parameter, what the study has (null: not recorded), what was allowed. */
export interface ProtocolDeviation {
  readonly parameter: ProtocolParameter;
  readonly kind: 'out_of_range' | 'not_allowed' | 'not_recorded';
  /** The study's value as text (numbers as written), null when not recorded. */
  readonly actual: string | null;
  /** What the protocol allows, for people: `0.5–1.5`, `B30f, B31f`. */
  readonly expected: string;
  /** The series the value comes from, when it is a series' parameter. */
  readonly seriesInstanceUid: string | null;
}

const MAX_RULES = 20;
const MAX_VALUES = 50;

export interface AcquisitionProtocolRuleInput {
  readonly modality: ImagingModality;
  readonly kvp?: Partial<ParameterRange> | null;
  readonly tubeCurrentMa?: Partial<ParameterRange> | null;
  readonly sliceThicknessMm?: Partial<ParameterRange> | null;
  readonly pixelSpacingMm?: Partial<ParameterRange> | null;
  readonly fieldStrengthT?: Partial<ParameterRange> | null;
  readonly reconstructionKernels?: readonly string[] | null;
  readonly contrastPhases?: readonly ContrastPhase[] | null;
  readonly manufacturers?: readonly string[] | null;
}

function range(value: unknown, parameter: BoundedParameter, field: string): ParameterRange | null {
  if (value === undefined || value === null) return null;
  const r = requireObject(value, field);
  const b = ACQUISITION_BOUNDS[parameter];
  // The protocol's bounds live inside the physical ones (a bound outside could never be met nor missed).
  const bound = (v: unknown, f: string): number | null => {
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < b.min || v > b.max)
      reject(AcquisitionErrors.INVALID_PROTOCOL_RULE, f, `${f} must be a number from ${b.min} to ${b.max}`, { min: b.min, max: b.max });
    return v;
  };
  const min = bound(r['min'], `${field}.min`);
  const max = bound(r['max'], `${field}.max`);
  if (min === null && max === null) reject(AcquisitionErrors.INVALID_PROTOCOL_RULE, field, `${field} needs min, max or both`);
  if (min !== null && max !== null && min > max) reject(AcquisitionErrors.INVALID_PROTOCOL_RULE, `${field}.max`, `${field}.max must not be below min`);
  return { min, max };
}

function texts(value: unknown, field: string): readonly string[] | null {
  if (value === undefined || value === null) return null;
  const list = requireArray(value, field, 1, MAX_VALUES).map((v, i) => requireText(v, `${field}.${i}`, MaxLength.name));
  requireUnique(
    list.map((v) => v.toLowerCase()),
    field,
  );
  return list;
}

/** Checks a protocol as the client states it; the field paths are the command's (`rules.0.kvp.max`). */
export function acquisitionProtocol(input: { readonly name: unknown; readonly rules: unknown }): AcquisitionProtocol {
  const name = requireText(input.name, 'name', MaxLength.name);
  const rules = requireArray(input.rules, 'rules', 1, MAX_RULES).map((raw, i): AcquisitionProtocolRule => {
    const f = `rules.${i}`;
    const r = requireObject(raw, f);
    const phases = r['contrastPhases'];
    const rule: AcquisitionProtocolRule = {
      modality: requireOneOf(r['modality'], IMAGING_MODALITIES, `${f}.modality`),
      kvp: range(r['kvp'], 'kvp', `${f}.kvp`),
      tubeCurrentMa: range(r['tubeCurrentMa'], 'tubeCurrentMa', `${f}.tubeCurrentMa`),
      sliceThicknessMm: range(r['sliceThicknessMm'], 'sliceThicknessMm', `${f}.sliceThicknessMm`),
      pixelSpacingMm: range(r['pixelSpacingMm'], 'pixelSpacingMm', `${f}.pixelSpacingMm`),
      fieldStrengthT: range(r['fieldStrengthT'], 'fieldStrengthT', `${f}.fieldStrengthT`),
      reconstructionKernels: texts(r['reconstructionKernels'], `${f}.reconstructionKernels`),
      contrastPhases:
        phases === undefined || phases === null
          ? null
          : requireArray(phases, `${f}.contrastPhases`, 1, CONTRAST_PHASES.length).map((p, j) => requireOneOf(p, CONTRAST_PHASES, `${f}.contrastPhases.${j}`)),
      manufacturers: texts(r['manufacturers'], `${f}.manufacturers`),
    };
    const constrains = Object.entries(rule).some(([k, v]) => k !== 'modality' && v !== null);
    if (!constrains) reject(AcquisitionErrors.INVALID_PROTOCOL_RULE, f, `${f} constrains no parameter`);
    return rule;
  });
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    if (seen.has(r.modality)) reject(AcquisitionErrors.DUPLICATE_PROTOCOL_MODALITY, `rules.${i}.modality`, `Two rules for ${r.modality}`);
    seen.add(r.modality);
  });
  return { name, rules };
}

const showRange = (r: ParameterRange): string => (r.min !== null && r.max !== null ? `${r.min}–${r.max}` : r.min !== null ? `≥ ${r.min}` : `≤ ${r.max}`);
const inRange = (r: ParameterRange, v: number): boolean => (r.min === null || v >= r.min) && (r.max === null || v <= r.max);

/**
 * The deviations of a study from the protocol, in a fixed order (parameter, then series). A study of a modality the
 * protocol has no rule for is not checked (empty). Series-level parameters (slice thickness, kernel, contrast phase,
 * pixel spacing) are checked on each series that states them, and on the study's own value when no series does: a
 * study whose every reconstruction is listed is judged by those, not by a summary value.
 */
export function protocolDeviations(protocol: AcquisitionProtocol, modality: ImagingModality, p: AcquisitionParameters): ProtocolDeviation[] {
  const rule = protocol.rules.find((r) => r.modality === modality);
  if (!rule) return [];
  const out: ProtocolDeviation[] = [];
  const numeric = (parameter: BoundedParameter, allowed: ParameterRange | null, values: readonly { v: number | null; series: string | null }[]): void => {
    if (!allowed) return;
    for (const { v, series } of values) {
      if (v === null) out.push({ parameter, kind: 'not_recorded', actual: null, expected: showRange(allowed), seriesInstanceUid: series });
      else if (!inRange(allowed, v)) out.push({ parameter, kind: 'out_of_range', actual: String(v), expected: showRange(allowed), seriesInstanceUid: series });
    }
  };
  const coded = (parameter: ProtocolParameter, allowed: readonly string[] | null, values: readonly { v: string | null; series: string | null }[]): void => {
    if (!allowed) return;
    const lower = allowed.map((a) => a.toLowerCase());
    for (const { v, series } of values) {
      if (v === null) out.push({ parameter, kind: 'not_recorded', actual: null, expected: allowed.join(', '), seriesInstanceUid: series });
      else if (!lower.includes(v.toLowerCase()))
        out.push({ parameter, kind: 'not_allowed', actual: v, expected: allowed.join(', '), seriesInstanceUid: series });
    }
  };
  /** Per series when any series states the parameter, else the study's value. */
  const perSeries = <T>(own: T | null, pick: (s: AcquisitionParameters['series'][number]) => T | null): { v: T | null; series: string | null }[] => {
    const stated = p.series.filter((s) => pick(s) !== null);
    return stated.length > 0 ? stated.map((s) => ({ v: pick(s), series: s.seriesInstanceUid })) : [{ v: own, series: null }];
  };
  const study = <T>(v: T | null) => [{ v, series: null }];
  coded('manufacturer', rule.manufacturers, study(p.scanner.manufacturer));
  numeric('kvp', rule.kvp, study(p.kvp));
  numeric('tubeCurrentMa', rule.tubeCurrentMa, study(p.tubeCurrentMa));
  numeric('fieldStrengthT', rule.fieldStrengthT, study(p.fieldStrengthT));
  numeric(
    'sliceThicknessMm',
    rule.sliceThicknessMm,
    perSeries(p.sliceThicknessMm, (s) => s.sliceThicknessMm),
  );
  // The coarser of the two spacings decides (it limits the in-plane resolution).
  const spacing = (s: readonly [number, number] | null): number | null => (s === null ? null : Math.max(s[0], s[1]));
  numeric(
    'pixelSpacingMm',
    rule.pixelSpacingMm,
    perSeries(spacing(p.pixelSpacingMm), (s) => spacing(s.pixelSpacingMm)),
  );
  coded(
    'reconstructionKernel',
    rule.reconstructionKernels,
    perSeries(p.reconstructionKernel, (s) => s.reconstructionKernel),
  );
  coded(
    'contrastPhase',
    rule.contrastPhases,
    perSeries(p.contrastPhase, (s) => s.contrastPhase),
  );
  return out;
}
