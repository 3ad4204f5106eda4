/**
 * Issue 14, bench part "batch": 100,000 measurements over HTTP through `recordMeasurements` (batches of BATCH_ITEMS,
 * CONCURRENCY requests in flight, a real reader token, the projector running) against appending the same events
 * directly through the EventStore port in 100-event batches, in the same run, interleaved in ROUNDS rounds so that a
 * shared machine drifting faster or slower weighs on both alike. Afterwards every item's event must be in its
 * subject's stream and the measurements read model must have caught up.
 *
 * Targets: itemsPerSecond ≥ 10,000 and ratio (itemsPerSecond / rawBatchEventsPerSecond) ≥ 0.4.
 * `npm run bench:scale:batch`; the last line is `{"bench":"scale-batch",…}`. The script runs node with the young
 * generation the API gets in production (infra/docker-entrypoint.sh: --max-semi-space-size=64), since the API runs
 * in this process (with node's default, garbage collection took about a fifth of its CPU in a --cpu-prof of this bench).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { CommandBus } from '@nestjs/cqrs';
import { createEventStore, type EventData, type EventStore } from '#event-store';
import { startRegistry } from '../../../services/registry-api/src/bootstrap.js';
import { issueLocalToken } from '../../../services/registry-api/src/auth/local-signing-key.js';
import { loadConfig } from '#runtime';
import { inProcessActor, originFor } from '../../../services/registry-api/src/commands/command-origin.js';
import { DefineBiomarkerCommand } from '../../../services/registry-api/src/catalogue/define-biomarker.handler.js';
import { RegisterImagingStudyCommand } from '../../../services/registry-api/src/imaging/register-imaging-study.handler.js';
import { SubjectCommandMessage } from '../../../services/registry-api/src/subjects/subject-command.handler.js';
import { ChangeTrialCommand } from '../../../services/registry-api/src/trials/change-trial.handler.js';
import { RegisterTrialCommand } from '../../../services/registry-api/src/trials/register-trial.handler.js';
import { round, summaryLine } from '../bench-harness.js';

const TOTAL_ITEMS = Number(process.env.BENCH_BATCH_ITEMS ?? 100_000);
const BATCH_ITEMS = Number(process.env.BENCH_BATCH_SIZE ?? 250);
/** Items of one subject in one batch (radiomics: many features of one scan); a batch spans BATCH_ITEMS / this subjects. */
const ITEMS_PER_SUBJECT = Number(process.env.BENCH_BATCH_ITEMS_PER_SUBJECT ?? 50);
/** Batches each subject receives over the run, so its stream has history when the later ones are decided. */
const BATCHES_PER_SUBJECT = 2;
const CONCURRENCY = Number(process.env.BENCH_BATCH_CONCURRENCY ?? 4);
const ROUNDS = Number(process.env.BENCH_BATCH_ROUNDS ?? 2);
const DIRECT_BATCH = 100;
const PORT = process.env.BENCH_PORT ?? '4201';
/**
 * API processes the HTTP side sends to, round robin (a deployment runs replicas; node runs a process's JavaScript on
 * one core). The first runs in this process with the projector; each further one is `node dist/…/main.js` on the same
 * database and DATA_DIR (same token key), without a projector, listening on BENCH_PORT + 2 + k.
 */
const API_INSTANCES = Math.max(1, Number(process.env.BENCH_BATCH_API_INSTANCES ?? 1));
/** A file to write a V8 CPU profile of the HTTP rounds to (client and API share this process): what a batch item costs. */
const CPU_PROFILE = process.env.BENCH_BATCH_CPU_PROFILE;

const MUTATION = `mutation($input: RecordMeasurementsInput!) { recordMeasurements(input: $input) { accepted rejected items { index error { code field } } } }`;

export interface BatchBenchResult {
  readonly itemsPerSecond: number;
  readonly rawBatchEventsPerSecond: number;
  readonly ratio: number;
}

/** Runs `steps` with at most `concurrency` in flight; resolves when all are done. */
async function pool(steps: number, concurrency: number, step: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < steps) await step(next++);
    }),
  );
}

