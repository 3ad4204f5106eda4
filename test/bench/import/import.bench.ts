/**
 * Issue 16's import benchmark: DICOM SR TID 1500 reports of 50 measurements each through POST /dicomweb/studies
 * (STOW-RS, SRS_PER_REQUEST instances per request), CSV rows through POST /import, and the baseline, the same events
 * appended directly through the EventStore port in 100-event appends; the three interleaved in ROUNDS rounds, so a
 * shared machine drifting faster or slower weighs on all alike. Embedded PostgreSQL, projector running, real tokens.
 * Afterwards every report's and row's event must be in its subject's stream.
 *
 * Targets (issue 16): CSV ≥ 10,000 rows/s and ≥ 0.4 × direct appends; DICOM SR ≥ 200 reports/s.
 * `npm run bench:import`; the last line is `{"bench":"import","dicomSr":{…},"csv":{…},"directAppendEventsPerSecond":…,"csvVsDirect":…}`.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandBus } from '@nestjs/cqrs';
import pg from 'pg';
import { createEventStore, type EventData, type EventStore } from '#event-store';
import { loadConfig } from '#runtime';
import { buildTid1500Part10, type BuiltReport } from '../../../libs/interop/src/testing/tid1500.builder.js';
import { issueLocalToken } from '../../../services/registry-api/src/auth/local-signing-key.js';
import { startRegistry } from '../../../services/registry-api/src/bootstrap.js';
import { DefineBiomarkerCommand } from '../../../services/registry-api/src/catalogue/define-biomarker.handler.js';
import { RegisterAlgorithmVersionCommand } from '../../../services/registry-api/src/catalogue/register-algorithm-version.handler.js';
import { inProcessActor, originFor } from '../../../services/registry-api/src/commands/command-origin.js';
import { RegisterImagingStudyCommand } from '../../../services/registry-api/src/imaging/register-imaging-study.handler.js';
import { SubjectCommandMessage } from '../../../services/registry-api/src/subjects/subject-command.handler.js';
import { ChangeTrialCommand } from '../../../services/registry-api/src/trials/change-trial.handler.js';
import { RegisterTrialCommand } from '../../../services/registry-api/src/trials/register-trial.handler.js';
import { round, summaryLine } from '../bench-harness.js';
import { DataQualityMonitorService } from '#projections';
import type { DataQualityRuleInput } from '#domain';
import { DataQualityRuleCommandMessage } from '../../../services/registry-api/src/quality/data-quality.handlers.js';

/** Up to ten rules of the kinds that read measurements and studies, with bounds the bench data keep. */
function benchRules(count: number, run: string | number): DataQualityRuleInput[] {
  const all: DataQualityRuleInput[] = [
    ...CONCEPTS.map((c) => ({ kind: 'range' as const, name: `bench range ${c.id}`, biomarkerId: `bench-${c.id}-${run}`, min: -1e9, max: 1e9 })),
    { kind: 'method_consistency', name: 'bench method' },
    { kind: 'reader_disagreement', name: 'bench readers', maxRelativeDifference: 10 },
    { kind: 'duplicate_scan', name: 'bench duplicates' },
    { kind: 'outcome_before_enrolment', name: 'bench outcomes' },
    { kind: 'expression', name: 'bench expression', expression: '{"!=": [{"var": "measurementId"}, null]}' },
  ];
  return all.slice(0, count);
}

const REPORTS = Number(process.env.BENCH_IMPORT_REPORTS ?? 400);
const MEASUREMENTS_PER_REPORT = 50;
const SRS_PER_REQUEST = Number(process.env.BENCH_IMPORT_SRS_PER_REQUEST ?? 10);
const CSV_ROWS = Number(process.env.BENCH_IMPORT_CSV_ROWS ?? 40_000);
/** Files sent at once (the import works through one file in order; several files run side by side). */
const CONCURRENCY = Number(process.env.BENCH_IMPORT_CONCURRENCY ?? 4);
const ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 2);
/** Consecutive CSV rows of one subject (a chunk of 500 rows spans 10 subjects). */
const ROWS_PER_SUBJECT = 50;
const DIRECT_BATCH = 100;
const PORT = process.env.BENCH_PORT ?? '4211';

