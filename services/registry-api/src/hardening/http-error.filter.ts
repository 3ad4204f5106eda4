import { randomUUID } from 'node:crypto';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { DomainError } from '#domain';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ApiError, HTTP_STATUS_OF_CODE, isDatabaseUnavailable, SERVICE_UNAVAILABLE_MESSAGE } from '../graphql/error-mapping.js';

/** body-parser's error types (http-errors `type`), as the request field the client must change. */
const BODY_ERRORS: Record<string, { code: string; message?: string }> = {
  'entity.parse.failed': { code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' },
  'entity.too.large': { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than the server accepts' },
  'entity.verify.failed': { code: 'BAD_REQUEST' },
  'request.aborted': { code: 'BAD_REQUEST', message: 'The request was aborted' },
  'request.size.invalid': { code: 'BAD_REQUEST', message: 'The request body is shorter or longer than its Content-Length' },
  'encoding.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE' },
  'charset.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE' },
};

const BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

function codeOfStatus(status: number): string {
  return BY_STATUS[status] ?? (STATUS_CODES[status] ?? 'ERROR').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/**
 * Every error of a plain HTTP route, and of Express itself (body parser, unknown route), answered in the one body
 * shape of the API: `{errors: [{message, extensions: {code, field?}}]}`, so a client parses 400, 404, 413 and 503
 * the same way as a GraphQL error. Unexpected errors are logged with a correlation id and masked, as in
 * graphql/error-mapping.ts; a database outage is SERVICE_UNAVAILABLE (503, Retry-After). GraphQL errors never
 * reach this filter's body: they are rethrown to Apollo's formatter.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    if (res.headersSent) return void res.end();
    const deliberate = exception instanceof HttpException ? exception.getResponse() : undefined;
    // A route's own body (the health checks' terminus report) is kept; Nest's default `{statusCode, message}` is not.
    if (deliberate && typeof deliberate === 'object' && !('statusCode' in deliberate))
      return void res.status((exception as HttpException).getStatus()).json(deliberate);
    const { status, code, message, field, retryAfterSeconds, correlationId } = this.describe(exception, req);
    if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
    res.status(status).json({ errors: [{ message, extensions: { code, ...(field ? { field } : {}), ...(correlationId ? { correlationId } : {}) } }] });
  }

  private describe(
    exception: unknown,
    req: Request,
  ): { status: number; code: string; message: string; field?: string; retryAfterSeconds?: number; correlationId?: string } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const cause = exception.cause as { type?: unknown } | undefined;
      const body = typeof cause?.type === 'string' ? BODY_ERRORS[cause.type] : undefined;
      if (body) return { status, code: body.code, message: body.message ?? exception.message, field: 'body' };
      if (status === 404) return { status, code: 'NOT_FOUND', message: `No route ${req.method} ${req.path}`, field: 'path' };
      return { status, code: codeOfStatus(status), message: exception.message };
    }
    if (exception instanceof ApiError || exception instanceof DomainError) {
      const status = exception.code === 'BAD_USER_INPUT' ? 400 : exception.code === 'FORBIDDEN' ? 403 : exception.code === 'UNAUTHENTICATED' ? 401 : 422;
      return { status, code: exception.code, message: exception.message, field: exception.field };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ err: exception, route: `${req.method} ${req.path}` }, 'database unavailable: answered SERVICE_UNAVAILABLE');
      const head = HTTP_STATUS_OF_CODE['SERVICE_UNAVAILABLE']!;
      return { status: head.status, code: 'SERVICE_UNAVAILABLE', message: SERVICE_UNAVAILABLE_MESSAGE, retryAfterSeconds: head.retryAfterSeconds };
    }
    const correlationId = randomUUID();
    this.logger.error({ err: exception, correlationId, route: `${req.method} ${req.path}` }, 'unexpected error in an HTTP route');
    return { status: 500, code: 'INTERNAL_SERVER_ERROR', message: `Internal error; quote correlation id ${correlationId}`, correlationId };
  }
}
