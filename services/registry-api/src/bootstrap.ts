import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { Server } from 'node:http';
import { AppModule } from './app.module.js';
import { type AppConfig, assertPortFree, ConfigError, createLogger, loadConfig, prepareDatabase, type PreparedDatabase, redact } from '#runtime';
import { HttpErrorFilter } from './hardening/http-error.filter.js';
import { invalidTokenLimit } from './hardening/invalid-token-limit.js';
import { fhirBodyErrors } from './interop/fhir-http.js';

export interface RunningRegistry {
  readonly app: INestApplication;
  readonly url: string;
  readonly database: PreparedDatabase;
  stop(): Promise<void>;
}

/**
 * Slow clients may not hold a connection open: headers within HTTP_HEADERS_TIMEOUT_MS, the whole request within
 * HTTP_REQUEST_TIMEOUT_MS. Node checks both on an interval (30 s by default), so that is tightened to match.
 */
function applyTimeouts(server: Server, config: AppConfig): void {
  server.headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
    50,
    Math.min(1_000, Math.floor(config.HTTP_HEADERS_TIMEOUT_MS / 4)),
  );
}

/**
 * Boots the registry: config → database (embedded or DATABASE_URL) → migrations → API (+ projector when
 * embedded). Used by `npm start` and by the e2e tests, so both exercise the same path.
 */
export async function startRegistry(config: AppConfig = loadConfig()): Promise<RunningRegistry> {
  const log = createLogger(config.LOG_LEVEL, 'registry');
  if (config.PORT !== 0) await assertPortFree(config.PORT).catch((err: Error) => Promise.reject(new ConfigError('PORT', err.message)));
  const database = await prepareDatabase(config, (msg) => log.info(msg));
  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, databaseUrl: database.url, eventStoreUrl: database.eventStoreUrl, liveness: database.alive }),
      { bufferLogs: true },
    );
    app.useLogger(app.get(Logger));
    // A full batch (recordMeasurements: 1,000 items of ≈ 300 bytes) must fit; Express's default is 100 kB.
    (app as NestExpressApplication).useBodyParser('json', { limit: '1mb' });
    // Right after it: a FHIR client posting application/json that does not parse gets an OperationOutcome.
    app.use('/fhir', fhirBodyErrors);
    // Before any module middleware, so a refused token is counted before authentication stops it.
    app.use(invalidTokenLimit(config.RATE_LIMIT_PER_MINUTE));
    // Express-level errors (body parser, unknown route) and plain routes answer in the API's one error body shape.
    app.useGlobalFilters(new HttpErrorFilter(createLogger(config.LOG_LEVEL, 'http')));
    applyTimeouts(app.getHttpServer() as Server, config);
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
