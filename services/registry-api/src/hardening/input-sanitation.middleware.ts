import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { fieldOf, findUnsafeInput, unsafeTextReason, type UnsafeInput } from './input-sanitation.js';

/**
 * Runs the edge's input rules (input-sanitation.ts) on every request before a route or Apollo sees it: the query
 * parameters of every route, and a GraphQL request's `operationName` and `variables` (also a GET's, which arrive
 * as JSON text). A refusal is the same GraphQL-shaped 400 body as every other error.
 */
@Injectable()
export class InputSanitationMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const problem = problemOf(req);
    if (!problem) return next();
    res.status(400).json({ errors: [{ message: problem.message, extensions: { code: problem.code, field: problem.field } }] });
  }
}

function problemOf(req: Request): { code: string; message: string; field: string } | undefined {
  const inQuery = findUnsafeInput(req.query, 8);
  // req.path is relative to where Nest mounted the middleware; the original URL is not.
  const graphql = (req.originalUrl ?? req.url).split('?')[0]!.replace(/\/+$/, '') === '/graphql';
  if (inQuery && !(graphql && inQuery.path[0] === 'variables')) return asField(inQuery, false);
  if (!graphql) return undefined;
  const source = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined;
  if (!source || typeof source !== 'object' || Array.isArray(source)) return undefined; // Apollo answers these itself
  const { operationName } = source;
  if (operationName !== undefined && operationName !== null) {
    if (typeof operationName !== 'string') return { code: 'BAD_REQUEST', message: 'operationName must be a string', field: 'operationName' };
    const reason = unsafeTextReason(operationName);
    if (reason) return { code: 'INVALID_TEXT', message: `operationName ${reason}`, field: 'operationName' };
  }
  let variables = source['variables'];
  if (typeof variables === 'string' && req.method === 'GET') {
    try {
      variables = JSON.parse(variables);
    } catch {
      return undefined; // Apollo: "variables in a GET request must be JSON" (400)
    }
  }
  const unsafe = findUnsafeInput(variables);
  // Variables are named like graphql-js names a coercion error's field: a path inside the variable, or its name.
  return unsafe ? asField(unsafe, true) : undefined;
}

function asField(u: UnsafeInput, dropVariableName: boolean): { code: string; message: string; field: string } {
  return { code: u.code, message: u.message, field: fieldOf(u.path, dropVariableName) };
}
