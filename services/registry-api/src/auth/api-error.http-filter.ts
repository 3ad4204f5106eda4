import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError, restStatusOf } from '../graphql/error-mapping.js';

/** For plain HTTP routes (e.g. the audit export): an ApiError from the guard or handler becomes a GraphQL-shaped error body. */
@Catch(ApiError)
export class ApiErrorHttpFilter implements ExceptionFilter {
  catch(error: ApiError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    res
      .status(restStatusOf(error.code))
      .json({ errors: [{ message: error.message, extensions: { code: error.code, ...(error.field ? { field: error.field } : {}) } }] });
  }
}
