/**
 * npm run bench:commands — commands per second through the GraphQL API (HTTP, real bearer tokens) for
 * recordMeasurement at concurrency 1 and 16, next to appendToStream alone on the same database in the same run.
 * The ratio append / graphql is what our command path costs: HTTP + GraphQL + auth + CommandBus + reading the
 * subject and its trial, biomarker and study streams + deciding, on top of the bare append.
 *
 * Contention (issue 13): 16 unpinned writers on ONE subject against one writer on one subject, interleaved over
 * BENCH_CONTENTION_ROUNDS rounds (a fresh subject per cell, so both fold streams of similar length); every refusal
 * is counted by code (target 0: unpinned commands retry, BUSY only when the budget runs out).
 * Denial: a coordinator of another trial writing to an existing subject (with a long history) against a random id,
 * interleaved; the p50 ratio should be ≈ 1 (access is decided before the subject's history is read).
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { createEventStore, type EventStore } from '#event-store';
import { startRegistry } from '../../../services/registry-api/src/bootstrap.js';
import { issueLocalToken } from '../../../services/registry-api/src/auth/local-signing-key.js';
import { loadConfig } from '#runtime';
import { inProcessActor, originFor } from '../../../services/registry-api/src/commands/command-origin.js';
import { DefineBiomarkerCommand } from '../../../services/registry-api/src/catalogue/define-biomarker.handler.js';
import { RegisterImagingStudyCommand } from '../../../services/registry-api/src/imaging/register-imaging-study.handler.js';
import { SubjectCommandMessage } from '../../../services/registry-api/src/subjects/subject-command.handler.js';
import { ChangeTrialCommand } from '../../../services/registry-api/src/trials/change-trial.handler.js';
import { RegisterTrialCommand } from '../../../services/registry-api/src/trials/register-trial.handler.js';
import {
  formatCount,
  formatRatio,
  formatTable,
  measureThroughput,
  mergeThroughput,
  ratio,
  round,
  summaryLine,
  type ThroughputResult,
} from '../bench-harness.js';

const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2_000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 8_000);
const CONCURRENCIES = [1, 16];
// Measurements are spread over many subjects so no subject stream grows long during the run (each command folds it).
const SUBJECTS = 128;
const CONTENTION_ROUNDS = Number(process.env.BENCH_CONTENTION_ROUNDS ?? 3);
const CONTENTION_WARMUP_MS = Number(process.env.BENCH_CONTENTION_WARMUP_MS ?? 500);
const CONTENTION_MS = Number(process.env.BENCH_CONTENTION_MS ?? 3_000);
const CONTENDED_WRITERS = 16;

const MUTATION = `mutation($input: RecordMeasurementInput!) { recordMeasurement(input: $input) { id version globalPosition } }`;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-commands-'));
  // The embedded PostgreSQL runs as its own user when started as root: it must be able to enter the directory.
  await chmod(dataDir, 0o755);
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    LOG_LEVEL: 'silent',
    PROJECTOR: 'off',
    DATA_DIR: process.env.DATA_DIR ?? dataDir,
    RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE ?? '1000000',
  });
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
        {
          type: 'DefineBiomarker',
          biomarkerId,
          code: `BENCH_SMA_${run.replace(/[^A-Z0-9]/g, 'X')}`,
          name: 'Skeletal muscle area at L3',
          modality: 'CT',
          valueType: { kind: 'quantitative', unit: 'cm2', plausibleRange: { min: 20, max: 400 } },
        },
        origin(admin),
        admin,
      ),
    );
    await send(
      new RegisterTrialCommand(
        {
          type: 'RegisterTrial',
          trialId,
          identifiers: [{ system: 'OTHER', value: trialId }],
          title: 'Command benchmark',
          phase: 'II',
          sponsor: 'Bench',
          primaryEndpoint: 'None',
        },
        origin(coordinator),
        coordinator,
      ),
    );
    for (const c of [
      { type: 'AddTrialArm', trialId, armCode: 'A', name: 'A', armType: 'experimental', plannedSize: SUBJECTS },
      { type: 'ActivateTrialSite', trialId, siteId: 'BENCH-SITE', name: 'Bench site' },
      { type: 'OpenEnrolment', trialId },
    ] as const) {
      await send(new ChangeTrialCommand(c, origin(coordinator), coordinator));
    }
    const subjects = await Promise.all(
      Array.from({ length: SUBJECTS + 2 * CONTENTION_ROUNDS }, async (_, i) => {
        const subjectId = randomUUID();
        const studyInstanceUid = `1.2.826.0.1.3680043.10.77.${Date.now()}.${i + 1}`;
        await send(
          new SubjectCommandMessage(
            {
              type: 'EnrolSubject',
              subjectId,
              trialId,
              pseudonym: `BENCH${run.replace(/[^A-Z0-9]/g, 'X')}X${i + 1}`,
              siteId: 'BENCH-SITE',
              consentVersion: 'v1',
              consentDate: '2025-01-06',
            },
            origin(coordinator),
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
            origin(coordinator),
            coordinator,
          ),
        );
        return { subjectId, studyInstanceUid };
      }),
    );
    const contended = subjects.splice(SUBJECTS);
    const token = await issueLocalToken(config, { sub: 'bench-reader', role: 'reader', sites: ['*'] });
    const outsider = await issueLocalToken(config, { sub: 'bench-outsider', role: 'coordinator', trials: ['BENCH-OTHER'], sites: ['*'] });

    let op = 0;
    /** One recordMeasurement over HTTP; resolves to the error code of a refusal, or undefined when it was recorded. */
    const post = async (bearer: string, s: { subjectId: string; studyInstanceUid: string }): Promise<string | undefined> => {
      op++;
      const res = await fetch(registry.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
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
      return body.errors ? String(body.errors[0]!.extensions?.code ?? 'UNKNOWN') : undefined;
    };
    const recordMeasurement = async (): Promise<number> => {
      const code = await post(token, subjects[op % SUBJECTS]!);
      if (code) throw new Error(`recordMeasurement failed: ${code}`);
      return 1;
    };

    // ---- the baseline: appendToStream of an event of the same shape, same database, own pool, exact revisions
    append = createEventStore({ adapter: 'postgres', connectionString: registry.database.eventStoreUrl, poolSize: 20 });
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

    // ---- contention: 16 writers on one subject vs one writer on one subject, interleaved; refusals counted by code
    const refusals: Record<string, number> = {};
    const single: ThroughputResult[] = [];
    const sixteen: ThroughputResult[] = [];
    const onOneSubject = (s: { subjectId: string; studyInstanceUid: string }) => async (): Promise<number> => {
      const code = await post(token, s);
      if (code) refusals[code] = (refusals[code] ?? 0) + 1;
      return code ? 0 : 1;
    };
    for (let round = 0; round < CONTENTION_ROUNDS; round++) {
      single.push(
        await measureThroughput({ concurrency: 1, warmupMs: CONTENTION_WARMUP_MS, durationMs: CONTENTION_MS, step: onOneSubject(contended[2 * round]!) }),
      );
      sixteen.push(
        await measureThroughput({
          concurrency: CONTENDED_WRITERS,
          warmupMs: CONTENTION_WARMUP_MS,
          durationMs: CONTENTION_MS,
          step: onOneSubject(contended[2 * round + 1]!),
        }),
      );
    }
    const singleAll = mergeThroughput(single);
    const sixteenAll = mergeThroughput(sixteen);
    const refused = Object.values(refusals).reduce((a, n) => a + n, 0);

    // ---- denial: an actor outside the trial writes to an existing subject (long history) or to a random id
    const longHistory = contended[1]!;
    const denied = (target: () => { subjectId: string; studyInstanceUid: string }) => async (): Promise<number> => {
      const code = await post(outsider, target());
      if (code !== 'FORBIDDEN') throw new Error(`expected FORBIDDEN, got ${code ?? 'success'}`);
      return 1;
    };
    const deniedExisting: ThroughputResult[] = [];
    const deniedUnknown: ThroughputResult[] = [];
    for (let round = 0; round < CONTENTION_ROUNDS; round++) {
      deniedExisting.push(
        await measureThroughput({ concurrency: 1, warmupMs: CONTENTION_WARMUP_MS, durationMs: CONTENTION_MS / 3, step: denied(() => longHistory) }),
      );
      deniedUnknown.push(
        await measureThroughput({
          concurrency: 1,
          warmupMs: CONTENTION_WARMUP_MS,
          durationMs: CONTENTION_MS / 3,
          step: denied(() => ({ ...longHistory, subjectId: randomUUID() })),
        }),
      );
    }
    const existingAll = mergeThroughput(deniedExisting);
    const unknownAll = mergeThroughput(deniedUnknown);
    const historyLength = (await append.readStream(`subject-${longHistory.subjectId}`)).length;

    console.log(
      formatTable(
        [
          { header: 'one subject' },
          { header: 'writers', align: 'right' },
          { header: 'recorded cmd/s', align: 'right' },
          { header: 'p50 ms', align: 'right' },
          { header: 'p99 ms', align: 'right' },
        ],
        [
          ['single writer (baseline)', '1', formatCount(singleAll.itemsPerSecond), singleAll.latencyMs.p50.toFixed(1), singleAll.latencyMs.p99.toFixed(1)],
          [
            '16 unpinned writers',
            String(CONTENDED_WRITERS),
            formatCount(sixteenAll.itemsPerSecond),
            sixteenAll.latencyMs.p50.toFixed(1),
            sixteenAll.latencyMs.p99.toFixed(1),
          ],
        ],
      ),
    );
    console.log(`refusals among ${sixteenAll.operations + singleAll.operations} contended commands: ${refused} ${JSON.stringify(refusals)} (target 0)`);
    console.log(
      `denied write p50: existing subject (${historyLength} events) ${existingAll.latencyMs.p50.toFixed(2)} ms, random id ${unknownAll.latencyMs.p50.toFixed(2)} ms, ratio ${formatRatio(ratio(existingAll.latencyMs.p50, unknownAll.latencyMs.p50))}`,
    );

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
    console.log(
      `(${WARMUP_MS} ms warm-up + ${DURATION_MS} ms measured per cell; ${SUBJECTS} subjects; event store: PostgreSQL at ${registry.database.embedded ? 'embedded' : 'DATABASE_URL'})`,
    );
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
        contention: {
          writers: CONTENDED_WRITERS,
          rounds: CONTENTION_ROUNDS,
          refusals: refused,
          refusalsByCode: refusals,
          commands: sixteenAll.operations,
          singleWriterPerSecond: round(singleAll.itemsPerSecond, 1),
          sixteenWritersPerSecond: round(sixteenAll.itemsPerSecond, 1),
          ratio: ratio(sixteenAll.itemsPerSecond, singleAll.itemsPerSecond),
          sixteenWritersP50Ms: round(sixteenAll.latencyMs.p50, 2),
          sixteenWritersP99Ms: round(sixteenAll.latencyMs.p99, 2),
        },
        denial: {
          historyEvents: historyLength,
          existingP50Ms: round(existingAll.latencyMs.p50, 2),
          unknownP50Ms: round(unknownAll.latencyMs.p50, 2),
          ratio: ratio(existingAll.latencyMs.p50, unknownAll.latencyMs.p50),
        },
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
