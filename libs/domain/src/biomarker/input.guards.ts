import { reject } from '../domain.errors.js';

/**
 * Runtime guards shared by every decider. Commands arrive from GraphQL/JSON, so the static types are a promise
 * the caller may break: each guard checks the runtime shape and rejects with a stable code and the field path.
 * (Lives in the biomarker folder only because the shared kernel files are owned elsewhere; see the report.)
 */
export const InputErrors = {
  FIELD_REQUIRED: 'FIELD_REQUIRED',
  FIELD_TOO_LONG: 'FIELD_TOO_LONG',
  INVALID_TYPE: 'INVALID_TYPE',
  INVALID_TEXT: 'INVALID_TEXT',
  NOT_FINITE: 'NOT_FINITE',
  NOT_AN_INTEGER: 'NOT_AN_INTEGER',
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  INVALID_DATE: 'INVALID_DATE',
  DATE_IN_FUTURE: 'DATE_IN_FUTURE',
  INVALID_ENUM_VALUE: 'INVALID_ENUM_VALUE',
  INVALID_ID: 'INVALID_ID',
  DUPLICATE_VALUE: 'DUPLICATE_VALUE',
  REASON_REQUIRED: 'REASON_REQUIRED',
  TOO_MANY_ITEMS: 'TOO_MANY_ITEMS',
} as const;

/** Sane upper bounds: long enough for real data, short enough that a pasted document is refused. */
export const MaxLength = {
  id: 128,
  code: 64,
  name: 200,
  reason: 1000,
  text: 4000,
} as const;

// Control characters (other than tab/newline in long text) never belong in registry fields.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const LINE_BREAKS = /[\n\r\t]/;

export function requireText(value: unknown, field: string, max: number = MaxLength.name, options: { multiline?: boolean } = {}): string {
  if (value === undefined || value === null) reject(InputErrors.FIELD_REQUIRED, field, `${field} is required`);
  if (typeof value !== 'string') reject(InputErrors.INVALID_TYPE, field, `${field} must be a string`);
  const trimmed = value.trim();
  if (trimmed.length === 0) reject(InputErrors.FIELD_REQUIRED, field, `${field} must not be empty`);
  if (trimmed.length > max) reject(InputErrors.FIELD_TOO_LONG, field, `${field} must be at most ${max} characters`, { max });
  if (CONTROL_CHARS.test(trimmed) || (!options.multiline && LINE_BREAKS.test(trimmed))) {
    reject(InputErrors.INVALID_TEXT, field, `${field} contains control characters`);
  }
  return trimmed;
}

/** Optional text: absent, null or blank becomes null (events never carry `undefined`). */
export function optionalText(value: unknown, field: string, max: number = MaxLength.name, options: { multiline?: boolean } = {}): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value.trim().length === 0) return null;
  return requireText(value, field, max, options);
}

export function requireReason(value: unknown, field = 'reason'): string {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim().length === 0)) {
    reject(InputErrors.REASON_REQUIRED, field, 'A reason is required');
  }
  return requireText(value, field, MaxLength.reason, { multiline: true });
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** Identifiers become part of stream names (`<category>-<id>`), so they are restricted to a safe alphabet. */
export function requireId(value: unknown, field: string): string {
  const id = requireText(value, field, MaxLength.id);
  if (!ID_PATTERN.test(id)) reject(InputErrors.INVALID_ID, field, `${field} may contain only letters, digits and . _ : -`);
  return id;
}

export function optionalId(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  return requireId(value, field);
}

export function requireFiniteNumber(value: unknown, field: string): number {
  if (value === undefined || value === null) reject(InputErrors.FIELD_REQUIRED, field, `${field} is required`);
  if (typeof value !== 'number') reject(InputErrors.INVALID_TYPE, field, `${field} must be a number`);
  if (!Number.isFinite(value)) reject(InputErrors.NOT_FINITE, field, `${field} must be a finite number (not NaN or Infinity)`);
  return value;
}

export function optionalFiniteNumber(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  return requireFiniteNumber(value, field);
}

export function requireInteger(value: unknown, field: string, min: number, max: number): number {
  const n = requireFiniteNumber(value, field);
  if (!Number.isInteger(n)) reject(InputErrors.NOT_AN_INTEGER, field, `${field} must be an integer`);
  if (n < min || n > max) reject(InputErrors.OUT_OF_RANGE, field, `${field} must be between ${min} and ${max}`, { min, max });
  return n;
}

export function requireNumberInRange(value: unknown, field: string, min: number, max: number, exclusiveMin = false): number {
  const n = requireFiniteNumber(value, field);
  if ((exclusiveMin ? n <= min : n < min) || n > max) {
    reject(InputErrors.OUT_OF_RANGE, field, `${field} must be ${exclusiveMin ? 'greater than' : 'at least'} ${min} and at most ${max}`, { min, max });
  }
  return n;
}

