import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventStoreModule, type EventStoreModuleOptions } from '#event-store';
import { LoggerModule } from 'nestjs-pino';
import { dataSourceOptions } from '../../../migrations/data-source.js';
import { ProjectorModule } from './projector.module.js';

/** The projector as its own deployable: no HTTP, just subscriptions writing read models. */
@Module({})
export class ProjectorAppModule {
  static forRoot(options: { databaseUrl: string; logLevel: string; poolSize: number; eventStore?: EventStoreModuleOptions }): DynamicModule {
    return {
      module: ProjectorAppModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: { level: options.logLevel, autoLogging: false } }),
        TypeOrmModule.forRoot(dataSourceOptions(options.databaseUrl, { extra: { max: options.poolSize } })),
        EventStoreModule.forRoot(options.eventStore ?? { adapter: 'postgres', connectionString: options.databaseUrl, poolSize: options.poolSize }),
        ProjectorModule,
      ],
    };
  }
}
