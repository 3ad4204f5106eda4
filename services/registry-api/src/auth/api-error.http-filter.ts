import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError } from '../graphql/error-mapping.js';

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_USER_INPUT: 400 };

/** For plain HTTP routes (e.g. the audit export): an ApiError from the guard or handler becomes a GraphQL-shaped error body. */
@Catch(ApiError)
export class ApiErrorHttpFilter implements ExceptionFilter {
  catch(error: ApiError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    res.status(STATUS[error.code] ?? 500).json({ errors: [{ message: error.message, extensions: { code: error.code, ...(error.field ? { field: error.field } : {}) } }] });
  }
}
