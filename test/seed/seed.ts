import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import pino from 'pino';
import { createCommandContext } from '../../services/registry-api/src/commands/command-context.js';
import { loadConfig, prepareDatabase, redact } from '#runtime';
import { seedRegistry, WRITE_SIDE_MODULES } from './seed-registry.js';

const USAGE = `npm run seed -- [--subjects N] [--participants M] [--seed S] [--concurrency C]
  Seeds a synthetic registry through the command path into DATABASE_URL (or the embedded database under DATA_DIR).
  --subjects      trial subjects (default 200)
  --participants  screening participants (default 2 × subjects)
  --seed          deterministic seed (default 1); the same seed again replays and appends nothing
  --concurrency   subjects seeded at once (default 16)`;

function positiveInt(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > 10_000_000) throw new Error(`--${name} must be an integer ≥ ${min}, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      subjects: { type: 'string' },
      participants: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void console.log(USAGE);
  const subjects = positiveInt('subjects', values.subjects, 200);
  const options = {
    subjects,
    participants: positiveInt('participants', values.participants, subjects * 2),
    seed: positiveInt('seed', values.seed, 1),
    concurrency: positiveInt('concurrency', values.concurrency, 16, 1),
  };
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL === 'silent' ? 'silent' : 'info', name: 'seed' });
  const database = await prepareDatabase(config, (msg) => log.info(msg));
  const ctx = await createCommandContext({ databaseUrl: database.eventStoreUrl, modules: WRITE_SIDE_MODULES, poolSize: options.concurrency + 4 });
  const bar = new cliProgress.SingleBar(
    { format: 'seeding {bar} {percentage}% | {value}/{total} subjects+participant rounds | {eta_formatted} left', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  try {
    bar.start(options.subjects + options.participants * 2, 0);
    const stats = await seedRegistry(ctx.bus, { ...options, onProgress: (done) => bar.update(done) });
    bar.stop();
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      seed: options.seed,
      subjects: options.subjects,
      participants: options.participants,
      concurrency: options.concurrency,
      commands: stats.commands,
      replayed: stats.replayed,
      events: stats.events,
      seconds: Math.round(seconds * 100) / 100,
      eventsPerSecond: Math.round(stats.events / seconds),
      commandsPerSecond: Math.round(stats.commands / seconds),
      trials: stats.trials,
      programmes: stats.programmes,
      database: redact(database.url),
    };
    console.log(
      `seeded ${summary.events} events (${summary.commands} commands, ${summary.replayed} replayed) in ${summary.seconds} s: ${summary.eventsPerSecond} events/s`,
    );
    console.log(JSON.stringify(summary));
  } finally {
    bar.stop();
    await ctx.close();
    await database.stop();
  }
}

main().catch((err: unknown) => {
  console.error(
    err instanceof Error ? `seed failed: ${err.name}: ${err.message}${'field' in err ? ` (field ${String((err as { field?: unknown }).field)})` : ''}` : err,
  );
  process.exitCode = 1;
});
