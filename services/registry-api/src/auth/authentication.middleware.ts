import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ANONYMOUS, type Actor, type VerifiedActor } from './actor.js';
import { TokenRejectedError } from './auth.errors.js';
import { TOKEN_VERIFIER, type TokenVerifier } from './token-verifier.js';

const verified = new WeakMap<Request, VerifiedActor>();

/** The actor proven by the request's bearer token, or ANONYMOUS when it carried none. */
export function actorOf(req: Request): Actor {
  return verified.get(req) ?? ANONYMOUS;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/**
 * Verifies the bearer token before GraphQL (or any route) sees the request. A request with no token goes on
 * as ANONYMOUS (the guard then refuses everything but @Public operations); a bad token stops here with 401
 * and a GraphQL-shaped body, so no resolver ever runs for it.
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware {
  constructor(@Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const header = req.headers.authorization;
    if (header === undefined) return next();
    const match = BEARER.exec(header.trim());
    try {
      if (!match || header.length > 16_384) throw new TokenRejectedError('malformed', 'Authorization must be "Bearer <JWT>"');
      verified.set(req, await this.verifier.verify(match[1]!));
      next();
    } catch (err) {
      const reason = err instanceof TokenRejectedError ? err : new TokenRejectedError('malformed', 'token malformed');
      const status = reason.reason === 'unavailable' ? 503 : 401;
      res.status(status);
      res.setHeader('WWW-Authenticate', `Bearer error="invalid_token", error_description="${reason.message}"`);
      res.json({ errors: [{ message: `Authentication failed: ${reason.message}`, extensions: { code: 'UNAUTHENTICATED', reason: reason.reason } }] });
    }
  }
}
