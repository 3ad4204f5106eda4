import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { RATE_LIMIT, RateLimitMiddleware } from './rate-limit.middleware.js';

/** Per-user rate limit on every route; imported after AuthModule so the limit keys on the verified actor. */
@Module({})
export class HardeningModule implements NestModule {
  static forRoot(options: { perMinute: number }): DynamicModule {
    return { module: HardeningModule, providers: [{ provide: RATE_LIMIT, useValue: options }, RateLimitMiddleware] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RateLimitMiddleware).forRoutes('{*path}');
  }
}
