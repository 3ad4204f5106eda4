import { BiostatError } from '#biostat';
import { ApiError } from '../graphql/error-mapping.js';

/**
 * Runs one statistic for a response field. A `BiostatError` (too little data, no variation, no convergence…)
 * becomes an ApiError with the same stable code and the field it was computing, so the one error mapper reports
 * it as `extensions.code` / `extensions.field` and the sibling statistics still resolve. A non-finite number that
 * slipped through is refused the same way: NaN never reaches a response.
 */
export function statistic<T>(field: string, compute: () => T): T {
  let result: T;
  try {
    result = compute();
  } catch (err) {
    if (err instanceof BiostatError) throw new ApiError(err.code, `${field}: ${err.message}`, field, err.details ? { ...err.details } : undefined);
    throw err;
  }
  assertFinite(result, field);
  return result;
}

/** Walks a result and throws NON_FINITE_RESULT at the first NaN or ±Infinity, naming its path. */
export function assertFinite(value: unknown, path: string): void {
  const bad = nonFinitePath(value);
  if (bad !== null) throw new ApiError('NON_FINITE_RESULT', `${path}${bad} is not a finite number`, `${path}${bad}`);
}

/**
 * The path below `value` of its first non-finite number, or null. The path is only built on the way back from a
 * failure: a 100,000-point curve would otherwise allocate a path string per number.
 */
function nonFinitePath(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : '';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      // Numbers and nulls inline: curves are arrays of 25,000–100,000 of them.
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) return `[${i}]`;
        continue;
      }
      if (v === null || !(i in value)) continue;
      const bad = nonFinitePath(v);
      if (bad !== null) return `[${i}]${bad}`;
    }
    return null;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const k of Object.keys(value)) {
      const bad = nonFinitePath((value as Record<string, unknown>)[k]);
      if (bad !== null) return `.${k}${bad}`;
    }
  }
  return null;
}

/** ±Infinity thresholds (the ends of an ROC curve) are not representable in JSON/GraphQL: they become null. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
