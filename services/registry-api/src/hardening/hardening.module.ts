import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { InputSanitationMiddleware } from './input-sanitation.middleware.js';
import { RATE_LIMIT, RateLimitMiddleware, RequestRateLimiter } from './rate-limit.middleware.js';

/**
 * Per-user rate limit (batches pay for their items: RequestRateLimiter.chargeBatch) and the edge's input rules on every route; imported after AuthModule so the limit keys on the
 * verified actor (requests whose token is refused are limited by address before that: invalid-token-limit.ts).
 */
@Module({})
export class HardeningModule implements NestModule {
  static forRoot(options: { perMinute: number }): DynamicModule {
    // Global: batch mutations charge their items to the same limiter (RequestRateLimiter.chargeBatch).
    return {
      module: HardeningModule,
      global: true,
      providers: [{ provide: RATE_LIMIT, useValue: options }, RequestRateLimiter, RateLimitMiddleware, InputSanitationMiddleware],
      exports: [RequestRateLimiter],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RateLimitMiddleware, InputSanitationMiddleware).forRoutes('{*path}');
  }
}
