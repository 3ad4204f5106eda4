import { Controller, Get, Inject, Logger, Module, Optional, Req, ServiceUnavailableException, type DynamicModule } from '@nestjs/common';
import type { Request } from 'express';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule, TypeOrmHealthIndicator, type HealthIndicatorResult } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { EVENT_STORE, type EventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { Public } from '../http/public-route.decorator.js';

/** Further readiness checks a deployable adds (the projector: leadership and lag), as terminus indicator functions. */
export type ReadinessCheck = () => Promise<HealthIndicatorResult>;
export const EXTRA_READINESS_CHECKS = Symbol('EXTRA_READINESS_CHECKS');

/**
 * What only a restart of this process can fix, for `/health/live`: the embedded PostgreSQL's supervisor gave up
 * (`alive` false). A database that is down but being restarted, or an external one, never fails liveness.
 */
export type LivenessProbe = () => { readonly alive: boolean; readonly state: string; readonly restarts: number; readonly lastExit?: string };
const LIVENESS_PROBE = Symbol('LIVENESS_PROBE');

/**
 * Whether a request may see the text of failed readiness indicators: the API says "an authenticated admin"; a
 * deployable without authentication (the projector) gives none and never shows it.
 */
export type ErrorDetailPolicy = (req: Request) => boolean;
const ERROR_DETAIL_POLICY = Symbol('ERROR_DETAIL_POLICY');

const TIMEOUT_MS = 3_000;
/** Fields of a failed indicator that carry error text (database host, role and database names): admins only. */
const ERROR_TEXT_KEYS = new Set(['message', 'error', 'stack', 'cause', 'detail', 'reason']);

/**
 * `/health/live`: the process answers and nothing it supervises is beyond repair (an external database's outage
 * never restarts pods; the embedded database fails liveness only when its supervisor could not restart it).
 * `/health/ready`: PostgreSQL answers, every migration this build knows is applied, the event store answers,
 * plus the deployable's own checks. 503 with the failing indicator when not ready.
 */
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly typeorm: TypeOrmHealthIndicator,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(EXTRA_READINESS_CHECKS) private readonly extra: ReadinessCheck[] = [],
    @Optional() @Inject(LIVENESS_PROBE) private readonly liveness?: LivenessProbe,
    @Optional() @Inject(ERROR_DETAIL_POLICY) private readonly showsErrorDetail?: ErrorDetailPolicy,
  ) {}

  @Public()
  @Get('live')
  @HealthCheck()
  live() {
    const probe = this.liveness;
    if (!probe) return this.health.check([]);
    return this.health.check([
      async () => {
        const { alive, ...detail } = probe();
        const check = this.indicators.check('embedded_database');
        return alive ? check.up(detail) : check.down(detail);
      },
    ]);
  }

  private readonly log = new Logger('Health');

  /**
   * 503 names the failing checks to everyone (for load balancers), but their detail (database error text, which
   * can name hosts, roles and databases) only to an authenticated admin; the log always has it.
   */
  @Public()
  @Get('ready')
  async ready(@Req() req: Request) {
    try {
      return await this.readiness();
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const body = err.getResponse() as { status: string; info?: Record<string, unknown>; error?: Record<string, unknown>; details?: Record<string, unknown> };
      this.log.warn({ readiness: body }, 'not ready');
      if (this.showsErrorDetail?.(req)) throw err;
      // Status, pending migrations, lag and roles stay; the text of an error does not.
      const withoutText = (v: unknown) => Object.fromEntries(Object.entries((v ?? {}) as Record<string, unknown>).filter(([k]) => !ERROR_TEXT_KEYS.has(k)));
      const brief = (o?: Record<string, unknown>) => Object.fromEntries(Object.entries(o ?? {}).map(([name, v]) => [name, withoutText(v)]));
      throw new ServiceUnavailableException({ status: body.status, info: brief(body.info), error: brief(body.error), details: brief(body.details) });
    }
  }

  private readiness() {
    return this.health.check([
      () => this.typeorm.pingCheck('database', { timeout: TIMEOUT_MS }),
      () => this.migrations(),
      () =>
        this.indicators
          .check('event_store')
          .attempt(async () => {
            // The cheapest call every adapter has: one event (or none) from the start of the log.
            await this.store.readAll({ maxCount: 1 });
          })
          .withTimeout(TIMEOUT_MS),
      ...this.extra,
    ]);
  }

  private async migrations(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('migrations');
    try {
      const rows = (await this.dataSource.query(`SELECT name FROM migrations`)) as { name: string }[];
      const applied = new Set(rows.map((r) => r.name));
      const pending = this.dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((n) => !applied.has(n));
      return pending.length === 0 ? check.up({ applied: applied.size }) : check.down({ pending });
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }
}

@Module({})
export class HealthModule {
  static forRoot(options: { liveness?: LivenessProbe; showsErrorDetail?: ErrorDetailPolicy } = {}): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
      controllers: [HealthController],
      providers: [
        ...(options.liveness ? [{ provide: LIVENESS_PROBE, useValue: options.liveness }] : []),
        ...(options.showsErrorDetail ? [{ provide: ERROR_DETAIL_POLICY, useValue: options.showsErrorDetail }] : []),
      ],
    };
  }
}
