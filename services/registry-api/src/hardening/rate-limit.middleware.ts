import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { actorOf } from '../auth/authentication.middleware.js';

export const RATE_LIMIT = Symbol('RATE_LIMIT');
export interface RateLimit {
  readonly perMinute: number;
}

/**
 * Requests per minute per user (token subject), or per client address before authentication, counted per HTTP
 * request (not per resolver) with rate-limiter-flexible. In-process: behind several replicas the limit applies per
 * replica (its Redis/PostgreSQL stores make it global). @nestjs/throttler was tried first: it is CommonJS and
 * `require`s the ESM-only @nestjs/common 12, which Jest cannot load.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  private readonly limiter: RateLimiterMemory;

  constructor(@Inject(RATE_LIMIT) private readonly limit: RateLimit) {
    this.limiter = new RateLimiterMemory({ points: limit.perMinute, duration: 60 });
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const actor = actorOf(req);
    const key = actor.unauthenticated ? `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}` : `actor:${actor.id}`;
    res.setHeader('RateLimit-Limit', String(this.limit.perMinute));
    try {
      const r = await this.limiter.consume(key);
      res.setHeader('RateLimit-Remaining', String(r.remainingPoints));
      next();
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const retry = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      res.setHeader('Retry-After', String(retry));
      res.status(429).json({ errors: [{ message: `Too many requests: at most ${this.limit.perMinute} per minute; retry in ${retry} s`, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retry } }] });
    }
  }
}
