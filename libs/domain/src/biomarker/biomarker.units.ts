import ucum from '@lhncbc/ucum-lhc';
import { reject } from '../domain.errors.js';
import { InputErrors, requireFiniteNumber } from './input.guards.js';
import { BiomarkerErrors } from './biomarker.errors.js';

/**
 * UCUM validation and conversion through @lhncbc/ucum-lhc (pure once loaded: the unit tables ship with the package).
 * Two deliberate tightenings over the library:
 *  - UCUM treats annotations (`{SUVbw}`) as the unit 1, so it would happily "convert" SUVbw into SUVlbm or a score
 *    into a percentage of something else; here annotations must match exactly.
 *  - Arbitrary and clinical units (Hounsfield `[hnsf'U]`, `[iU]`…) are defined as dimensionless, so the library
 *    converts HU into `%`; here they convert only into themselves.
 * DICOM writes SUV as `{SUVbw}g/mL` (annotation first), which strict UCUM grammar does not allow; the leading
 * annotation is split off, the rest validated, and the annotation kept as part of the unit's identity.
 */
const utils = ucum.UcumLhcUtils.getInstance();

const MAX_UNIT_LENGTH = 64;
const LEADING_ANNOTATION = /^\{([^{}]*)\}(.+)$/;
const ANNOTATION = /\{([^{}]*)\}/g;

interface ParsedUnit {
  readonly code: string;
  /** What the library is given: the code without a DICOM-style leading annotation. */
  readonly core: string;
  readonly annotations: readonly string[];
}

function parse(unit: string): ParsedUnit | undefined {
  if (unit.length === 0 || unit.length > MAX_UNIT_LENGTH || /\s/.test(unit)) return undefined;
  const annotations = [...unit.matchAll(ANNOTATION)].map((m) => m[1]!).sort();
  const leading = LEADING_ANNOTATION.exec(unit);
  const core = leading ? leading[2]! : unit;
  const validation = utils.validateUnitString(core, false);
  if (validation.status !== 'valid') return undefined;
  return { code: unit, core, annotations };
}

export function isValidUcumUnit(unit: unknown): unit is string {
  return typeof unit === 'string' && parse(unit) !== undefined;
}

/** Rejects with INVALID_UCUM_UNIT unless `unit` is a valid, case-sensitive UCUM code. */
export function requireUcumUnit(unit: unknown, field: string): string {
  if (unit === undefined || unit === null || unit === '') reject(InputErrors.FIELD_REQUIRED, field, `${field} is required`);
  if (typeof unit !== 'string') reject(InputErrors.INVALID_TYPE, field, `${field} must be a UCUM code`);
  if (!parse(unit)) reject(BiomarkerErrors.INVALID_UCUM_UNIT, field, `"${unit}" is not a valid UCUM unit (codes are case-sensitive, e.g. mm, mm2, cm3)`);
  return unit;
}

/** Float noise from the conversion factors (150.00000000000003) is not information: keep 12 significant digits. */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

export type UnitConversion = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

export function convertUnit(value: number, from: string, to: string): UnitConversion {
  const f = parse(from);
  const t = parse(to);
  if (!f) return { ok: false, message: `"${from}" is not a valid UCUM unit` };
  if (!t) return { ok: false, message: `"${to}" is not a valid UCUM unit` };
  if (f.annotations.join('|') !== t.annotations.join('|')) {
    return { ok: false, message: `${from} and ${to} carry different annotations` };
  }
  if (f.core === t.core) return { ok: true, value };
  const result = utils.convertUnitTo(f.core, value, t.core);
  // A finite value can overflow in conversion (1e308 cm → mm); that is reported as NOT_FINITE by toCanonical.
  if (result.status !== 'succeeded' || result.toVal === null || Number.isNaN(result.toVal)) {
    return { ok: false, message: `${from} cannot be converted to ${to}` };
  }
  const special = (u: { class_: string | null; isArbitrary_: boolean } | undefined) => !!u && (u.isArbitrary_ || u.class_ === 'clinical');
  if ((special(result.fromUnit) || special(result.toUnit)) && result.fromUnit?.csCode_ !== result.toUnit?.csCode_) {
    return { ok: false, message: `${from} is an arbitrary or clinical unit and converts only into itself, not ${to}` };
  }
  return { ok: true, value: tidy(result.toVal) };
}

/**
 * Converts a reported value into the biomarker's canonical unit, or rejects: NOT_FINITE for NaN/Infinity,
 * INVALID_UCUM_UNIT for an unknown code, UNIT_NOT_CONVERTIBLE when the dimensions (or annotations) differ.
 */
export function toCanonical(value: unknown, unit: unknown, canonicalUnit: string, field: string): { value: number; unit: string } {
  const v = requireFiniteNumber(value, `${field}.value`);
  const u = requireUcumUnit(unit, `${field}.unit`);
  const converted = convertUnit(v, u, canonicalUnit);
  if (!converted.ok) reject(BiomarkerErrors.UNIT_NOT_CONVERTIBLE, `${field}.unit`, converted.message, { unit: u, canonicalUnit });
  if (!Number.isFinite(converted.value)) reject(InputErrors.NOT_FINITE, `${field}.value`, 'The converted value is not finite');
  return { value: converted.value, unit: canonicalUnit };
}
