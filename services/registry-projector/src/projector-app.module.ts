import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventStoreModule, type EventStoreModuleOptions } from '#event-store';
import { LoggerModule } from 'nestjs-pino';
import { dataSourceOptions, migrationsOf } from '../../../migrations/data-source.js';
import { HealthModule, MetricsModule, pinoHttpOptions } from '#runtime';
import { LeadershipModule, ProjectorHealthModule, ProjectorModule } from '#projections';

/** The projector as its own deployable: subscriptions writing read models, plus /health and /metrics over HTTP. */
@Module({})
export class ProjectorAppModule {
  static forRoot(options: {
    databaseUrl: string;
    logLevel: string;
    poolSize: number;
    eventStore?: EventStoreModuleOptions;
    lockPollMs?: number;
  }): DynamicModule {
    return {
      module: ProjectorAppModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(options.logLevel) }),
        TypeOrmModule.forRoot(
          dataSourceOptions(options.databaseUrl, {
            extra: { max: options.poolSize },
            // With the events in a database of their own (EVENT_STORE_URL), this one holds only the read models' migrations.
            migrations: migrationsOf(
              options.eventStore?.adapter === 'postgres' && options.eventStore.connectionString !== options.databaseUrl ? 'read-models' : 'all',
            ),
          }),
        ),
        EventStoreModule.forRoot(options.eventStore ?? { adapter: 'postgres', connectionString: options.databaseUrl, poolSize: options.poolSize }),
        ProjectorModule,
        MetricsModule.forRoot({ service: 'registry-projector' }),
        HealthModule.forRoot(),
        LeadershipModule.forRoot({ connectionString: options.databaseUrl, pollIntervalMs: options.lockPollMs ?? 2_000 }),
        ProjectorHealthModule.forRoot({ adapter: options.eventStore?.adapter ?? 'postgres' }),
      ],
    };
  }
}
