import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { ProjectionLeadership } from './projection-leadership.js';

export const PROJECTION_LEADERSHIP = Symbol('PROJECTION_LEADERSHIP');

/** Advisory-lock leadership for the projector; ProjectorService runs a projection only while it leads it. */
@Global()
@Module({})
export class LeadershipModule {
  static forRoot(options: { readonly connectionString: string; readonly pollIntervalMs: number }): DynamicModule {
    return {
      module: LeadershipModule,
      providers: [
        {
          provide: PROJECTION_LEADERSHIP,
          inject: [getDataSourceToken(), { token: Registry, optional: true }],
          useFactory: (dataSource: DataSource, registry?: Registry) => {
            const logger = new Logger('ProjectorLeadership');
            return new ProjectionLeadership(dataSource, {
              connectionString: options.connectionString,
              pollIntervalMs: options.pollIntervalMs,
              registry,
              logger: {
                log: (msg, context) => logger.log({ msg, ...context }),
                error: (msg, context) => logger.error({ msg, ...context }),
              },
            });
          },
        },
      ],
      exports: [PROJECTION_LEADERSHIP],
    };
  }
}