export function requireBoolean(value: unknown, field: string): boolean {
  if (value === undefined || value === null) reject(InputErrors.FIELD_REQUIRED, field, `${field} is required`);
  if (typeof value !== 'boolean') reject(InputErrors.INVALID_TYPE, field, `${field} must be true or false`);
  return value;
}

export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (value === undefined || value === null) reject(InputErrors.FIELD_REQUIRED, field, `${field} is required`);
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    reject(InputErrors.INVALID_ENUM_VALUE, field, `${field} must be one of ${allowed.join(', ')}`, { allowed: [...allowed] });
  }
  return value as T;
}

export function optionalOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T | null {
  if (value === undefined || value === null) return null;
  return requireOneOf(value, allowed, field);
}

export function requireArray(value: unknown, field: string, minItems: number, maxItems: number): readonly unknown[] {
  if (value === undefined || value === null) reject(InputErrors.FIELD_REQUIRED, field, `${field} is required`);
  if (!Array.isArray(value)) reject(InputErrors.INVALID_TYPE, field, `${field} must be a list`);
  if (value.length < minItems) reject(InputErrors.FIELD_REQUIRED, field, `${field} needs at least ${minItems} item(s)`);
  if (value.length > maxItems) reject(InputErrors.TOO_MANY_ITEMS, field, `${field} may hold at most ${maxItems} items`, { max: maxItems });
  return value;
}

export function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) reject(InputErrors.FIELD_REQUIRED, field, `${field} is required`);
  if (typeof value !== 'object' || Array.isArray(value)) reject(InputErrors.INVALID_TYPE, field, `${field} must be an object`);
  return value as Record<string, unknown>;
}

export function requireUnique(values: readonly string[], field: string, code: string = InputErrors.DUPLICATE_VALUE): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) reject(code, `${field}.${i}`, `${field} contains "${v}" more than once`);
    seen.add(v);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Dates. Clinical dates are either calendar dates (YYYY-MM-DD: consent, outcome, diagnosis) or instants with an
// explicit offset (acquisition date-time). A date-time without an offset is ambiguous and refused.

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;
/** Calendar dates are entered in the site's time zone; allow the widest offset (UTC+14) before calling them future. */
const CALENDAR_DATE_FUTURE_TOLERANCE_MS = 14 * 3_600_000;
/** Instants may come from a scanner whose clock runs a little ahead of the server. */
const INSTANT_FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface ClinicalDate {
  /** `YYYY-MM-DD` for calendar dates, a UTC ISO-8601 instant otherwise. */
  readonly iso: string;
  /** Start of the day (calendar dates) or the instant, in epoch milliseconds: used for ordering only. */
  readonly ms: number;
  readonly dateOnly: boolean;
}

export function parseClinicalDate(value: unknown, field: string, options: { allowDateTime?: boolean } = {}): ClinicalDate {
  const text = requireText(value, field, 40);
  const m = DATE_ONLY.exec(text);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(y, mo - 1, d);
    const back = new Date(ms);
    if (y < 1900 || y > 2200 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
      reject(InputErrors.INVALID_DATE, field, `${field} is not a valid calendar date`);
    }
    return { iso: text, ms, dateOnly: true };
  }
  if (options.allowDateTime && DATE_TIME.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms) || new Date(ms).getUTCFullYear() < 1900 || new Date(ms).getUTCFullYear() > 2200) {
      reject(InputErrors.INVALID_DATE, field, `${field} is not a valid date-time`);
    }
    return { iso: new Date(ms).toISOString(), ms, dateOnly: false };
  }
  reject(
    InputErrors.INVALID_DATE,
    field,
    options.allowDateTime ? `${field} must be YYYY-MM-DD or an ISO-8601 date-time with an offset` : `${field} must be a date (YYYY-MM-DD)`,
  );
}

/** Re-reads a date that an event already stores (trusted, already validated). */
export function storedDate(iso: string): ClinicalDate {
  const dateOnly = DATE_ONLY.test(iso);
  return { iso, ms: dateOnly ? Date.parse(`${iso}T00:00:00Z`) : Date.parse(iso), dateOnly };
}

export function isInFuture(date: ClinicalDate, now: Date): boolean {
  const tolerance = date.dateOnly ? CALENDAR_DATE_FUTURE_TOLERANCE_MS : INSTANT_FUTURE_TOLERANCE_MS;
  return date.ms > now.getTime() + tolerance;
}

export function requireNotInFuture(date: ClinicalDate, now: Date, field: string): ClinicalDate {
  if (isInFuture(date, now)) reject(InputErrors.DATE_IN_FUTURE, field, `${field} (${date.iso}) lies in the future`);
  return date;
}

/** Day-granular ordering: a consent on day D allows a scan on day D at any hour. */
export function dayOf(date: ClinicalDate): number {
  return Math.floor(date.ms / DAY_MS);
}

export function isBeforeDay(date: ClinicalDate, reference: ClinicalDate): boolean {
  return dayOf(date) < dayOf(reference);
}

export function isAfterDay(date: ClinicalDate, reference: ClinicalDate): boolean {
  return dayOf(date) > dayOf(reference);
}
