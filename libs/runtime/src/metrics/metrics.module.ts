import { Controller, Get, Global, Header, Inject, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { Public } from '../http/public-route.decorator.js';
import { COMMAND_OBSERVER, CommandMetrics } from './command-metrics.js';
import { GraphqlMetricsPlugin } from './graphql-metrics.plugin.js';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';

/** Prometheus text exposition of this process's registry (scraped per pod; see infra/k8s annotations). */
@Controller()
class MetricsController {
  constructor(@Inject(Registry) private readonly registry: Registry) {}

  @Public()
  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

@Global()
@Module({})
export class MetricsModule implements NestModule {
  /**
   * One prom-client Registry per application (not the global default), so several apps in one process (tests,
   * `npm start` with the embedded projector) never collide. Anything that wants metrics injects `Registry`:
   * EventStoreModule wraps the store, the projector registers its lag collector.
   */
  static forRoot(options: { readonly service: 'registry-api' | 'registry-projector' }): DynamicModule {
    const registry = new Registry();
    registry.setDefaultLabels({ service: options.service });
    collectDefaultMetrics({ register: registry });
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        { provide: Registry, useValue: registry },
        HttpMetricsMiddleware,
        GraphqlMetricsPlugin,
        { provide: COMMAND_OBSERVER, useClass: CommandMetrics },
      ],
      exports: [Registry, COMMAND_OBSERVER],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*path}');
  }
}
