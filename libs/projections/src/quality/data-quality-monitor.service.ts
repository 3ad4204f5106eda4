import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { DataQualityMonitor } from './data-quality-monitor.js';

/** Runs the data-quality monitor beside the projections, wherever the projector runs (its own deployable or embedded). */
@Injectable()
export class DataQualityMonitorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DataQualityMonitor');
  readonly monitor: DataQualityMonitor;

  constructor(@Inject(EVENT_STORE) store: EventStore) {
    this.monitor = new DataQualityMonitor(store, {
      log: (message, context) => this.logger.log({ msg: message, ...context }),
      error: (message, context) => this.logger.error({ msg: message, ...context }),
    });
  }

  onApplicationBootstrap(): void {
    this.monitor.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.monitor.stop();
  }
}