/** One more API process on the registry's database (see API_INSTANCES); resolves once it answers GraphQL. */
async function startReplica(port: number, databaseUrl: string, dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const proc = spawn(process.execPath, ['--max-semi-space-size=64', join(root, 'dist/services/registry-api/src/main.js')], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PROJECTOR: 'off',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`API replica exited: ${err.slice(0, 500)}`);
    try {
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' });
      return { proc, url };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  proc.kill('SIGTERM');
  throw new Error(`API replica did not start: ${err.slice(0, 500)}`);
}

export async function measureBatch(): Promise<BatchBenchResult & Record<string, unknown>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-batch-'));
  // The embedded PostgreSQL runs as its own user when started as root: it must be able to enter the directory.
  await chmod(dataDir, 0o755);
  const config = loadConfig({
    ...process.env,
    PORT,
    PROJECTOR_PORT: process.env.BENCH_PROJECTOR_PORT ?? '4202',
    LOG_LEVEL: 'silent',
    PROJECTOR: process.env.BENCH_PROJECTOR === 'off' ? 'off' : 'embedded',
    DATA_DIR: process.env.DATA_DIR ?? dataDir,
    RATE_LIMIT_PER_MINUTE: '1000000',
  });
  const registry = await startRegistry(config);
  let direct: EventStore | undefined;
  const replicas: ChildProcess[] = [];
  try {
    // ---- setup through the command bus: a biomarker, a trial, the subjects with one study each
    const bus = registry.app.get(CommandBus);
    const admin = inProcessActor('bench-admin', 'admin');
    const coordinator = inProcessActor('bench-coordinator', 'coordinator');
    const send = (message: object) => bus.execute(message as DefineBiomarkerCommand);
    const origin = () => originFor(admin, { commandId: randomUUID() }, 'bench-setup');
    const corigin = () => originFor(coordinator, { commandId: randomUUID() }, 'bench-setup');
    const run = randomUUID()
      .slice(0, 8)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, 'X');
    const biomarkerId = randomUUID();
    const trialId = `BENCH-${run}`;
    await send(
      new DefineBiomarkerCommand(
        {
          type: 'DefineBiomarker',
          biomarkerId,
          code: `BENCH_RADIOMIC_${run}`,
          name: 'Radiomic feature',
          modality: 'CT',
          valueType: { kind: 'quantitative', unit: 'cm2', plausibleRange: { min: 0, max: 1000 } },
        },
        origin(),
        admin,
      ),
    );
    await send(
      new RegisterTrialCommand(
        {
          type: 'RegisterTrial',
          trialId,
          identifiers: [{ system: 'OTHER', value: trialId }],
          title: 'Batch benchmark',
          phase: 'II',
          sponsor: 'Bench',
          primaryEndpoint: 'None',
        },
        corigin(),
        coordinator,
      ),
    );
    for (const c of [
      { type: 'AddTrialArm', trialId, armCode: 'A', name: 'A', armType: 'experimental', plannedSize: 100_000 },
      { type: 'ActivateTrialSite', trialId, siteId: 'BENCH-SITE', name: 'Bench site' },
      { type: 'OpenEnrolment', trialId },
    ] as const) {
      await send(new ChangeTrialCommand(c, corigin(), coordinator));
    }
    const subjectCount = Math.ceil(TOTAL_ITEMS / (ITEMS_PER_SUBJECT * BATCHES_PER_SUBJECT));
    const setupStarted = performance.now();
    const subjects: { subjectId: string; studyInstanceUid: string }[] = new Array(subjectCount);
    await pool(subjectCount, 8, async (i) => {
      const subjectId = randomUUID();
      const studyInstanceUid = `1.2.826.0.1.3680043.10.78.${Date.now()}.${i + 1}`;
      await send(
        new SubjectCommandMessage(
          { type: 'EnrolSubject', subjectId, trialId, pseudonym: `BB${run}X${i + 1}`, siteId: 'BENCH-SITE', consentVersion: 'v1', consentDate: '2025-01-06' },
          corigin(),
          coordinator,
        ),
      );
      await send(
        new RegisterImagingStudyCommand(
          {
            type: 'RegisterImagingStudy',
            studyInstanceUid,
            subjectId,
            modality: 'CT',
            acquisitionDateTime: '2025-01-20',
            siteId: 'BENCH-SITE',
            scanner: { manufacturer: 'Bench', model: 'CT' },
          },
          corigin(),
          coordinator,
        ),
      );
      subjects[i] = { subjectId, studyInstanceUid };
    });
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const token = await issueLocalToken(config, { sub: 'bench-reader', role: 'reader', sites: ['*'] });
    const apiUrls = [registry.url];
    for (let k = 1; k < API_INSTANCES; k++) {
      const replica = await startReplica(Number(PORT) + 2 + k, registry.database.url, config.DATA_DIR);
      replicas.push(replica.proc);
      apiUrls.push(replica.url);
    }

    // ---- the HTTP side: batches of BATCH_ITEMS, ITEMS_PER_SUBJECT consecutive items per subject
    const batches = Math.ceil(TOTAL_ITEMS / BATCH_ITEMS);
    const subjectsPerBatch = BATCH_ITEMS / ITEMS_PER_SUBJECT;
    let itemSeq = 0;
    const batchBody = (b: number): string => {
      const items = Array.from({ length: Math.min(BATCH_ITEMS, TOTAL_ITEMS - b * BATCH_ITEMS) }, (_, k) => {
        // Batch b covers subjects [(b mod half) * subjectsPerBatch, …): each subject gets one batch in each half of the run.
        const s = subjects[((b % Math.ceil(batches / BATCHES_PER_SUBJECT)) * subjectsPerBatch + Math.floor(k / ITEMS_PER_SUBJECT)) % subjectCount]!;
        itemSeq++;
        return {
          subjectId: s.subjectId,
          biomarkerId,
          biomarkerVersion: 1,
          value: { value: 1 + (itemSeq % 900), unit: 'cm2' },
          studyInstanceUid: s.studyInstanceUid,
          timePoint: 'UNSCHEDULED',
          method: 'MANUAL',
        };
      });
      return JSON.stringify({ query: MUTATION, variables: { input: { commandId: randomUUID(), items } } });
    };
    let httpItems = 0;
    let httpSeconds = 0;
    const refusals: Record<string, number> = {};
    const profiler = CPU_PROFILE ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
    }
    const httpRound = async (from: number, to: number): Promise<void> => {
      const bodies = Array.from({ length: to - from }, (_, i) => batchBody(from + i));
      await profiler?.post('Profiler.start');
      const t0 = performance.now();
      await pool(bodies.length, CONCURRENCY, async (i) => {
        const res = await fetch(apiUrls[(from + i) % apiUrls.length]!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: bodies[i]!,
        });
        const body = (await res.json()) as {
          data?: { recordMeasurements: { accepted: number; items: { error: { code: string } | null }[] } };
          errors?: { extensions?: { code?: string } }[];
        };
        if (body.errors) throw new Error(`recordMeasurements failed: ${JSON.stringify(body.errors).slice(0, 300)}`);
        httpItems += body.data!.recordMeasurements.accepted;
        for (const r of body.data!.recordMeasurements.items) if (r.error) refusals[r.error.code] = (refusals[r.error.code] ?? 0) + 1;
      });
      httpSeconds += (performance.now() - t0) / 1000;
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        await writeFile(`${CPU_PROFILE}.${from}.cpuprofile`, JSON.stringify(profile));
      }
    };

    // ---- the direct side: the same events (a recorded one as template), 100 per append, fresh streams, same concurrency
    direct = createEventStore({ adapter: 'postgres', connectionString: registry.database.url, poolSize: CONCURRENCY + 2 });
    let directEvents = 0;
    let directSeconds = 0;
    const directRound = async (events: number): Promise<void> => {
      const sample = (await direct!.readAll({ filter: { eventTypes: ['MeasurementRecorded'] }, maxCount: 1 }))[0]!;
      const appends = Array.from({ length: Math.ceil(events / DIRECT_BATCH) }, () => ({
        streamId: `benchdirect-${randomUUID()}`,
        events: Array.from({ length: DIRECT_BATCH }, (): EventData => ({
          id: randomUUID(),
          type: sample.type,
          data: { ...sample.data, measurementId: randomUUID() },
          metadata: sample.metadata,
        })),
      }));
      const t0 = performance.now();
      await pool(appends.length, CONCURRENCY, async (i) => {
        await direct!.appendToStream(appends[i]!.streamId, appends[i]!.events, { expectedRevision: 'no_stream' });
        directEvents += DIRECT_BATCH;
      });
      directSeconds += (performance.now() - t0) / 1000;
    };

    // Interleaved: HTTP share, direct share, … (the first direct round needs a recorded event as its template).
    const perRound = Math.ceil(batches / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      await httpRound(r * perRound, Math.min(batches, (r + 1) * perRound));
      await directRound(TOTAL_ITEMS / ROUNDS);
    }
    const itemsPerSecond = httpItems / httpSeconds;
    const rawBatchEventsPerSecond = directEvents / directSeconds;

    // ---- afterwards: every item's event in its subject's stream, and the read model caught up
    const catchUpStarted = performance.now();
    let inStreams = 0;
    let lastPosition = 0n;
    await pool(subjectCount, 8, async (i) => {
      const events = await direct!.readStream(`subject-${subjects[i]!.subjectId}`);
      for (const e of events) {
        if (e.type !== 'MeasurementRecorded') continue;
        inStreams++;
        if (e.position.prepare > lastPosition) lastPosition = e.position.prepare;
      }
    });
    console.error(
      `HTTP ${round(itemsPerSecond, 1)} items/s (${round(httpSeconds, 2)} s), direct ${round(rawBatchEventsPerSecond, 1)} events/s (${round(directSeconds, 2)} s); waiting for the read model`,
    );
    let readModelRows = -1;
    const statistician = await issueLocalToken(config, { sub: 'bench-statistician', role: 'biostatistician', trials: ['*'], programmes: ['*'], sites: ['*'] });
    const deadline = Date.now() + (config.PROJECTOR === 'off' ? 0 : 300_000);
    while (Date.now() < deadline) {
      const res = await fetch(registry.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${statistician}` },
        body: JSON.stringify({
          query: `query($t: ID!, $at: GlobalPosition) { measurements(filter: { trialId: $t }, first: 1, consistentWith: $at) { totalCount } }`,
          variables: { t: trialId, at: lastPosition.toString() },
        }),
      });
      const body = (await res.json()) as { data?: { measurements: { totalCount: number } }; errors?: unknown[] };
      if (!body.errors && body.data) {
        readModelRows = body.data.measurements.totalCount;
        if (readModelRows >= inStreams) break;
      } else if (!JSON.stringify(body.errors).includes('PROJECTION_LAG_TIMEOUT')) {
        throw new Error(`measurements query failed: ${JSON.stringify(body.errors).slice(0, 300)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const catchUpSeconds = (performance.now() - catchUpStarted) / 1000;
    if (inStreams !== TOTAL_ITEMS || httpItems !== TOTAL_ITEMS)
      throw new Error(
        `expected ${TOTAL_ITEMS} measurements, accepted ${httpItems}, found ${inStreams} in the subject streams (refusals ${JSON.stringify(refusals)})`,
      );
    if (readModelRows !== inStreams && config.PROJECTOR !== 'off')
      throw new Error(`the read model holds ${readModelRows} of ${inStreams} measurements after ${round(catchUpSeconds, 1)} s`);

    return {
      itemsPerSecond: round(itemsPerSecond, 1),
      rawBatchEventsPerSecond: round(rawBatchEventsPerSecond, 1),
      ratio: round(itemsPerSecond / rawBatchEventsPerSecond, 2),
      items: TOTAL_ITEMS,
      batchItems: BATCH_ITEMS,
      itemsPerSubject: ITEMS_PER_SUBJECT,
      concurrency: CONCURRENCY,
      apiInstances: API_INSTANCES,
      rounds: ROUNDS,
      httpSeconds: round(httpSeconds, 2),
      directSeconds: round(directSeconds, 2),
      subjects: subjectCount,
      setupSeconds: round(setupSeconds, 1),
      readModelRows,
      readModelCatchUpSeconds: round(catchUpSeconds, 2),
    };
  } finally {
    await Promise.all(
      replicas.map(
        (proc) =>
          new Promise<void>((resolve) => {
            if (proc.exitCode !== null) return resolve();
            proc.once('exit', () => resolve());
            proc.kill('SIGTERM');
          }),
      ),
    );
    await direct?.close();
    await registry.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  measureBatch()
    .then((result) => {
      console.log(
        `recordMeasurements: ${Math.round(result.itemsPerSecond).toLocaleString('en-US')} items/s over HTTP; direct 100-event appends: ${Math.round(result.rawBatchEventsPerSecond).toLocaleString('en-US')} events/s; ratio ${result.ratio.toFixed(2)} (targets ≥ 10,000 items/s and ≥ 0.40)`,
      );
      console.log(summaryLine({ bench: 'scale-batch', ...result }));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
