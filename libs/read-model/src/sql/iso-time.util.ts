const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A moment in Date.prototype.toISOString's form, the one read models store and the API shows. Strings already in
 * that form (most event payloads and read-model rows) pass untouched instead of being parsed and printed again;
 * date-only values ('2026-01-31') are read as UTC midnight.
 */
export function isoString(value: Date | string): string {
  if (typeof value === 'string' && CANONICAL.test(value)) return value;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
