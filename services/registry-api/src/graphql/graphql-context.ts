import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';

export interface RequestActor {
  readonly id: string;
  readonly role: string;
  /** True while no authentication is configured and the actor came from headers or the development default. */
  readonly unauthenticated: boolean;
}

export interface GraphqlContext {
  readonly req: Request;
  readonly res: Response;
  readonly correlationId: string;
  readonly actor: RequestActor;
}

/** Until authentication lands (issue 5) the actor is taken from headers, defaulting to a marked development actor. */
export const ANONYMOUS_DEVELOPER: RequestActor = Object.freeze({ id: 'anonymous-developer', role: 'development', unauthenticated: true });

const HEADER_VALUE = /^[A-Za-z0-9._@:-]{1,128}$/;

export function buildContext({ req, res }: { req: Request; res: Response }): GraphqlContext {
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return typeof v === 'string' && HEADER_VALUE.test(v) ? v : undefined;
  };
  const correlationId = header('x-correlation-id') ?? randomUUID();
  res.setHeader('x-correlation-id', correlationId);
  const actorId = header('x-actor-id');
  const actor = actorId ? { id: actorId, role: header('x-actor-role') ?? 'unknown', unauthenticated: true } : ANONYMOUS_DEVELOPER;
  return { req, res, correlationId, actor };
}
