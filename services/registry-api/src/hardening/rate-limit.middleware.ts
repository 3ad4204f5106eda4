import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Actor } from '../auth/actor.js';
import { actorOf } from '../auth/authentication.middleware.js';
import { ApiError } from '../graphql/error-mapping.js';

export const RATE_LIMIT = Symbol('RATE_LIMIT');
export interface RateLimit {
  readonly perMinute: number;
}

/**
 * Items of a batch mutation (recordMeasurements) that cost one request's worth of the limit. A batched item costs the
 * server far less than a request of its own (no HTTP, parsing, token check, access-log row or round trip of its own;
 * one shared append): bench:scale measured ≈ 1/30 of a single recordMeasurement. Ten per point keeps a batch well
 * above one request's worth (a batch of 500 costs 50 requests) while batching still pays off for the client.
 */
export const BATCH_ITEMS_PER_REQUEST = 10;

function keyOf(actor: Actor, req?: Request): string {
  return actor.unauthenticated ? `ip:${req?.ip ?? req?.socket.remoteAddress ?? 'unknown'}` : `actor:${actor.id}`;
}

/**
 * Requests per minute per user (token subject), or per client address before authentication, with rate-limiter-flexible.
 * In-process: behind several replicas the limit applies per replica (its Redis/PostgreSQL stores make it global).
 * @nestjs/throttler was tried first: it is CommonJS and `require`s the ESM-only @nestjs/common 12, which Jest cannot load.
 */
@Injectable()
export class RequestRateLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(@Inject(RATE_LIMIT) readonly limit: RateLimit) {
    this.limiter = new RateLimiterMemory({ points: limit.perMinute, duration: 60 });
  }

  consume(key: string, points = 1): Promise<RateLimiterRes> {
    return this.limiter.consume(key, points);
  }

  /**
   * The rest of a batch's cost, once its size is known (the request itself paid one point at the edge): ⌈items / 10⌉
   * points in all. Refused with RATE_LIMITED (HTTP 429, retryAfterSeconds) before anything of the batch is done.
   */
  async chargeBatch(actor: Actor, items: number): Promise<void> {
    const extra = Math.ceil(items / BATCH_ITEMS_PER_REQUEST) - 1;
    if (extra <= 0) return;
    try {
      await this.limiter.consume(keyOf(actor), extra);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const retry = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new ApiError(
        'RATE_LIMITED',
        `Too many requests: a batch of ${items} items counts as ${extra + 1} of at most ${this.limit.perMinute} per minute; retry in ${retry} s`,
        'items',
        { retryAfterSeconds: retry },
      );
    }
  }
}

/** Counts every HTTP request (not per resolver) against the limit of its actor; batches pay for their items on top. */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  constructor(private readonly limiter: RequestRateLimiter) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const perMinute = this.limiter.limit.perMinute;
    res.setHeader('RateLimit-Limit', String(perMinute));
    try {
      const r = await this.limiter.consume(keyOf(actorOf(req), req));
      res.setHeader('RateLimit-Remaining', String(r.remainingPoints));
      next();
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const retry = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      res.setHeader('Retry-After', String(retry));
      res.status(429).json({
        errors: [
          {
            message: `Too many requests: at most ${perMinute} per minute; retry in ${retry} s`,
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retry },
          },
        ],
      });
    }
  }
}
