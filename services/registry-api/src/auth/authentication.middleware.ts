import { Inject, Injectable, Optional, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ANONYMOUS, type Actor, type VerifiedActor } from './actor.js';
import { FORBIDDEN_MESSAGE, TokenRejectedError } from './auth.errors.js';
import { ACTOR_GRANTS, type ActorGrants } from '../access/actor-grants.service.js';
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
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    // AUTH_GRANTS=registry (access/README.md): the token's role and scopes count only as far as an active grant records them.
    @Optional() @Inject(ACTOR_GRANTS) private readonly grants?: ActorGrants,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const header = req.headers.authorization;
    if (header === undefined) return next();
    const match = BEARER.exec(header.trim());
    try {
      if (!match || header.length > 16_384) throw new TokenRejectedError('malformed', 'Authorization must be "Bearer <JWT>"');
      const actor = await this.verifier.verify(match[1]!);
      const granted = this.grants
        ? await this.grants.effectiveActor(actor).catch(() => {
            throw new TokenRejectedError('unavailable', 'role grants unavailable');
          })
        : actor;
      if (!granted) {
        // A valid token whose role no active grant records: every operation is refused, as the guard would.
        res.status(403);
        res.json({ errors: [{ message: FORBIDDEN_MESSAGE, extensions: { code: 'FORBIDDEN' } }] });
        return;
      }
      verified.set(req, granted);
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
