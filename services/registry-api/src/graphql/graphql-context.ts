import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { type Actor } from '../auth/actor.js';
import { actorOf } from '../auth/authentication.middleware.js';

/** Who is calling: proven by the bearer token (auth/authentication.middleware.ts), or ANONYMOUS without one. */
export type RequestActor = Actor;

export interface GraphqlContext {
  readonly req: Request;
  readonly res: Response;
  readonly correlationId: string;
  readonly actor: RequestActor;
}

const HEADER_VALUE = /^[A-Za-z0-9._@:-]{1,128}$/;

export function buildContext({ req, res }: { req: Request; res: Response }): GraphqlContext {
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return typeof v === 'string' && HEADER_VALUE.test(v) ? v : undefined;
  };
  const correlationId = header('x-correlation-id') ?? randomUUID();
  res.setHeader('x-correlation-id', correlationId);
  // Never from client-supplied headers: event metadata's actor and role come from the verified token only.
  return { req, res, correlationId, actor: actorOf(req) };
}
