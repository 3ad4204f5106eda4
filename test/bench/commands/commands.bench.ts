/**
 * npm run bench:commands — commands per second through the GraphQL API (HTTP, real bearer tokens) for
 * recordMeasurement at concurrency 1 and 16, next to appendToStream alone on the same database in the same run.
 * The ratio append / graphql is what our command path costs: HTTP + GraphQL + auth + CommandBus + reading the
 * subject and its trial, biomarker and study streams + deciding, on top of the bare append.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { createEventStore, type EventStore } from '#event-store';
import { startRegistry } from '../../../services/registry-api/src/bootstrap.js';
import { issueLocalToken } from '../../../services/registry-api/src/auth/local-signing-key.js';
import { loadConfig } from '../../../services/registry-api/src/config/app-config.js';
import { inProcessActor, originFor } from '../../../services/registry-api/src/commands/command-origin.js';
import { DefineBiomarkerCommand } from '../../../services/registry-api/src/catalogue/define-biomarker.handler.js';
import { RegisterImagingStudyCommand } from '../../../services/registry-api/src/imaging/register-imaging-study.handler.js';
import { SubjectCommandMessage } from '../../../services/registry-api/src/subjects/subject-command.handler.js';
import { ChangeTrialCommand } from '../../../services/registry-api/src/trials/change-trial.handler.js';
import { RegisterTrialCommand } from '../../../services/registry-api/src/trials/register-trial.handler.js';
import { formatCount, formatRatio, formatTable, measureThroughput, ratio, round, summaryLine, type ThroughputResult } from '../bench-harness.js';

const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2_000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 8_000);
const CONCURRENCIES = [1, 16];
// Measurements are spread over many subjects so no subject stream grows long during the run (each command folds it).
const SUBJECTS = 128;

const MUTATION = `mutation($input: RecordMeasurementInput!) { recordMeasurement(input: $input) { id version globalPosition } }`;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-commands-'));
  // The embedded PostgreSQL runs as its own user when started as root: it must be able to enter the directory.
  await chmod(dataDir, 0o755);
  const config = loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'silent', PROJECTOR: 'off', DATA_DIR: process.env.DATA_DIR ?? dataDir, RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE ?? '1000000' });
  const registry = await startRegistry(config);
  let append: EventStore | undefined;
  try {
    // ---- setup through the command bus: one biomarker, one trial, SUBJECTS enrolled subjects with one study each
    const bus = registry.app.get(CommandBus);
    const admin = inProcessActor('bench-admin', 'admin');
    const coordinator = inProcessActor('bench-coordinator', 'coordinator');
    const send = (message: object) => bus.execute(message as DefineBiomarkerCommand);
    const origin = (actor: typeof admin) => originFor(actor, { commandId: randomUUID() }, 'bench-setup');
    const run = randomUUID().slice(0, 8).toUpperCase();
    const biomarkerId = randomUUID();
    const trialId = `BENCH-${run}`;
    await send(
      new DefineBiomarkerCommand(
        { type: 'DefineBiomarker', biomarkerId, code: `BENCH_SMA_${run.replace(/[^A-Z0-9]/g, 'X')}`, name: 'Skeletal muscle area at L3', modality: 'CT', valueType: { kind: 'quantitative', unit: 'cm2', plausibleRange: { min: 20, max: 400 } } },
        origin(admin),
        admin,
      ),
    );
    await send(new RegisterTrialCommand({ type: 'RegisterTrial', trialId, identifiers: [{ system: 'OTHER', value: trialId }], title: 'Command benchmark', phase: 'II', sponsor: 'Bench', primaryEndpoint: 'None' }, origin(coordinator), coordinator));
    for (const c of [
      { type: 'AddTrialArm', trialId, armCode: 'A', name: 'A', armType: 'experimental', plannedSize: SUBJECTS },
      { type: 'ActivateTrialSite', trialId, siteId: 'BENCH-SITE', name: 'Bench site' },
      { type: 'OpenEnrolment', trialId },
    ] as const) {
      await send(new ChangeTrialCommand(c, origin(coordinator), coordinator));
    }
    const subjects = await Promise.all(
      Array.from({ length: SUBJECTS }, async (_, i) => {
        const subjectId = randomUUID();
        const studyInstanceUid = `1.2.826.0.1.3680043.10.77.${Date.now()}.${i + 1}`;
        await send(new SubjectCommandMessage({ type: 'EnrolSubject', subjectId, trialId, pseudonym: `BENCH${run.replace(/[^A-Z0-9]/g, 'X')}X${i + 1}`, siteId: 'BENCH-SITE', consentVersion: 'v1', consentDate: '2025-01-06' }, origin(coordinator), coordinator));
        await send(
          new RegisterImagingStudyCommand(
            { type: 'RegisterImagingStudy', studyInstanceUid, subjectId, modality: 'CT', acquisitionDateTime: '2025-01-20', siteId: 'BENCH-SITE', scanner: { manufacturer: 'Bench', model: 'CT' } },
            origin(coordinator),
            coordinator,
          ),
        );
        return { subjectId, studyInstanceUid };
      }),
    );
    const token = await issueLocalToken(config, { sub: 'bench-reader', role: 'reader', sites: ['*'] });

    let op = 0;
    const recordMeasurement = async (): Promise<number> => {
      const s = subjects[op++ % SUBJECTS]!;
      const res = await fetch(registry.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: MUTATION,
          variables: {
            input: {
              commandId: randomUUID(),
              subjectId: s.subjectId,
              biomarkerId,
              biomarkerVersion: 1,
              value: { value: 100 + (op % 200), unit: 'cm2' },
              studyInstanceUid: s.studyInstanceUid,
              timePoint: 'UNSCHEDULED',
              method: 'MANUAL',
            },
          },
        }),
      });
      const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
      if (body.errors) throw new Error(`recordMeasurement failed: ${body.errors[0]!.extensions?.code} ${body.errors[0]!.message}`);
      return 1;
    };

    // ---- the baseline: appendToStream of an event of the same shape, same database, own pool, exact revisions
    append = createEventStore({ adapter: 'postgres', connectionString: registry.database.url, poolSize: 20 });
    const sample = (await append.readAll({ filter: { eventTypes: ['MeasurementRecorded'] }, maxCount: 1 }))[0];
    const appendStep = () => {
      const revisions = new Map<number, bigint | 'no_stream'>();
      const streams = new Map<number, string>();
      return async (worker: number): Promise<number> => {
        if (!streams.has(worker)) streams.set(worker, `benchappend-${randomUUID()}`);
        const expectedRevision = revisions.get(worker) ?? 'no_stream';
        const result = await append!.appendToStream(
          streams.get(worker)!,
          [{ id: randomUUID(), type: 'MeasurementRecorded', data: sample?.data ?? { value: 1 }, metadata: sample?.metadata ?? {} }],
          { expectedRevision },
        );
        revisions.set(worker, result.nextExpectedRevision);
        return 1;
      };
    };

    const rows: { name: string; concurrency: number; graphql: ThroughputResult; append: ThroughputResult }[] = [];
    for (const concurrency of CONCURRENCIES) {
      const graphql = await measureThroughput({ concurrency, warmupMs: WARMUP_MS, durationMs: DURATION_MS, step: recordMeasurement });
      const raw = await measureThroughput({ concurrency, warmupMs: WARMUP_MS, durationMs: DURATION_MS, step: appendStep() });
      rows.push({ name: `recordMeasurement-c${concurrency}`, concurrency, graphql, append: raw });
    }

    console.log(
      formatTable(
        [
          { header: 'benchmark' },
          { header: 'graphql cmd/s', align: 'right' },
          { header: 'p50 ms', align: 'right' },
          { header: 'p99 ms', align: 'right' },
          { header: 'append ev/s', align: 'right' },
          { header: 'p50 ms', align: 'right' },
          { header: 'append / graphql', align: 'right' },
        ],
        rows.map((r) => [
          r.name,
          formatCount(r.graphql.itemsPerSecond),
          r.graphql.latencyMs.p50.toFixed(1),
          r.graphql.latencyMs.p99.toFixed(1),
          formatCount(r.append.itemsPerSecond),
          r.append.latencyMs.p50.toFixed(1),
          formatRatio(ratio(r.append.itemsPerSecond, r.graphql.itemsPerSecond)),
        ]),
      ),
    );
    console.log(`(${WARMUP_MS} ms warm-up + ${DURATION_MS} ms measured per cell; ${SUBJECTS} subjects; event store: PostgreSQL at ${registry.database.embedded ? 'embedded' : 'DATABASE_URL'})`);
    console.log(
      summaryLine({
        bench: 'commands',
        results: rows.map((r) => ({
          name: r.name,
          concurrency: r.concurrency,
          graphql: round(r.graphql.itemsPerSecond, 1),
          append: round(r.append.itemsPerSecond, 1),
          ratio: ratio(r.append.itemsPerSecond, r.graphql.itemsPerSecond),
          graphqlP50Ms: round(r.graphql.latencyMs.p50, 2),
          graphqlP99Ms: round(r.graphql.latencyMs.p99, 2),
          appendP50Ms: round(r.append.latencyMs.p50, 2),
        })),
      }),
    );
  } finally {
    await append?.close();
    await registry.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
