import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { AppModule } from './app.module.js';
import { assertPortFree } from '../../../migrations/embedded-database.js';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { prepareDatabase, redact, type PreparedDatabase } from './config/database.js';

export interface RunningRegistry {
  readonly app: INestApplication;
  readonly url: string;
  readonly database: PreparedDatabase;
  stop(): Promise<void>;
}

/**
 * Boots the registry: config → database (embedded or DATABASE_URL) → migrations → API (+ projector when
 * embedded). Used by `npm start` and by the e2e tests, so both exercise the same path.
 */
export async function startRegistry(config: AppConfig = loadConfig()): Promise<RunningRegistry> {
  const log = pino({ level: config.LOG_LEVEL, name: 'registry' });
  if (config.PORT !== 0) await assertPortFree(config.PORT).catch((err: Error) => Promise.reject(new ConfigError('PORT', err.message)));
  const database = await prepareDatabase(config, (msg) => log.info(msg));
  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create(AppModule.forRoot({ config, databaseUrl: database.url, liveness: database.alive }), { bufferLogs: true });
    app.useLogger(app.get(Logger));
    // Express hashes every response body (SHA-1) for an ETag; answers to GraphQL POSTs are never revalidated.
    (app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void }).set('etag', false);
    await app.listen(config.PORT, config.HOST);
  } catch (err) {
    await app?.close().catch(() => undefined);
    await database.stop();
    throw err;
  }
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.HOST}:${address.port}/graphql`;
  log.info({ graphql: url, database: redact(database.url), embedded: database.embedded }, `Biomarker Registry is serving GraphQL at ${url}`);
  let stopped = false;
  return {
    app,
    url,
    database,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      await database.stop();
    },
  };
}
