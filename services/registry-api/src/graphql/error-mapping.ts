import { randomUUID } from 'node:crypto';
import { IdempotencyConflictError, InvalidEventError, StreamBusyError, WrongExpectedVersionError } from '#event-store';
import { DomainError } from '#domain';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';

/** Error codes the API promises to clients (stable; documented in graphql/schema.graphql). */
export type ApiErrorCode =
  | 'BAD_USER_INPUT'
  | 'CONCURRENCY_CONFLICT'
  | 'IDEMPOTENCY_CONFLICT'
  | 'BUSY'
  | 'INVALID_EVENT'
  | 'PROJECTION_LAG_TIMEOUT'
  | 'INTERNAL_SERVER_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | string;

/**
 * The HTTP answer an error code calls for when it is the request's error, beyond GraphQL's default (200 with
 * `errors`). Retryable codes tell the client when to come back (`Retry-After`, seconds). Add a code here, not at
 * the place that raises it, so a GraphQL answer and a plain HTTP route answer alike (graphql/http-status.plugin.ts,
 * hardening/http-error.filter.ts).
 */
export const HTTP_STATUS_OF_CODE: Readonly<Record<string, { readonly status: number; readonly retryAfterSeconds?: number }>> = {
  // The database is down or restarting: nothing was done, the same request may succeed shortly.
  SERVICE_UNAVAILABLE: { status: 503, retryAfterSeconds: 5 },
  // Concurrent writers kept an unpinned command from its record past its budget: nothing was recorded, send it again.
  // The error's own `extensions.retryAfterSeconds` (the command runner's estimate) takes precedence.
  BUSY: { status: 503, retryAfterSeconds: 1 },
  // A batch whose items exceed the caller's rate limit (hardening/rate-limit.middleware.ts chargeBatch).
  RATE_LIMITED: { status: 429, retryAfterSeconds: 60 },
};

/**
 * The status of an expected error (an ApiError's or a domain error's code) answered on a plain HTTP route (audit
 * export, import), where there is no GraphQL `errors` array to carry it: the codes above, the access codes, and 400
 * for every other code a client can cause — never a 5xx for the client's own mistake.
 */
export function restStatusOf(code: string): number {
  return HTTP_STATUS_OF_CODE[code]?.status ?? REST_STATUS_OF_CODE[code] ?? 400;
}
const REST_STATUS_OF_CODE: Readonly<Record<string, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SNAPSHOT_NOT_FOUND: 404,
  EXPORT_JOB_NOT_FOUND: 404,
  IDEMPOTENCY_CONFLICT: 409,
};

/**
 * PostgreSQL SQLSTATEs that mean "the server cannot serve now", not "your statement is wrong" (appendix A).
 * 25006 (read-only transaction): a session that reached a primary just as it was demoted to a standby during an
 * HA failover; the registry itself never opens read-only transactions for writes, so nothing was done.
 */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|53300|53400|58030|25006)/;
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
// pg and pg-pool raise these as plain Errors without a code.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed|the database system is (starting up|shutting down|in recovery)|terminating connection due to administrator command|Cannot use a pool after calling end|Client was closed and is not queryable|connect ECONNREFUSED/i;

/**
 * Whether an error (or what it wraps: TypeORM's driverError, an Error's cause, GraphQL's originalError, an
 * AggregateError's errors) says the database could not be reached or is restarting. Such failures are retryable
 * and answered SERVICE_UNAVAILABLE, never masked as an internal error.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 6 || !error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (UNAVAILABLE_ERRNO.has(e.code) || (/^[0-9A-Z]{5}$/.test(e.code) && UNAVAILABLE_SQLSTATE.test(e.code)))) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  const inner = [e.driverError, e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((i) => i !== error && isDatabaseUnavailable(i, depth + 1));
}

/** The client-facing body of a database outage, the same for GraphQL and plain HTTP routes. */
export const SERVICE_UNAVAILABLE_MESSAGE = 'The registry database is unavailable; nothing was done. Retry in a few seconds.';

/**
 * A refusal raised before execution by the edge's input rules (NUL bytes, lone surrogates, impossible dates,
 * over-deep input: hardening/input-sanitation.ts), with the offending field as a path inside the argument.
 */
export class InputRejectedError extends GraphQLError {
  constructor(
    readonly code: string,
    message: string,
    readonly field: string,
  ) {
    super(message, { extensions: { code, field } });
    this.name = 'InputRejectedError';
  }
}

/** graphql-armor prefixes every limit refusal with "Syntax Error:", though the query parsed: say which limit. */
const ARMOR_LIMIT = /^Syntax Error: (Query Cost limit|Query depth limit|Aliases limit|Directives limit|Token limit)/;
const LIMIT_NAMES: Record<string, string> = {
  'Query Cost limit': 'cost',
  'Query depth limit': 'depth',
  'Aliases limit': 'aliases',
  'Directives limit': 'directives',
  'Token limit': 'tokens',
};

/** An expected failure raised outside a decider (e.g. a query that waited too long for the projector). */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function jsonSafe(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!details) return undefined;
  return JSON.parse(JSON.stringify(details, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>;
}

/**
 * The offending input field of a variable coercion error, in the same form as a decider's `field` (a path
 * inside the variable: `value.amount`), parsed from graphql-js's messages, which carry it only as text:
 * `Variable "$input" got invalid value … at "input.value.amount"; …` or `…; Field "commandId" of required type …`.
 */
export function coercionField(message: string): string | undefined {
  const at = /^Variable "\$[^"]+" got invalid value .*? at "([^"]+)";/s.exec(message)?.[1];
  const inner = /; Field "([^"]+)" (?:of required type|is not defined by type)/.exec(message)?.[1];
  const path = [at?.split('.').slice(1).join('.'), inner].filter((p): p is string => !!p).join('.');
  if (path) return path;
  return /^Variable "\$([^"]+)" got invalid value/.exec(message)?.[1];
}

