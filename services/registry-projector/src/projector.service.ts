import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { PROJECTIONS, type Projection } from './projections/projection.js';
import { ProjectionRunner } from './subscription/projection-runner.js';

/** Starts one runner per projection when the application boots and stops them cleanly on shutdown. */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private readonly runners: ProjectionRunner[];

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(PROJECTIONS) projections: Projection[],
    dataSource: DataSource,
  ) {
    const log = {
      log: (message: string, context?: Record<string, unknown>) => this.logger.log({ msg: message, ...context }),
      error: (message: string, context?: Record<string, unknown>) => this.logger.error({ msg: message, ...context }),
    };
    this.runners = projections.map((p) => new ProjectionRunner(p, store, dataSource, log));
  }

  onApplicationBootstrap(): void {
    for (const r of this.runners) r.start();
    this.logger.log(`projector started ${this.runners.length} projection(s)`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }
}
