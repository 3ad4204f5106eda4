import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * The one logging configuration of every deployable (API, projector, their CLIs): JSON lines with pino, and no
 * secret or personal field in any line. A logged request used to carry its whole `authorization` header (a bearer
 * token that worked when copied from the log); now:
 * - the request serializer keeps method, path, id and address only, with secret query parameters blanked;
 * - `redact` blanks secret and personal fields wherever an object logged under one of these names carries them
 *   (an error's SQL parameters hold the values of a statement: personal data, pseudonyms, tokens);
 * - a last filter replaces anything shaped like a JWT in the finished line, whatever field or message holds it.
 */
export const REDACTED = '[REDACTED]';

/** Query parameters that may carry a credential (OAuth and common conventions). */
const SECRET_PARAMS = /^(access_token|id_token|refresh_token|token|code|api_key|apikey|key|password|secret|signature|sig|jwt|auth|authorization)$/i;

const SECRET_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'token',
  'accessToken',
  'access_token',
  'idToken',
  'refreshToken',
  'password',
  'secret',
  'bearer',
];
const PERSONAL_KEYS = ['personal', 'yearOfBirth', 'sex', 'comment', 'nationalId', 'dateOfBirth', 'variables'];

export const LOG_REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap((k) => [`["${k}"]`, `*["${k}"]`, `headers["${k}"]`, `*.headers["${k}"]`, `*.*.headers["${k}"]`]),
  ...PERSONAL_KEYS.flatMap((k) => [`["${k}"]`, `*["${k}"]`, `*.*["${k}"]`]),
  // Statement parameters of a failed query (TypeORM's QueryFailedError and the pg error inside it).
  'err.parameters',
  'err.driverError.parameters',
  '*.parameters',
];

const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

/** A finished log line without anything shaped like a token (the net under every other rule). */
export function scrubLine(line: string): string {
  return line.replace(JWT, REDACTED).replace(BEARER, `$1 ${REDACTED}`);
}

/** A URL with every credential-like query parameter blanked. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) if (SECRET_PARAMS.test(key)) params.set(key, REDACTED);
  return `${url.slice(0, q)}?${params.toString()}`;
}

/** What a log line says about a request: never its headers (credentials, cookies) nor its body. */
export function requestSummary(req: IncomingMessage & { id?: unknown; ip?: string }): Record<string, unknown> {
  return { id: req.id, method: req.method, url: redactUrl(req.url ?? ''), remoteAddress: req.socket?.remoteAddress };
}

/** pino options with the registry's redaction, for `pino()` and pino-http alike. */
export function loggerOptions(level: string, name?: string): LoggerOptions {
  return {
    level,
    ...(name ? { name } : {}),
    redact: { paths: [...LOG_REDACT_PATHS], censor: REDACTED },
    serializers: { req: requestSummary, request: requestSummary, err: pino.stdSerializers.err },
    hooks: { streamWrite: scrubLine },
  };
}

/** A logger of one component (`registry`, `graphql`, …) with the shared configuration. */
export function createLogger(level: string, name: string): Logger {
  return pino(loggerOptions(level, name));
}

/** nestjs-pino's `pinoHttp` options: the same redaction for Nest's own logs and every request-bound line. */
export function pinoHttpOptions(level: string) {
  return {
    ...loggerOptions(level),
    // Requests are logged by the GraphQL layer with their operation; keep the HTTP log to errors.
    autoLogging: false,
    genReqId: (req: IncomingMessage) => (req.headers['x-correlation-id'] as string | undefined) ?? randomUUID(),
    // pino-http serialises the request with its own serializer unless told otherwise: ours, without headers.
    serializers: { req: requestSummary, res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }), err: pino.stdSerializers.err },
    wrapSerializers: false,
  };
}
