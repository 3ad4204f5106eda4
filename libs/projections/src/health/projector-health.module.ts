import { Global, Inject, Injectable, Module, Optional, type DynamicModule } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Gauge, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { EXTRA_READINESS_CHECKS, type ReadinessCheck } from '#runtime';
import { PROJECTION_LEADERSHIP } from '../leadership/leadership.module.js';
import type { ProjectionLeadership } from '../leadership/projection-leadership.js';
import { measureLag, type LagSnapshot } from './projector-lag.js';

/**
 * Projector lag for /metrics and /health/ready. Every replica reports it (leader and standby alike: lag is a
 * property of the database, so an alert works whichever replica Prometheus reaches); leadership is per process.
 */
@Injectable()
export class ProjectorLag {
  private inflight: Promise<LagSnapshot> | undefined;

  constructor(
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject('PROJECTOR_LAG_ADAPTER') private readonly adapter: 'postgres' | 'eventstoredb',
    @Optional() @Inject(Registry) registry?: Registry,
  ) {
    if (registry) this.register(registry);
  }

  /** One measurement per scrape: the gauges, collected concurrently by prom-client, share the one in flight. */
  snapshot(): Promise<LagSnapshot> {
    this.inflight ??= measureLag(this.dataSource, this.store, this.adapter).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private register(registry: Registry): void {
    const snapshot = () => this.snapshot();
    const perProjection = (name: string, help: string, value: (p: LagSnapshot['projections'][number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['projection'],
        registers: [registry],
        async collect() {
          const s = await snapshot();
          this.reset();
          for (const p of s.projections) this.set({ projection: p.name }, value(p));
        },
      });
    perProjection('registry_projector_lag_events', 'Events in the store after the projection checkpoint', (p) => p.lagEvents);
    perProjection('registry_projector_lag_seconds', 'Age of the oldest event the projection has not applied yet (0 when caught up)', (p) => p.lagSeconds);
    perProjection('registry_projector_checkpoint_position', 'Global position of the last event the projection applied (-1 before the first)', (p) =>
      p.checkpoint === null ? -1 : Number(p.checkpoint),
    );
    perProjection('registry_projector_failed', '1 when the projection stopped on a failing event and needs a rebuild', (p) => (p.state === 'failed' ? 1 : 0));
    if (this.adapter === 'postgres') {
      new Gauge({
        name: 'registry_event_store_head_position',
        help: 'Last global position in the PostgreSQL event store (-1 when empty)',
        registers: [registry],
        async collect() {
          const s = await snapshot();
          this.set(s.head === null ? -1 : Number(s.head));
        },
      });
    }
  }
}

/** Readiness of a projector process: its lock connection works (leader or standby, both are doing their job). */
export function projectorReadiness(indicators: HealthIndicatorService, lag: ProjectorLag, leadership?: ProjectionLeadership): ReadinessCheck {
  return async (): Promise<HealthIndicatorResult> => {
    const check = indicators.check('projector');
    const roles = leadership?.status() ?? [];
    let lagByName = new Map<string, { lagEvents: number; lagSeconds: number; state: string }>();
    try {
      lagByName = new Map((await lag.snapshot()).projections.map((p) => [p.name, p]));
    } catch (err) {
      return check.down({ message: `cannot measure lag: ${(err as Error).message}` });
    }
    const projections = roles.map((r) => ({
      ...r,
      lagEvents: lagByName.get(r.name)?.lagEvents ?? null,
      lagSeconds: lagByName.get(r.name)?.lagSeconds ?? null,
    }));
    if (roles.some((r) => r.role === 'disconnected')) return check.down({ message: 'the leadership lock connection is down', projections });
    if ([...lagByName.values()].some((p) => p.state === 'failed')) return check.degraded({ message: 'a projection is failed', projections });
    return check.up({ projections });
  };
}

@Global()
@Module({})
export class ProjectorHealthModule {
  static forRoot(options: { readonly adapter: 'postgres' | 'eventstoredb' }): DynamicModule {
    return {
      module: ProjectorHealthModule,
      providers: [
        { provide: 'PROJECTOR_LAG_ADAPTER', useValue: options.adapter },
        ProjectorLag,
        HealthIndicatorService,
        {
          provide: EXTRA_READINESS_CHECKS,
          inject: [HealthIndicatorService, ProjectorLag, { token: PROJECTION_LEADERSHIP, optional: true }],
          useFactory: (indicators: HealthIndicatorService, lag: ProjectorLag, leadership?: ProjectionLeadership): ReadinessCheck[] => [
            projectorReadiness(indicators, lag, leadership),
          ],
        },
      ],
      exports: [ProjectorLag, EXTRA_READINESS_CHECKS],
    };
  }
}
