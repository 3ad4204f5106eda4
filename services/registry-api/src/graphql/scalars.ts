import { isoString } from '#read-model';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** 64-bit positions travel as decimal strings: GraphQL's Int is 32-bit and JSON numbers lose precision. */
export const GlobalPositionScalar = new GraphQLScalarType({
  name: 'GlobalPosition',
  serialize: (v) => (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' ? String(v) : null),
  parseValue: (v) => parsePosition(v),
  parseLiteral: (ast) => parsePosition(ast.kind === Kind.STRING || ast.kind === Kind.INT ? ast.value : undefined),
});

function parsePosition(v: unknown): bigint {
  if ((typeof v === 'string' && /^\d{1,19}$/.test(v)) || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) return BigInt(v);
  throw new GraphQLError('GlobalPosition must be a non-negative integer as a decimal string', { extensions: { code: 'BAD_USER_INPUT' } });
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) => (v instanceof Date || typeof v === 'string' ? isoString(v) : null),
  parseValue: (v) => parseDate(v),
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

function parseDate(v: unknown): Date {
  const d = typeof v === 'string' && ISO.test(v) ? new Date(v) : undefined;
  // Years 1–9999 only: JavaScript accepts year 0 and PostgreSQL does not (it answered 500), and beyond 9999 the
  // ISO form needs a sign that no client expects back.
  if (!d || Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999 || !isCalendarDate(v as string)) {
    throw new GraphQLError('DateTime must be an ISO-8601 date or date-time in the years 0001–9999, e.g. 2026-11-27T10:00:00Z', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return d;
}

/** JavaScript rolls 2025-02-30 over to 2 March; a date that is not on the calendar is refused instead. */
function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(0);
  day.setUTCFullYear(y, m - 1, d);
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}
