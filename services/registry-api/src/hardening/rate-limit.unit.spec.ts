import { describe, expect, it } from '@jest/globals';
import { inProcessActor } from '../commands/command-origin.js';
import { ApiError } from '../graphql/error-mapping.js';
import { RequestRateLimiter } from './rate-limit.middleware.js';

describe('the rate limit counts a batch by its items', () => {
  const actor = inProcessActor('rate-reader', 'reader');
  const remaining = async (limiter: RequestRateLimiter) => (await limiter.consume(`actor:${actor.id}`, 0)).remainingPoints;

  it('charges ⌈items / 10⌉ requests for a batch (the request itself paid one), nothing more for up to 10 items', async () => {
    const limiter = new RequestRateLimiter({ perMinute: 100 });
    await limiter.consume(`actor:${actor.id}`); // the edge's point for the HTTP request
    await limiter.chargeBatch(actor, 10);
    expect(await remaining(limiter)).toBe(99);
    await limiter.consume(`actor:${actor.id}`);
    await limiter.chargeBatch(actor, 500);
    // 100 - 1 (first request) - 50 (a batch of 500: its request's point and 49 more); probing costs nothing.
    expect(await remaining(limiter)).toBe(49);
  });

  it('refuses a batch that would exceed the limit with RATE_LIMITED on items and a retry time', async () => {
    const limiter = new RequestRateLimiter({ perMinute: 60 });
    await limiter.consume(`actor:${actor.id}`);
    await limiter.chargeBatch(actor, 500); // 50 of 60
    await limiter.consume(`actor:${actor.id}`);
    const err = await limiter.chargeBatch(actor, 200).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', field: 'items', details: { retryAfterSeconds: expect.any(Number) } });
  });
});
