import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { PROJECTIONS, type Projection } from './projections/projection.js';
import { ProjectionRunner } from './subscription/projection-runner.js';
import { PROJECTION_LEADERSHIP } from './leadership/leadership.module.js';
import type { ProjectionLeadership } from './leadership/projection-leadership.js';

/** Starts one runner per projection when the application boots and stops them cleanly on shutdown. */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private readonly runners: ProjectionRunner[];
  /** With leadership (several replicas), a projection runs only while this process holds its advisory lock. */
  private readonly startLed: (() => void) | undefined;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(PROJECTIONS) projections: Projection[],
    dataSource: DataSource,
    @Optional() @Inject(PROJECTION_LEADERSHIP) private readonly leadership?: ProjectionLeadership<Projection>,
  ) {
    const log = {
      log: (message: string, context?: Record<string, unknown>) => this.logger.log({ msg: message, ...context }),
      error: (message: string, context?: Record<string, unknown>) => this.logger.error({ msg: message, ...context }),
    };
    this.runners = projections.map((p) => new ProjectionRunner(p, store, dataSource, log));
    this.startLed = leadership && (() => leadership.start(projections, (p, fenced) => new ProjectionRunner(p, store, fenced, log)));
  }

  onApplicationBootstrap(): void {
    if (this.startLed) return this.startLed();
    for (const r of this.runners) r.start();
    this.logger.log(`projector started ${this.runners.length} projection(s)`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.leadership?.stop();
    await Promise.all(this.runners.map((r) => r.stop()));
  }
}
