import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '../event-store.js';
import { PostgresEventStore } from '../postgres/postgres-event-store.js';

/** Injection token of the configured EventStore adapter. */
export const EVENT_STORE = Symbol('EVENT_STORE');

export interface EventStoreModuleOptions {
  readonly adapter: 'postgres';
  readonly connectionString: string;
  readonly poolSize?: number;
}

@Injectable()
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Global()
@Module({})
export class EventStoreModule {
  static forRoot(options: EventStoreModuleOptions): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: EVENT_STORE, useFactory: (): EventStore => new PostgresEventStore({ connectionString: options.connectionString, poolSize: options.poolSize }) },
        EventStoreLifecycle,
      ],
      exports: [EVENT_STORE],
    };
  }
}