/** Five measured concepts, each a catalogue biomarker carrying it; ten lesions × five = 50 measurements per report. */
const CONCEPTS = [
  { id: 'volume', concept: { scheme: 'SCT', value: '118565006', meaning: 'Volume' }, unit: { code: 'mm3', meaning: 'cubic millimeter' } },
  { id: 'hu', concept: { scheme: 'DCM', value: '112031', meaning: 'Attenuation Coefficient' }, unit: { code: "[hnsf'U]", meaning: 'Hounsfield unit' } },
  { id: 'ld', concept: { scheme: 'SCT', value: '103339001', meaning: 'Long axis' }, unit: { code: 'mm', meaning: 'millimeter' } },
  { id: 'sa', concept: { scheme: 'SCT', value: '103340004', meaning: 'Short axis' }, unit: { code: 'mm', meaning: 'millimeter' } },
  { id: 'score', concept: { scheme: '99BENCH', value: 'MALIG', meaning: 'Malignancy score' }, unit: { code: '1', meaning: 'no units' } },
] as const;

async function pool(steps: number, concurrency: number, step: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < steps) await step(next++);
    }),
  );
}

/** `rules`: data-quality rules active on the trial during the import (issue 19's mode: 0 = none). */
export async function measureImport(options: { readonly rules?: number } = {}): Promise<Record<string, unknown>> {
  const ruleCount = options.rules ?? 0;
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-import-'));
  await chmod(dataDir, 0o755); // the embedded PostgreSQL runs as its own user when started as root
  const config = loadConfig({
    ...process.env,
    PORT,
    PROJECTOR_PORT: process.env.BENCH_PROJECTOR_PORT ?? '4212',
    LOG_LEVEL: 'silent',
    PROJECTOR: 'embedded',
    DATA_DIR: process.env.DATA_DIR ?? dataDir,
    RATE_LIMIT_PER_MINUTE: '1000000',
  });
  const registry = await startRegistry(config);
  const base = registry.url.replace(/\/graphql$/, '');
  let direct: EventStore | undefined;
  const sql = new pg.Client({ connectionString: registry.database.url });
  await sql.connect();
  try {
    // ---- setup through the command bus: biomarkers with coded concepts, an algorithm version, a trial, subjects + studies
    const bus = registry.app.get(CommandBus);
    const admin = inProcessActor('bench-admin', 'admin');
    const coordinator = inProcessActor('bench-coordinator', 'coordinator');
    const send = (message: object) => bus.execute(message as DefineBiomarkerCommand);
    const aorigin = () => originFor(admin, { commandId: randomUUID() }, 'bench-setup');
    const corigin = () => originFor(coordinator, { commandId: randomUUID() }, 'bench-setup');
    const run = randomUUID()
      .slice(0, 8)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, 'X');
    const biomarkerIds: string[] = [];
    for (const c of CONCEPTS) {
      const biomarkerId = `bench-${c.id}-${run}`;
      biomarkerIds.push(biomarkerId);
      await send(
        new DefineBiomarkerCommand(
          {
            type: 'DefineBiomarker',
            biomarkerId,
            code: `BENCH_${c.id.toUpperCase()}_${run}`,
            name: c.concept.meaning,
            modality: 'CT',
            valueType: { kind: 'quantitative', unit: c.unit.code, plausibleRange: { min: -1024, max: 1_000_000 } },
            codedConcepts: [c.concept],
          },
          aorigin(),
          admin,
        ),
      );
    }
    await send(
      new RegisterAlgorithmVersionCommand(
        {
          type: 'RegisterAlgorithmVersion',
          algorithmVersionId: `bench-ai-${run}`,
          manufacturer: 'Bench AI',
          name: `BenchAI ${run}`,
          version: '1.0.0',
          intendedUse: 'Benchmark',
          regulatory: { status: 'investigational' },
          biomarkerIds,
        },
        aorigin(),
        admin,
      ),
    );
    const trialId = `BENCH-${run}`;
    await send(
      new RegisterTrialCommand(
        {
          type: 'RegisterTrial',
          trialId,
          identifiers: [{ system: 'OTHER', value: trialId }],
          title: 'Import benchmark',
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
    // Issue 19: rules that read every measurement, none of which the bench data break (the cost is evaluation).
    const dataManager = inProcessActor('bench-data-manager', 'data_manager');
    for (const rule of benchRules(ruleCount, run)) {
      const command = { type: 'DefineDataQualityRule' as const, ruleId: randomUUID(), trialId, programmeId: null, ...rule };
      await send(new DataQualityRuleCommandMessage(command, originFor(dataManager, { commandId: randomUUID() }, 'bench-setup'), dataManager));
    }
    // One subject per report (its own study), and CSV subjects of their own.
    const csvSubjects = Math.ceil(CSV_ROWS / ROWS_PER_SUBJECT);
    const subjects: { subjectId: string; pseudonym: string; study: string }[] = new Array(REPORTS + csvSubjects);
    const setupStarted = performance.now();
    await pool(subjects.length, 8, async (i) => {
      const subjectId = randomUUID();
      const pseudonym = `BI${run}X${i + 1}`;
      const study = `1.2.826.0.1.3680043.10.79.${Date.now()}.${i + 1}`;
      await send(
        new SubjectCommandMessage(
          { type: 'EnrolSubject', subjectId, trialId, pseudonym, siteId: 'BENCH-SITE', consentVersion: 'v1', consentDate: '2025-01-06' },
          corigin(),
          coordinator,
        ),
      );
      await send(
        new RegisterImagingStudyCommand(
          {
            type: 'RegisterImagingStudy',
            studyInstanceUid: study,
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
      subjects[i] = { subjectId, pseudonym, study };
    });
    // The resolver reads the read models: wait until the projector has every subject, study and catalogue entry.
    for (;;) {
      const { rows } = await sql.query(
        `SELECT (SELECT count(*)::int FROM read_model.imaging_studies WHERE study_instance_uid LIKE '1.2.826.0.1.3680043.10.79.%') AS studies,
                (SELECT count(*)::int FROM read_model.subjects WHERE trial_id = $1) AS subjects,
                (SELECT count(*)::int FROM read_model.algorithm_versions WHERE algorithm_version_id = $2) AS algorithms`,
        [trialId, `bench-ai-${run}`],
      );
      if (rows[0].studies >= subjects.length && rows[0].subjects >= subjects.length && rows[0].algorithms === 1) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const token = await issueLocalToken(config, { sub: 'bench-coordinator', role: 'coordinator', trials: [trialId], sites: ['*'] });

    // ---- the SRs, built before anything is timed (dcmjs writing is not what is measured)
    const report = (i: number): BuiltReport => {
      const s = subjects[i]!;
      const uid = `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
      return {
        sopInstanceUid: `${uid}.1`,
        studyInstanceUid: s.study,
        seriesInstanceUid: `${uid}.2`,
        patientId: s.pseudonym,
        contentDateTime: '20250120101500',
        observer: { kind: 'device', uid: '1.2.826.0.1.3680043.10.79.99', name: 'BenchAI', manufacturer: 'Bench AI', modelName: `BenchAI ${run}` },
        softwareVersions: '1.0.0',
        timePoint: 'BASELINE',
        evidence: [
          {
            studyInstanceUid: s.study,
            series: [{ seriesInstanceUid: `${uid}.3`, sops: [{ classUid: '1.2.840.10008.5.1.4.1.1.2', instanceUid: `${uid}.3.1` }] }],
          },
        ],
        groups: Array.from({ length: MEASUREMENTS_PER_REPORT / CONCEPTS.length }, (_, g) => ({
          template: '1410' as const,
          trackingIdentifier: `Lesion ${g + 1}`,
          trackingUid: `${uid}.7.${g + 1}`,
          regionImageSopUid: `${uid}.3.1`,
          measurements: CONCEPTS.map((c, k) => ({
            concept: c.concept,
            value: String(c.id === 'score' ? 0.5 : 10 + g + k),
            unit: c.unit,
            observationUid: `${uid}.8.${g + 1}.${k + 1}`,
          })),
        })),
      };
    };
    const srs = Array.from({ length: REPORTS }, (_, i) => buildTid1500Part10(report(i)));
    const boundary = `bench-${run}`;
    const stowBody = (from: number, to: number) =>
      Buffer.concat([
        ...srs.slice(from, to).flatMap((b) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), Buffer.from(b), Buffer.from('\r\n')]),
        Buffer.from(`--${boundary}--\r\n`),
      ]);

    // ---- CSV files: CONCURRENCY files per round, ROWS_PER_SUBJECT consecutive rows per subject
    const header = 'subject_pseudonym,study_instance_uid,biomarker_code,value,unit,reader_id,time_point';
    const csvFile = (fromRow: number, toRow: number) => {
      const lines = [header];
      for (let r = fromRow; r < toRow; r++) {
        const s = subjects[REPORTS + Math.floor(r / ROWS_PER_SUBJECT)]!;
        lines.push(`${s.pseudonym},${s.study},BENCH_LD_${run},${(1 + (r % 400)).toFixed(1)},mm,bench-reader,UNSCHEDULED`);
      }
      return `${lines.join('\n')}\n`;
    };

    let srReports = 0;
    let srSeconds = 0;
    const srRound = async (from: number, to: number) => {
      const requests = Math.ceil((to - from) / SRS_PER_REQUEST);
      const bodies = Array.from({ length: requests }, (_, i) => stowBody(from + i * SRS_PER_REQUEST, Math.min(to, from + (i + 1) * SRS_PER_REQUEST)));
      const t0 = performance.now();
      await pool(requests, CONCURRENCY, async (i) => {
        const res = await fetch(`${base}/dicomweb/studies`, {
          method: 'POST',
          headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`, authorization: `Bearer ${token}` },
          body: bodies[i]!,
        });
        const body = (await res.json()) as Record<string, { Value?: unknown[] }>;
        if (res.status !== 200) throw new Error(`STOW-RS answered ${res.status}: ${JSON.stringify(body).slice(0, 600)}`);
        srReports += (body['00081199']?.Value ?? []).length;
      });
      srSeconds += (performance.now() - t0) / 1000;
    };
    let csvRows = 0;
    let csvSeconds = 0;
    const csvRound = async (from: number, to: number) => {
      const per = Math.ceil((to - from) / CONCURRENCY / ROWS_PER_SUBJECT) * ROWS_PER_SUBJECT;
      const files = Array.from({ length: CONCURRENCY }, (_, i) => csvFile(from + i * per, Math.min(to, from + (i + 1) * per))).filter(
        (f) => f !== `${header}\n`,
      );
      const t0 = performance.now();
      await Promise.all(
        files.map(async (file) => {
          const res = await fetch(`${base}/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body: file });
          const summary = (await res.json()) as { accepted: number; refused: number; refusedRows?: unknown[] };
          if (res.status !== 200 || summary.refused) throw new Error(`POST /import: ${res.status} ${JSON.stringify(summary).slice(0, 600)}`);
          csvRows += summary.accepted;
        }),
      );
      csvSeconds += (performance.now() - t0) / 1000;
    };
    direct = createEventStore({ adapter: 'postgres', connectionString: registry.database.url, poolSize: CONCURRENCY + 2 });
    let directEvents = 0;
    let directSeconds = 0;
    const directRound = async (events: number) => {
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

    // Interleaved: SR share, CSV share, direct share, … (the direct rounds copy a recorded event).
    const srPerRound = Math.ceil(REPORTS / ROUNDS);
    const csvPerRound = Math.ceil(CSV_ROWS / ROUNDS / ROWS_PER_SUBJECT) * ROWS_PER_SUBJECT;
    for (let r = 0; r < ROUNDS; r++) {
      await srRound(r * srPerRound, Math.min(REPORTS, (r + 1) * srPerRound));
      await csvRound(r * csvPerRound, Math.min(CSV_ROWS, (r + 1) * csvPerRound));
      await directRound(Math.round(CSV_ROWS / ROUNDS));
    }

    // ---- the data-quality monitor: how long after the last write it has evaluated everything (0 rules: follows the log only)
    const monitor = registry.app.get(DataQualityMonitorService).monitor;
    const m0 = performance.now();
    while (!(await monitor.isIdle())) await new Promise((r) => setTimeout(r, 20));
    const monitorCatchUpSeconds = (performance.now() - m0) / 1000;

    // ---- afterwards: every measurement in its subject's stream
    let inStreams = 0;
    await pool(subjects.length, 8, async (i) => {
      for (const e of await direct!.readStream(`subject-${subjects[i]!.subjectId}`)) if (e.type === 'MeasurementRecorded') inStreams++;
    });
    const expected = REPORTS * MEASUREMENTS_PER_REPORT + CSV_ROWS;
    if (srReports !== REPORTS || csvRows !== CSV_ROWS || inStreams !== expected)
      throw new Error(`expected ${REPORTS} reports and ${CSV_ROWS} rows (${expected} events): stored ${srReports}, ${csvRows}, found ${inStreams}`);

    const reportsPerSecond = srReports / srSeconds;
    const rowsPerSecond = csvRows / csvSeconds;
    const directAppendEventsPerSecond = directEvents / directSeconds;
    console.error(
      `SR ${round(reportsPerSecond, 1)} reports/s (${round(srSeconds, 2)} s), CSV ${round(rowsPerSecond, 1)} rows/s (${round(csvSeconds, 2)} s), direct ${round(directAppendEventsPerSecond, 1)} events/s (${round(directSeconds, 2)} s)`,
    );
    return {
      dicomSr: {
        reportsPerSecond: round(reportsPerSecond, 1),
        measurementsPerSecond: round(reportsPerSecond * MEASUREMENTS_PER_REPORT, 1),
        reports: REPORTS,
        measurementsPerReport: MEASUREMENTS_PER_REPORT,
        srsPerRequest: SRS_PER_REQUEST,
        seconds: round(srSeconds, 2),
      },
      csv: { rowsPerSecond: round(rowsPerSecond, 1), rows: CSV_ROWS, seconds: round(csvSeconds, 2) },
      directAppendEventsPerSecond: round(directAppendEventsPerSecond, 1),
      csvVsDirect: round(rowsPerSecond / directAppendEventsPerSecond, 2),
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      setupSeconds: round(setupSeconds, 1),
      dataQualityRules: ruleCount,
      monitorCatchUpSeconds: round(monitorCatchUpSeconds, 2),
    };
  } finally {
    await sql.end();
    await direct?.close();
    await registry.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  measureImport()
    .then((result) => {
      const sr = result['dicomSr'] as { reportsPerSecond: number };
      const csv = result['csv'] as { rowsPerSecond: number };
      console.log(
        `DICOM SR: ${sr.reportsPerSecond} reports/s (target ≥ 200); CSV: ${Math.round(csv.rowsPerSecond).toLocaleString('en-US')} rows/s (target ≥ 10,000), ${String(result['csvVsDirect'])} × direct 100-event appends (target ≥ 0.4)`,
      );
      console.log(summaryLine({ bench: 'import', ...result }));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
