/**
 * Issue 14, long streams: one more `recordMeasurement` over HTTP (real bearer token) on a subject with 10
 * measurements against one on a subject with 5,000, interleaved pair by pair in one run so both see the same machine.
 * Target: p50 ratio ≤ 1.5 (a command's cost must not grow with its stream's history).
 *
 * The 5,000 measurements are appended directly through the event-store port (100-event appends, events shaped
 * exactly like one the API recorded), so the API has never folded them: its first command on that subject folds
 * the stream cold, as a freshly started instance would, and later ones start from the state it kept.
 *
 * npm run bench:scale:long-stream — the last line is one JSON object: {"bench":"scale-longStream",...}.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type JsonObject } from '#event-store';
import { startRegistry } from '../../../services/registry-api/src/bootstrap.js';
import { issueLocalToken } from '../../../services/registry-api/src/auth/local-signing-key.js';
import { loadConfig } from '#runtime';
import { inProcessActor, originFor } from '../../../services/registry-api/src/commands/command-origin.js';
import { CommandRunner } from '../../../services/registry-api/src/commands/command-runner.js';
import { DefineBiomarkerCommand } from '../../../services/registry-api/src/catalogue/define-biomarker.handler.js';
import { RegisterImagingStudyCommand } from '../../../services/registry-api/src/imaging/register-imaging-study.handler.js';
import { SubjectCommandMessage } from '../../../services/registry-api/src/subjects/subject-command.handler.js';
import { ChangeTrialCommand } from '../../../services/registry-api/src/trials/change-trial.handler.js';
import { RegisterTrialCommand } from '../../../services/registry-api/src/trials/register-trial.handler.js';
import { formatTable, percentile, ratio, round, summaryLine } from '../bench-harness.js';

const SHORT = 10;
const LONG = Number(process.env.BENCH_LONG_STREAM_MEASUREMENTS ?? 5_000);
const WARMUP_PAIRS = Number(process.env.BENCH_LONG_STREAM_WARMUP ?? 5);
const PAIRS = Number(process.env.BENCH_LONG_STREAM_PAIRS ?? 60);
const FILL_BATCH = 100;

const MUTATION = `mutation($input: RecordMeasurementInput!) { recordMeasurement(input: $input) { id version globalPosition } }`;

export interface LongStreamResult {
  readonly p50At10: number;
  readonly p50At5000: number;
  readonly ratio: number;
}

export async function measureLongStream(): Promise<LongStreamResult & { readonly details: Record<string, unknown> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-long-stream-'));
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
  try {
    const bus = registry.app.get(CommandBus);
    const store = registry.app.get<EventStore>(EVENT_STORE);
    const admin = inProcessActor('bench-admin', 'admin');
    const coordinator = inProcessActor('bench-coordinator', 'coordinator');
    const send = (message: object) => bus.execute(message as DefineBiomarkerCommand);
    const origin = (actor: typeof admin) => originFor(actor, { commandId: randomUUID() }, 'bench-setup');
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
          code: `BENCH_LS_${run}`,
          name: 'Radiomics feature',
          modality: 'CT',
          valueType: { kind: 'quantitative', unit: 'cm2', plausibleRange: { min: 0, max: 1_000_000 } },
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
          title: 'Long stream benchmark',
          phase: 'II',
          sponsor: 'Bench',
          primaryEndpoint: 'None',
        },
        origin(coordinator),
        coordinator,
      ),
    );
    for (const c of [
      { type: 'AddTrialArm', trialId, armCode: 'A', name: 'A', armType: 'experimental', plannedSize: 10 },
      { type: 'ActivateTrialSite', trialId, siteId: 'BENCH-SITE', name: 'Bench site' },
      { type: 'OpenEnrolment', trialId },
    ] as const) {
      await send(new ChangeTrialCommand(c, origin(coordinator), coordinator));
    }
    const subject = async (i: number) => {
      const subjectId = randomUUID();
      const studyInstanceUid = `1.2.826.0.1.3680043.10.78.${Date.now()}.${i}`;
      await send(
        new SubjectCommandMessage(
          { type: 'EnrolSubject', subjectId, trialId, pseudonym: `BENCHLS${run}X${i}`, siteId: 'BENCH-SITE', consentVersion: 'v1', consentDate: '2025-01-06' },
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
    };
    const short = await subject(1);
    const long = await subject(2);
    const token = await issueLocalToken(config, { sub: 'bench-reader', role: 'reader', sites: ['*'] });

    let op = 0;
    const post = async (s: { subjectId: string; studyInstanceUid: string }): Promise<number> => {
      op++;
      const t0 = performance.now();
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
      const ms = performance.now() - t0;
      if (body.errors) throw new Error(`recordMeasurement failed: ${String(body.errors[0]!.extensions?.code)} ${body.errors[0]!.message}`);
      return ms;
    };

    // ---- fill: 10 measurements over HTTP on one subject; 1 over HTTP + 4,999 through the port on the other
    for (let i = 0; i < SHORT; i++) await post(short);
    await post(long);
    const [template] = (await store.readStream(`subject-${long.subjectId}`)).filter((e) => e.type === 'MeasurementRecorded');
    if (!template) throw new Error('no template measurement');
    const fillStarted = performance.now();
    let revision = (await store.readStream(`subject-${long.subjectId}`, { direction: 'backwards', maxCount: 1 }))[0]!.revision;
    for (let done = 1; done < LONG;) {
      const n = Math.min(FILL_BATCH, LONG - done);
      const events = Array.from({ length: n }, (_, i) => {
        const commandId = randomUUID();
        return {
          id: randomUUID(),
          type: 'MeasurementRecorded',
          data: {
            ...template.data,
            measurementId: `fill-${done + i}`,
            result: { ...(template.data['result'] as JsonObject), value: (done + i) % 900 },
          } as JsonObject,
          metadata: { ...template.metadata, commandId, causationId: commandId, recordedAt: new Date().toISOString() } as JsonObject,
        };
      });
      revision = (await store.appendToStream(`subject-${long.subjectId}`, events, { expectedRevision: revision })).nextExpectedRevision;
      done += n;
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;

    // ---- measure: pairs interleaved (alternating which goes first); the first command on the long subject is cold
    const cacheBefore = registry.app.get(CommandRunner).states.stats();
    const shortMs: number[] = [];
    const longMs: number[] = [];
    let coldMs = Number.NaN;
    for (let i = 0; i < WARMUP_PAIRS + PAIRS; i++) {
      const pair = i % 2 === 0 ? [await post(short), await post(long)] : [await post(long), await post(short)].reverse();
      if (i === 0) coldMs = pair[1]!;
      if (i < WARMUP_PAIRS) continue;
      shortMs.push(pair[0]!);
      longMs.push(pair[1]!);
    }
    const cacheAfter = registry.app.get(CommandRunner).states.stats();
    shortMs.sort((a, b) => a - b);
    longMs.sort((a, b) => a - b);
    const p50At10 = round(percentile(shortMs, 50), 2);
    const p50At5000 = round(percentile(longMs, 50), 2);
    return {
      p50At10,
      p50At5000,
      ratio: ratio(p50At5000, p50At10) ?? Number.NaN,
      details: {
        longStreamEvents: Number(revision) + 1,
        fillSeconds: round(fillSeconds, 2),
        coldFirstCommandMs: round(coldMs, 2),
        p99At10: round(percentile(shortMs, 99), 2),
        p99At5000: round(percentile(longMs, 99), 2),
        pairs: PAIRS,
        cacheHits: cacheAfter.hits - cacheBefore.hits,
        cacheMisses: cacheAfter.misses - cacheBefore.misses,
      },
    };
  } finally {
    await registry.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const result = await measureLongStream();
  console.log(
    formatTable(
      [{ header: 'subject' }, { header: 'p50 ms', align: 'right' }, { header: 'p99 ms', align: 'right' }],
      [
        [`${SHORT} measurements`, result.p50At10.toFixed(2), String(result.details['p99At10'])],
        [`${LONG} measurements`, result.p50At5000.toFixed(2), String(result.details['p99At5000'])],
      ],
    ),
  );
  console.log(`cold first command on the long subject: ${String(result.details['coldFirstCommandMs'])} ms; fill ${String(result.details['fillSeconds'])} s`);
  console.log(summaryLine({ bench: 'scale-longStream', p50At10: result.p50At10, p50At5000: result.p50At5000, ratio: result.ratio, ...result.details }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
