import { reject } from '../domain.errors.js';
import type { BiomarkerValueType } from '../biomarker/biomarker.events.js';
import { toCanonical } from '../biomarker/biomarker.units.js';
import { InputErrors, MaxLength, requireObject, requireText } from '../biomarker/input.guards.js';
import { SubjectErrors } from './subject.errors.js';
import type { MeasurementResult } from './subject.events.js';

export interface EvaluatedValue {
  readonly result: MeasurementResult;
  /** The override reason, kept only when the value actually needed it. */
  readonly overrideReason: string | null;
}

export interface DeclaredRange {
  readonly min: number;
  readonly max: number;
}

/**
 * The one check of an AI output against the range its producer declared — an algorithm version's score range for
 * screening readings, the biomarker's plausible range for AI measurements (in the canonical unit). Outside is a
 * malfunction or a mis-mapped output, never a rare patient: refused with VALUE_OUT_OF_RANGE, no override (a reader
 * who believes such a value records it as a manual measurement with a plausibility override reason).
 */
export function requireWithinDeclaredRange(value: number, range: DeclaredRange, field: string, declaredBy: string, unit?: string): number {
  if (!Number.isFinite(value)) reject(InputErrors.NOT_FINITE, field, `${field} must be a finite number (not NaN or Infinity)`);
  if (value < range.min || value > range.max) {
    const u = unit ? ` ${unit}` : '';
    reject(SubjectErrors.VALUE_OUT_OF_RANGE, field, `${value}${u} lies outside the range ${range.min}–${range.max}${u} declared by ${declaredBy}`, {
      min: range.min,
      max: range.max,
      ...(unit ? { unit } : {}),
      declaredBy,
    });
  }
  return value;
}

/**
 * Checks a reported value against one biomarker version: the shape must match the value type, a quantity must be
 * finite and convertible into the canonical unit and lie in the plausible range (or carry an override reason),
 * a category must be one of the allowed ones. An AI output (`aiOutput`) gets no override: outside the plausible
 * range it is refused with VALUE_OUT_OF_RANGE (requireWithinDeclaredRange).
 */
export function evaluateValue(
  valueType: BiomarkerValueType,
  input: unknown,
  field: string,
  overrideReason: string | null,
  options: { readonly aiOutput?: { readonly declaredBy: string } } = {},
): EvaluatedValue {
  const v = requireObject(input, field);
  if (valueType.kind === 'quantitative') {
    if (!('value' in v) && 'category' in v) reject(SubjectErrors.VALUE_TYPE_MISMATCH, field, 'This biomarker is quantitative: give value and unit');
    const canonical = toCanonical(v['value'], v['unit'], valueType.unit, field);
    const { min, max } = valueType.plausibleRange;
    if (options.aiOutput) requireWithinDeclaredRange(canonical.value, valueType.plausibleRange, `${field}.value`, options.aiOutput.declaredBy, valueType.unit);
    const outside = canonical.value < min || canonical.value > max;
    if (outside && overrideReason === null) {
      reject(
        SubjectErrors.VALUE_OUT_OF_PLAUSIBLE_RANGE,
        `${field}.value`,
        `${canonical.value} ${canonical.unit} lies outside the plausible range ${min}–${max} ${valueType.unit}; give plausibilityOverrideReason to keep it`,
        { min, max, unit: valueType.unit, canonicalValue: canonical.value },
      );
    }
    return {
      result: { kind: 'quantitative', originalValue: v['value'] as number, originalUnit: v['unit'] as string, value: canonical.value, unit: canonical.unit },
      overrideReason: outside ? overrideReason : null,
    };
  }
  if ('value' in v || 'unit' in v) reject(SubjectErrors.VALUE_TYPE_MISMATCH, field, 'This biomarker is categorical: give category');
  const category = requireText(v['category'], `${field}.category`, MaxLength.code);
  if (!valueType.categories.includes(category)) {
    reject(SubjectErrors.CATEGORY_NOT_ALLOWED, `${field}.category`, `${category} is not one of ${valueType.categories.join(', ')}`, {
      allowed: [...valueType.categories],
    });
  }
  return { result: { kind: 'categorical', category }, overrideReason: null };
}

const STAGE = /^(0|IS|I|II|III|IV)([A-C][1-3]?)?$|^UNKNOWN$/;

/** Stage group (AJCC/UICC): 0, IS, I–IV with optional A–C and 1–3 sub-groups, or UNKNOWN. */
export function optionalStage(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  const stage = requireText(value, field, 8).toUpperCase();
  if (!STAGE.test(stage)) reject(SubjectErrors.INVALID_STAGE, field, 'A stage is a stage group such as 0, IA, IIB, IIIC, IV or UNKNOWN');
  return stage;
}
