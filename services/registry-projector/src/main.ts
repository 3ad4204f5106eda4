import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { assertLeastPrivilege, ConfigError, eventStoreOptions, loadConfig } from '#runtime';
import { ProjectorAppModule } from './projector-app.module.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    throw new ConfigError('DATABASE_URL', 'the standalone projector needs a database; `npm start` runs API and projector together on the embedded one');
  }
  // Like the API: never as a login that could rewrite the log it projects (refused in production).
  await assertLeastPrivilege(config, config.DATABASE_URL, (msg) => console.warn(msg));
  if (config.EVENT_STORE_URL) await assertLeastPrivilege(config, config.EVENT_STORE_URL, (msg) => console.warn(msg), 'EVENT_STORE_URL');
  const app = await NestFactory.create(
    ProjectorAppModule.forRoot({
      databaseUrl: config.DATABASE_URL,
      logLevel: config.LOG_LEVEL,
      poolSize: config.DB_POOL_SIZE,
      eventStore: eventStoreOptions(config, config.EVENT_STORE_URL ?? config.DATABASE_URL),
      lockPollMs: config.PROJECTOR_LOCK_POLL_MS,
    }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  // HTTP only for /health and /metrics (infra/k8s probes and scrapes); the projections run without requests.
  await app.listen(config.projectorPort, config.HOST);
  app.get(Logger).log(`registry-projector: /health and /metrics on http://${config.HOST}:${config.projectorPort}`);
  const stop = (): void => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`registry-projector did not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