/** A GraphQL error's message and extensions (code, field, …). */
export interface ExpectedError {
  readonly message: string;
  readonly extensions: { readonly code: string; readonly field?: string; readonly [key: string]: unknown };
}

/**
 * The client-facing form of an expected error (a decider's DomainError, an ApiError, the event store's typed
 * errors), or undefined for anything else (unexpected: logged and masked). Used for a request's errors and for
 * the per-item errors of a batch, so both say the same.
 */
export function expectedError(original: unknown): ExpectedError | undefined {
  if (original instanceof DomainError) {
    return {
      message: original.message,
      extensions: { code: original.code, field: original.field, ...(original.details ? { details: jsonSafe(original.details) } : {}) },
    };
  }
  if (original instanceof ApiError) {
    const retryAfterSeconds = original.details?.['retryAfterSeconds'];
    return {
      message: original.message,
      extensions: {
        code: original.code,
        field: original.field,
        ...(original.details ? { details: jsonSafe(original.details) } : {}),
        ...(typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {}),
      },
    };
  }
  if (original instanceof WrongExpectedVersionError) {
    return {
      message: `${original.streamId} changed since you read it: expected version ${String(original.expectedRevision)}, current ${String(original.actualRevision)}`,
      extensions: {
        code: 'CONCURRENCY_CONFLICT',
        field: 'expectedVersion',
        currentVersion: original.actualRevision === 'no_stream' ? null : original.actualRevision.toString(),
      },
    };
  }
  if (original instanceof IdempotencyConflictError) {
    return { message: 'this commandId was already used for a different command', extensions: { code: 'IDEMPOTENCY_CONFLICT', field: 'commandId' } };
  }
  if (original instanceof StreamBusyError) {
    // Retryable and not the client's fault: the same command (same commandId) may simply be sent again.
    return {
      message: 'the record is busy with concurrent writers; nothing was recorded — send the same command again after retryAfterSeconds',
      extensions: { code: 'BUSY', retryAfterSeconds: original.retryAfterSeconds },
    };
  }
  if (original instanceof InvalidEventError) {
    return { message: original.message, extensions: { code: 'INVALID_EVENT', field: original.field } };
  }
  return undefined;
}

/**
 * The one place where errors become GraphQL errors. Expected errors keep their stable code and the offending
 * field; anything else is logged with a correlation id and masked, so internals never reach a client.
 */
export function formatGraphqlError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (original instanceof InputRejectedError) {
      return { ...base, message: original.message, extensions: { code: original.code, field: original.field } };
    }
    if (isDatabaseUnavailable(original)) {
      logger.warn({ err: original, path: formatted.path }, 'database unavailable: answered SERVICE_UNAVAILABLE');
      const { retryAfterSeconds } = HTTP_STATUS_OF_CODE['SERVICE_UNAVAILABLE']!;
      return { message: SERVICE_UNAVAILABLE_MESSAGE, path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds } };
    }
    const expected = expectedError(original);
    if (expected) return { ...base, message: expected.message, extensions: expected.extensions };
    // GraphQL's own parse/validation/coercion errors are the client's and safe to show.
    const code = formatted.extensions?.['code'];
    if (code === 'GRAPHQL_VALIDATION_FAILED' && ARMOR_LIMIT.test(formatted.message)) {
      const limit = LIMIT_NAMES[ARMOR_LIMIT.exec(formatted.message)![1]!];
      return { ...base, message: formatted.message.replace(/^Syntax Error: /, 'Refused before execution: '), extensions: { code, field: 'query', limit } };
    }
    if (code === 'GRAPHQL_PARSE_FAILED') {
      // The request's `query` text is what the client must change (also when it has too many tokens).
      const limit = /Document contains more tha[nt] \d+ tokens/.test(formatted.message) ? { limit: 'tokens' } : {};
      return { ...base, extensions: { code, field: 'query', ...limit } };
    }
    if (code === 'OPERATION_RESOLUTION_FAILURE') {
      return { ...base, extensions: { code: 'UNKNOWN_OPERATION', field: 'operationName' } };
    }
    if (code === 'BAD_REQUEST' && /operationName|variables|extensions|`query`/.test(formatted.message)) {
      const field = /`?(operationName|variables|extensions|query)`?/.exec(formatted.message)?.[1];
      return { ...base, extensions: { code, ...(field ? { field } : {}) } };
    }
    if (
      code === 'GRAPHQL_PARSE_FAILED' ||
      code === 'GRAPHQL_VALIDATION_FAILED' ||
      code === 'BAD_USER_INPUT' ||
      code === 'BAD_REQUEST' ||
      code === 'PERSISTED_QUERY_NOT_FOUND'
    ) {
      const field = code === 'BAD_USER_INPUT' ? coercionField(formatted.message) : undefined;
      return { ...base, extensions: { code, ...(field ? { field } : {}) } };
    }
    if (original instanceof GraphQLError && original.extensions?.['code'] === 'BAD_USER_INPUT') {
      const field = coercionField(formatted.message);
      return { ...base, extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } };
    }
    const correlationId = randomUUID();
    logger.error({ err: original, correlationId, path: formatted.path }, 'unexpected error in a GraphQL operation');
    return {
      message: `Internal error; quote correlation id ${correlationId}`,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId },
    };
  };
}
