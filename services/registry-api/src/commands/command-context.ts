import { Global, Module, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE, EventStoreModule, type EventStore } from '#event-store';
import type { Clock } from './command-runner.js';
import { CommandsModule } from './commands.module.js';

export interface CommandContextOptions {
  /** PostgreSQL event store at this URL (the schema must be migrated), unless `store` is given. */
  readonly databaseUrl?: string;
  /** Any EventStore (e.g. InMemoryEventStore for unit tests); closed with the context. */
  readonly store?: EventStore;
  readonly poolSize?: number;
  /** The `*-commands.module.ts` modules whose handlers should be on the bus. */
  readonly modules: readonly (Type | DynamicModule)[];
  readonly clock?: Clock;
}

export interface CommandContext {
  readonly app: INestApplicationContext;
  readonly bus: CommandBus;
  readonly store: EventStore;
  close(): Promise<void>;
}

function storeModule(options: CommandContextOptions): DynamicModule {
  if (options.store) {
    @Global()
    @Module({})
    class GivenEventStoreModule {}
    return { module: GivenEventStoreModule, providers: [{ provide: EVENT_STORE, useValue: options.store }], exports: [EVENT_STORE] };
  }
  if (!options.databaseUrl) throw new Error('createCommandContext needs a databaseUrl or a store');
  return EventStoreModule.forRoot({ adapter: 'postgres', connectionString: options.databaseUrl, poolSize: options.poolSize });
}

/**
 * The write path without HTTP: a Nest application context with the event store, the CommandBus, the
 * CommandRunner and the given command modules. Integration tests, `npm run seed` and the command benchmark
 * dispatch through it, so they exercise exactly the handlers the GraphQL resolvers call.
 */
export async function createCommandContext(options: CommandContextOptions): Promise<CommandContext> {
  @Module({})
  class CommandContextRoot {}
  const app = await NestFactory.createApplicationContext(
    {
      module: CommandContextRoot,
      imports: [storeModule(options), CqrsModule.forRoot(), options.clock ? CommandsModule.withClock(options.clock) : CommandsModule, ...options.modules],
    },
    { logger: false, abortOnError: false },
  );
  await app.init();
  const store = app.get<EventStore>(EVENT_STORE);
  return {
    app,
    bus: app.get(CommandBus),
    store,
    async close() {
      await app.close();
      if (options.store) await options.store.close();
    },
  };
}
