import 'reflect-metadata';
import { ConfigError } from '#runtime';
import { startRegistry } from './bootstrap.js';

// Nest's own shutdown hooks are replaced by ours so the embedded PostgreSQL stops after the app, once.
async function main(): Promise<void> {
  const registry = await startRegistry();
  const shutdown = (signal: string): void => {
    console.log(JSON.stringify({ level: 30, msg: `received ${signal}, stopping` }));
    registry.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? `configuration error — ${err.message}` : err instanceof Error ? (err.stack ?? err.message) : String(err);
  console.error(`Biomarker Registry did not start: ${message}`);
  process.exit(1);
});
