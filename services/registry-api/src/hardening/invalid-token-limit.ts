import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory } from 'rate-limiter-flexible';

/**
 * Requests whose bearer token is refused (401) stop at authentication, before the per-user rate limit
 * (rate-limit.middleware.ts) ever sees them, so they went unlimited (12,769 in 8 s). This runs before
 * authentication: every refused token costs its client address one point, and an address out of points is
 * answered 429 before its token is even verified, unless the token was accepted recently (a valid user behind the
 * same address keeps being served). Valid tokens are never counted here.
 */
export function invalidTokenLimit(perMinute: number): RequestHandler {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  // Digests of tokens that authenticated lately (never the tokens themselves).
  const accepted = new LRUCache<string, true>({ max: 10_000, ttl: 5 * 60_000 });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.headers.authorization === undefined) return next();
    const key = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const digest = createHash('sha256').update(req.headers.authorization).digest('base64url');
    limiter.get(key).then(
      (state) => {
        if (state && state.consumedPoints >= perMinute && !accepted.has(digest)) {
          const retry = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
          res.setHeader('Retry-After', String(retry));
          res.status(429).json({
            errors: [
              {
                message: `Too many requests with a refused token from this address; retry in ${retry} s`,
                extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retry },
              },
            ],
          });
          return;
        }
        res.once('finish', () => {
          if (res.statusCode === 401) void limiter.penalty(key, 1).catch(() => undefined);
          else accepted.set(digest, true);
        });
        next();
      },
      (err: unknown) => next(err),
    );
  };
}
