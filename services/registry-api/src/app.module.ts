import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventStoreModule } from '#event-store';
import { LoggerModule } from 'nestjs-pino';
import { dataSourceOptions, migrationsOf } from '../../../migrations/data-source.js';
import { LeadershipModule, ProjectorHealthModule, ProjectorModule } from '#projections';
import { type AppConfig, eventStoreOptions, HealthModule, type LivenessProbe, MetricsModule, pinoHttpOptions } from '#runtime';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { actorOf } from './auth/authentication.middleware.js';
import { AccessModule } from './access/access.module.js';
import { HardeningModule } from './hardening/hardening.module.js';
import { GraphqlApiModule } from './graphql/graphql-api.module.js';
import { CommandsModule } from './commands/commands.module.js';
import { StatusModule } from './status/status.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { AnalyticsModule } from './analytics/analytics.module.js';
import { PlotsModule } from './plots/plots.module.js';
import { SubjectsCommandsModule } from './subjects/subjects-commands.module.js';
import { CatalogueCommandsModule } from './catalogue/catalogue-commands.module.js';
import { AlgorithmsCommandsModule } from './catalogue/algorithms-commands.module.js';
import { TrialsCommandsModule } from './trials/trials-commands.module.js';
import { SignaturesModule } from './signatures/signatures.module.js';
import { TrialsSigningModule } from './trials/trials-signing.module.js';
import { ScreeningCommandsModule } from './screening/screening-commands.module.js';
import { ImagingCommandsModule } from './imaging/imaging-commands.module.js';
import { DataQualityCommandsModule } from './quality/data-quality-commands.module.js';
import { ReadModelQueriesModule } from './read-model-queries.module.js';
import { InteropModule } from './interop/interop.module.js';
import { SnapshotsModule } from './snapshots/snapshots.module.js';
import { ExportJobsModule } from './export-jobs/export-jobs.module.js';
import { ConsoleModule } from './console/console.module.js';

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly databaseUrl: string;
  /** The event store's database (EVENT_STORE_URL); the same as databaseUrl when unset. */
  readonly eventStoreUrl?: string;
  /** The embedded database's supervisor, for `/health/live`. */
  readonly liveness?: LivenessProbe;
}

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl, eventStoreUrl, liveness }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Redaction of secrets and personal fields (config/logging.ts), shared with the projector.
        LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(config.LOG_LEVEL) }),
        MetricsModule.forRoot({ service: 'registry-api' }),
        // Error text of failed readiness checks (hosts, roles) only to an authenticated admin.
        HealthModule.forRoot({ liveness, showsErrorDetail: (req) => actorOf(req).role === 'admin' }),
        // With the events in a database of their own, this one runs (and readiness expects) only the read models' migrations.
        TypeOrmModule.forRoot(
          dataSourceOptions(databaseUrl, {
            extra: { max: config.DB_POOL_SIZE },
            migrations: migrationsOf(eventStoreUrl && eventStoreUrl !== databaseUrl ? 'read-models' : 'all'),
          }),
        ),
        EventStoreModule.forRoot(eventStoreOptions(config, eventStoreUrl ?? databaseUrl)),
        CqrsModule.forRoot(),
        AuthModule.forRoot(config),
        AccessModule,
        HardeningModule.forRoot({ perMinute: config.RATE_LIMIT_PER_MINUTE }),
        AuditModule,
        GraphqlApiModule.forRoot({ introspection: config.graphqlIntrospection, logLevel: config.LOG_LEVEL }),
        CommandsModule,
        StatusModule,
        PrivacyModule.forRoot(config),
        AnalyticsModule,
        PlotsModule,
        SubjectsCommandsModule,
        CatalogueCommandsModule,
        AlgorithmsCommandsModule,
        TrialsCommandsModule,
        SignaturesModule,
        TrialsSigningModule,
        ScreeningCommandsModule,
        ImagingCommandsModule,
        DataQualityCommandsModule,
        InteropModule,
        SnapshotsModule,
        ExportJobsModule,
        ConsoleModule,
        ReadModelQueriesModule.forRoot({
          timeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS,
          readDatabaseUrl: config.READ_DATABASE_URL,
          replicaWaitMs: config.READ_REPLICA_WAIT_MS,
          poolSize: config.DB_POOL_SIZE,
        }),
        ...(config.PROJECTOR === 'embedded'
          ? [
              ProjectorModule,
              LeadershipModule.forRoot({ connectionString: databaseUrl, pollIntervalMs: config.PROJECTOR_LOCK_POLL_MS }),
              ProjectorHealthModule.forRoot({ adapter: config.EVENT_STORE }),
            ]
          : []),
      ],
    };
  }
}
