import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
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
  | string;

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

/**
 * The one place where errors become GraphQL errors. Expected errors keep their stable code and the offending
 * field; anything else is logged with a correlation id and masked, so internals never reach a client.
 */
export function formatGraphqlError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (original instanceof DomainError) {
      return { ...base, message: original.message, extensions: { code: original.code, field: original.field, ...(original.details ? { details: jsonSafe(original.details) } : {}) } };
    }
    if (original instanceof ApiError) {
      return { ...base, message: original.message, extensions: { code: original.code, field: original.field, ...(original.details ? { details: jsonSafe(original.details) } : {}) } };
    }
    if (original instanceof WrongExpectedVersionError) {
      return {
        ...base,
        message: `${original.streamId} changed since you read it: expected version ${String(original.expectedRevision)}, current ${String(original.actualRevision)}`,
        extensions: { code: 'CONCURRENCY_CONFLICT', field: 'expectedVersion', currentVersion: original.actualRevision === 'no_stream' ? null : original.actualRevision.toString() },
      };
    }
    if (original instanceof IdempotencyConflictError) {
      return { ...base, message: 'this commandId was already used for a different command', extensions: { code: 'IDEMPOTENCY_CONFLICT', field: 'commandId' } };
    }
    if (original instanceof StreamBusyError) {
      // Retryable and not the client's fault: the same command (same commandId) may simply be sent again.
      return {
        ...base,
        message: 'the record is busy with concurrent writers; nothing was recorded — send the same command again after retryAfterSeconds',
        extensions: { code: 'BUSY', retryAfterSeconds: original.retryAfterSeconds },
      };
    }
    if (original instanceof InvalidEventError) {
      return { ...base, message: original.message, extensions: { code: 'INVALID_EVENT', field: original.field } };
    }
    // GraphQL's own parse/validation/coercion errors are the client's and safe to show.
    const code = formatted.extensions?.['code'];
    if (code === 'GRAPHQL_PARSE_FAILED' || code === 'GRAPHQL_VALIDATION_FAILED' || code === 'BAD_USER_INPUT' || code === 'BAD_REQUEST' || code === 'PERSISTED_QUERY_NOT_FOUND') {
      const field = code === 'BAD_USER_INPUT' ? coercionField(formatted.message) : undefined;
      return { ...base, extensions: { code, ...(field ? { field } : {}) } };
    }
    if (original instanceof GraphQLError && original.extensions?.['code'] === 'BAD_USER_INPUT') {
      const field = coercionField(formatted.message);
      return { ...base, extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } };
    }
    const correlationId = randomUUID();
    logger.error({ err: original, correlationId, path: formatted.path }, 'unexpected error in a GraphQL operation');
    return { message: `Internal error; quote correlation id ${correlationId}`, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId } };
  };
}

/** Retryable codes answered with HTTP 503 and `Retry-After` (seconds) instead of 200, so clients and proxies back off. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['BUSY']);

/** Sets HTTP 503 + Retry-After when a response carries a retryable error code (formatted by `formatGraphqlError`). */
export function retryableErrorsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const retryable = (response.body.singleResult.errors ?? []).filter((e) => RETRYABLE_CODES.has(String(e.extensions?.['code'])));
          if (retryable.length === 0) return;
          const seconds = Math.max(1, ...retryable.map((e) => Number(e.extensions?.['retryAfterSeconds'] ?? 1)));
          response.http.status = 503;
          response.http.headers.set('retry-after', String(Math.ceil(seconds)));
        },
      };
    },
  };
}
