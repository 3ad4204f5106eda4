import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import type { EventStore } from '../event-store.js';
import { eventStoreDbFromEnv } from '../eventstoredb/eventstoredb-event-store.js';
import { PostgresEventStore } from '../postgres/postgres-event-store.js';
import { MeteredEventStore } from './metered-event-store.js';

/** Injection token of the configured EventStore adapter. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** `EVENT_STORE=postgres|eventstoredb`: the adapter behind the port; everything else only sees the port. */
export type EventStoreModuleOptions =
  | { readonly adapter: 'postgres'; readonly connectionString: string; readonly poolSize?: number }
  | { readonly adapter: 'eventstoredb'; readonly connectionString: string };

export function createEventStore(options: EventStoreModuleOptions): EventStore {
  switch (options.adapter) {
    case 'postgres':
      return new PostgresEventStore({ connectionString: options.connectionString, poolSize: options.poolSize });
    case 'eventstoredb':
      // Reuses the adapter's own check of the connection string's scheme, so the message names the variable.
      return eventStoreDbFromEnv({ EVENTSTORE_CONNECTION_STRING: options.connectionString });
  }
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
  /**
   * When the application provides a prom-client `Registry` (the metrics module does), the store is wrapped in
   * MeteredEventStore; without one (tools, tests) the bare adapter is used.
   */
  static forRoot(options: EventStoreModuleOptions): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: EVENT_STORE,
          inject: [{ token: Registry, optional: true }],
          useFactory: (registry?: Registry): EventStore => {
            const store = createEventStore(options);
            return registry ? new MeteredEventStore(store, registry, options.adapter) : store;
          },
        },
        EventStoreLifecycle,
      ],
      exports: [EVENT_STORE],
    };
  }
}
export { MeteredEventStore, outcomeOf } from './metered-event-store.js';
