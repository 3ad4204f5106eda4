import { randomUUID } from 'node:crypto';
import type { EventData, EventStore, JsonObject } from '#event-store';
import type {
  AlgorithmVersionRegistered,
  BiomarkerDefined,
  ImagingStudyRegistered,
  MeasurementCorrected,
  MeasurementRecorded,
  MeasurementRetracted,
  OutcomeCorrected,
  OutcomeRecorded,
  ParticipantInvited,
  RecallRecorded,
  AssessmentOutcomeRecorded,
  IntervalCancerReported,
  ScreeningProgrammeDefined,
  ScreeningRecorded,
  ScreeningRoundOpened,
  SubjectEnrolled,
  SubjectRandomised,
  SubjectWithdrawn,
  TrialArmAdded,
  TrialRegistered,
  TrialSiteActivated,
  VisitScheduleDefined,
  EnrolmentOpened,
} from '#domain';

/**
 * Schema-valid domain events written straight to the event store, for the projector's crash test and the
 * read-model benchmark (which need hundreds of thousands of events quickly; the command path has its own
 * seed script). Shapes follow libs/domain's *.events.ts; values come from a seeded generator.
 */
export interface SyntheticOptions {
  readonly subjects: number;
  /** Share of subjects who are screening participants instead of trial subjects. */
  readonly screeningShare?: number;
  readonly seed?: number;
  /** Parallel appends. */
  readonly concurrency?: number;
  /** Readers who each measure the target lesion at every visit (default 2): more readers, more measurements per subject. */
  readonly lesionReaders?: number;
  /** Trials the trial subjects are spread over, in turn (default 2). */
  readonly trials?: number;
  readonly onProgress?: (events: number) => void;
}

export interface SyntheticRegistry {
  readonly events: number;
  readonly trialIds: readonly string[];
  readonly subjectIds: readonly string[];
  readonly programmeId: string;
  readonly biomarkerIds: readonly string[];
}

type Domain = { type: string; data: unknown };
type Append = { stream: string; events: Domain[]; occurredAt?: string };

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const day = (base: number, offset: number): string => new Date(base + offset * 86_400_000).toISOString().slice(0, 10);
const TIME_POINTS = [
  { code: 'BASELINE', label: 'Baseline', targetDay: -7, windowBeforeDays: 21, windowAfterDays: 0 },
  { code: 'W8', label: 'Week 8', targetDay: 56, windowBeforeDays: 7, windowAfterDays: 7 },
  { code: 'W16', label: 'Week 16', targetDay: 112, windowBeforeDays: 7, windowAfterDays: 7 },
  { code: 'W24', label: 'Week 24', targetDay: 168, windowBeforeDays: 7, windowAfterDays: 7 },
];
const BIOMARKERS = [
  { code: 'SMA_L3', name: 'Skeletal muscle area at L3', unit: 'cm2', min: 20, max: 400, body: 'L3', base: 150 },
  { code: 'VAT_L3', name: 'Visceral fat area at L3', unit: 'cm2', min: 0, max: 800, body: 'L3', base: 120 },
  { code: 'SAT_L3', name: 'Subcutaneous fat area at L3', unit: 'cm2', min: 0, max: 900, body: 'L3', base: 180 },
  { code: 'LESION_LD', name: 'Lesion longest diameter', unit: 'mm', min: 1, max: 300, body: null, base: 35 },
  { code: 'NODULE_VOL', name: 'Nodule volume', unit: 'mm3', min: 1, max: 100000, body: 'LUNG', base: 400 },
];

function meta(occurredAt?: string): JsonObject {
  const commandId = randomUUID();
  return {
    actorId: 'synthetic-loader',
    actorRole: 'coordinator',
    commandId,
    correlationId: commandId,
    causationId: commandId,
    recordedAt: new Date().toISOString(),
    ...(occurredAt ? { occurredAt } : {}),
    schemaVersion: 1,
  };
}

function uid(r: () => number): string {
  return `1.2.826.0.1.3680043.10.${1 + Math.floor(r() * 1e6)}.${1 + Math.floor(r() * 1e9)}`;
}

/** The appends of one registry, in an order the write side would accept (definitions before their uses). */
function* plan(o: SyntheticOptions, out: { trialIds: string[]; subjectIds: string[]; biomarkerIds: string[]; programmeId: string }): Generator<Append> {
  const r = prng(o.seed ?? 42);
  const t0 = Date.UTC(2025, 0, 6);
  const biomarkers = BIOMARKERS.map((b) => ({ ...b, id: randomUUID() }));
  for (const b of biomarkers) {
    out.biomarkerIds.push(b.id);
    const e: BiomarkerDefined = {
      type: 'BiomarkerDefined',
      data: {
        biomarkerId: b.id,
        code: b.code,
        version: 1,
        name: b.name,
        description: null,
        modality: 'CT',
        bodySite: b.body,
        valueType: { kind: 'quantitative', unit: b.unit, plausibleRange: { min: b.min, max: b.max } },
        repeatabilityWcv: 0.05,
        definedAt: day(t0, -60),
      },
    };
    yield { stream: `biomarker-${b.id}`, events: [e] };
  }
  const algorithms: string[] = [];
  for (const [i, version] of ['1.0', '1.1', '2.0'].entries()) {
    const id = randomUUID();
    const e: AlgorithmVersionRegistered = {
      type: 'AlgorithmVersionRegistered',
      data: {
        algorithmVersionId: id,
        manufacturer: 'Acme Imaging AI',
        name: 'BodyComp',
        version,
        intendedUse: 'Body composition at L3 on CT',
        regulatory: { status: 'ce_marked', ceClass: 'IIa', udiDi: null, clearanceNumber: null },
        biomarkerIds: biomarkers.slice(0, 3).map((b) => b.id),
        predecessorVersionId: i === 0 ? null : algorithms[i - 1]!,
        registeredAt: day(t0, -50 + i),
      },
    };
    algorithms.push(id);
    yield { stream: `algorithm-${id}`, events: [e] };
  }
  const trials = Array.from({ length: o.trials ?? 2 }, (_, i) => i).map((i) => ({
    id: randomUUID(),
    sites: [0, 1, 2].map((s) => `SITE-${i}${s}`),
    arms: ['A', 'B'],
    i,
  }));
  for (const t of trials) {
    out.trialIds.push(t.id);
    const events: Domain[] = [
      {
        type: 'TrialRegistered',
        data: {
          trialId: t.id,
          identifiers: [{ system: 'NCT', value: `NCT0${5000000 + t.i}` }],
          title: `Body composition in trial ${t.i + 1}`,
          phase: 'III',
          sponsor: 'Registry Sponsor',
          primaryEndpoint: 'Progression-free survival',
          registeredAt: day(t0, -40),
        },
      } satisfies TrialRegistered,
      ...t.arms.map((a): TrialArmAdded => ({
        type: 'TrialArmAdded',
        data: {
          trialId: t.id,
          armCode: a,
          name: `Arm ${a}`,
          armType: a === 'A' ? 'experimental' : 'active_comparator',
          plannedSize: Math.ceil(o.subjects / 4),
        },
      })),
      ...t.sites.map((s): TrialSiteActivated => ({
        type: 'TrialSiteActivated',
        data: { trialId: t.id, siteId: s, name: `Hospital ${s}`, country: 'NL', activatedAt: day(t0, -30) },
      })),
      { type: 'VisitScheduleDefined', data: { trialId: t.id, scheduleVersion: 1, timePoints: TIME_POINTS, reason: null } } satisfies VisitScheduleDefined,
      { type: 'EnrolmentOpened', data: { trialId: t.id, openedAt: day(t0, -20) } } satisfies EnrolmentOpened,
    ];
    yield { stream: `trial-${t.id}`, events };
  }
  const programmeId = randomUUID();
  out.programmeId = programmeId;
  const rounds = [1, 2].map((n) => ({ id: randomUUID(), n }));
  yield {
    stream: `programme-${programmeId}`,
    events: [
      {
        type: 'ScreeningProgrammeDefined',
        data: {
          programmeId,
          name: 'Lung screening pilot',
          cancerType: 'lung',
          targetPopulation: 'Current and former smokers 55-74',
          ageRange: { min: 55, max: 74 },
          intervalMonths: 24,
          kpiTargets: [{ kpi: 'participation_rate', scope: 'all_rounds', direction: 'at_least', acceptable: 0.7, desirable: 0.75 }],
          definedAt: day(t0, -40),
        },
      } satisfies ScreeningProgrammeDefined,
      ...rounds.map((rd): ScreeningRoundOpened => ({
        type: 'ScreeningRoundOpened',
        data: { programmeId, roundId: rd.id, name: `Round ${rd.n}`, roundNumber: rd.n, opensOn: day(t0, -10 + rd.n) },
      })),
    ],
  };

  for (let s = 0; s < o.subjects; s++) {
    const subjectId = randomUUID();
    out.subjectIds.push(subjectId);
    const stream = `subject-${subjectId}`;
    const start = t0 + Math.floor(r() * 300) * 86_400_000;
    if (r() < (o.screeningShare ?? 0.2)) {
      const round = rounds[Math.floor(r() * rounds.length)]!;
      const screeningId = randomUUID();
      const recalled = r() < 0.1;
      const events: Domain[] = [
        {
          type: 'ParticipantInvited',
          data: { subjectId, programmeId, roundId: round.id, pseudonym: `P-${s}`, occurredAt: day(start, 0) },
        } satisfies ParticipantInvited,
      ];
      yield { stream, events };
      if (r() < 0.75) {
        const ai = r();
        yield {
          stream,
          events: [
            {
              type: 'ScreeningRecorded',
              data: {
                subjectId,
                programmeId,
                roundId: round.id,
                screeningId,
                siteId: `SCREEN-${s % 4}`,
                modality: 'CT',
                humanReading: { result: recalled ? 'positive' : 'negative', readerIds: ['reader-1'] },
                aiReading: { algorithmVersionId: algorithms[2]!, score: Math.round(ai * 1000) / 1000, aiPositive: ai > 0.8 },
                occurredAt: day(start, 20),
              },
            } satisfies ScreeningRecorded,
          ],
        };
        if (recalled) {
          const events2: Domain[] = [
            {
              type: 'RecallRecorded',
              data: { subjectId, programmeId, roundId: round.id, screeningId, reason: 'Lung-RADS 4A', occurredAt: day(start, 30) },
            } satisfies RecallRecorded,
          ];
          const cancer = r() < 0.3;
          events2.push({
            type: 'AssessmentOutcomeRecorded',
            data: {
              subjectId,
              programmeId,
              roundId: round.id,
              screeningId,
              outcome: cancer ? 'cancer' : 'benign',
              diagnosisDate: cancer ? day(start, 45) : null,
              stage: cancer ? 'IA' : null,
              occurredAt: day(start, 45),
            },
          } satisfies AssessmentOutcomeRecorded);
          yield { stream, events: events2 };
        } else if (r() < 0.02) {
          yield {
            stream,
            events: [
              {
                type: 'IntervalCancerReported',
                data: {
                  subjectId,
                  programmeId,
                  reportId: randomUUID(),
                  precedingScreeningId: screeningId,
                  precedingRoundId: round.id,
                  source: 'cancer_registry_linkage',
                  stage: 'II',
                  occurredAt: day(start, 200),
                },
              } satisfies IntervalCancerReported,
            ],
          };
        }
      }
      continue;
    }
    const trial = trials[s % trials.length]!;
    const site = trial.sites[Math.floor(r() * trial.sites.length)]!;
    const arm = trial.arms[Math.floor(r() * trial.arms.length)]!;
    const randomised: SubjectRandomised = {
      type: 'SubjectRandomised',
      data: { subjectId, trialId: trial.id, armCode: arm, stratum: r() < 0.5 ? 'ECOG0' : 'ECOG1', occurredAt: day(start, 0) },
    };
    // Some subjects are randomised only after their baseline scan, so their first measurements predate their arm.
    const randomisedAfterBaseline = r() < 0.2;
    yield {
      stream,
      events: [
        {
          type: 'SubjectEnrolled',
          data: {
            subjectId,
            trialId: trial.id,
            pseudonym: `S-${s}`,
            siteId: site,
            consentVersion: 'v2',
            consentDate: day(start, -10),
            occurredAt: day(start, -10),
          },
        } satisfies SubjectEnrolled,
        ...(randomisedAfterBaseline ? [] : [randomised]),
      ],
    };
    const lesion = { trackingUid: uid(r), label: 'Lesion 1', findingSite: 'Liver', role: 'target' as const };
    let ld = 20 + r() * 40;
    const recorded: string[] = [];
    let visits = TIME_POINTS.length;
    if (r() < 0.05) visits = 2;
    for (let v = 0; v < visits; v++) {
      const tp = TIME_POINTS[v]!;
      const at = `${day(start, tp.targetDay + 7)}T09:30:00.000Z`;
      const studyUid = uid(r);
      const study: ImagingStudyRegistered = {
        type: 'ImagingStudyRegistered',
        data: {
          studyInstanceUid: studyUid,
          subjectId,
          modality: 'CT',
          occurredAt: at,
          siteId: site,
          scanner: { manufacturer: 'Siemens', model: 'SOMATOM Force' },
          sliceThicknessMm: 1.5,
          kvp: 120,
          contrast: 'iv',
        },
      };
      yield { stream: `study-${studyUid}`, events: [study] };
      const measures: Domain[] = [];
      for (const [bi, b] of biomarkers.slice(0, 3).entries()) {
        const value = Math.round(b.base * (0.8 + r() * 0.4) * 10) / 10;
        const measurementId = randomUUID();
        recorded.push(measurementId);
        measures.push({
          type: 'MeasurementRecorded',
          data: {
            subjectId,
            measurementId,
            trialId: trial.id,
            programmeId: null,
            biomarkerId: b.id,
            biomarkerVersion: 1,
            result: { kind: 'quantitative', originalValue: value, originalUnit: b.unit, value, unit: b.unit },
            studyInstanceUid: studyUid,
            seriesInstanceUid: null,
            timePoint: tp.code,
            lesion: null,
            method: 'ai',
            algorithmVersionId: algorithms[bi % algorithms.length]!,
            readerId: null,
            plausibilityOverrideReason: null,
            occurredAt: at,
          },
        } satisfies MeasurementRecorded);
      }
      ld = Math.max(1, ld * (0.8 + r() * 0.35));
      for (let ri = 1; ri <= (o.lesionReaders ?? 2); ri++) {
        const reader = `reader-${ri}`;
        const mm = Math.round((ld + (r() - 0.5) * 2) * 10) / 10;
        const measurementId = randomUUID();
        recorded.push(measurementId);
        measures.push({
          type: 'MeasurementRecorded',
          data: {
            subjectId,
            measurementId,
            trialId: trial.id,
            programmeId: null,
            biomarkerId: biomarkers[3]!.id,
            biomarkerVersion: 1,
            result: { kind: 'quantitative', originalValue: mm / 10, originalUnit: 'cm', value: mm, unit: 'mm' },
            studyInstanceUid: studyUid,
            seriesInstanceUid: null,
            timePoint: tp.code,
            lesion,
            method: 'manual',
            algorithmVersionId: null,
            readerId: reader,
            plausibilityOverrideReason: null,
            occurredAt: at,
          },
        } satisfies MeasurementRecorded);
      }
      if (v > 0) {
        measures.push({
          type: 'OutcomeRecorded',
          data: {
            subjectId,
            outcomeId: randomUUID(),
            outcomeType: 'response_assessment',
            trialId: trial.id,
            programmeId: null,
            timePoint: tp.code,
            notes: null,
            occurredAt: day(start, tp.targetDay + 8),
            source: 'investigator',
            recistResponse: ld < 15 ? 'PR' : 'SD',
            stage: null,
          },
        } satisfies OutcomeRecorded);
      }
      yield { stream, events: measures, occurredAt: at };
      if (v === 0 && randomisedAfterBaseline) yield { stream, events: [randomised] };
    }
    const fixes: Domain[] = [];
    if (r() < 0.3) {
      const measurementId = recorded[Math.floor(r() * recorded.length)]!;
      const value = Math.round(100 + r() * 50);
      fixes.push({
        type: 'MeasurementCorrected',
        data: {
          subjectId,
          measurementId,
          result: { kind: 'quantitative', originalValue: value, originalUnit: 'cm2', value, unit: 'cm2' },
          previousResult: { kind: 'quantitative', originalValue: 1, originalUnit: 'cm2', value: 1, unit: 'cm2' },
          reason: 'Segmentation reviewed',
          plausibilityOverrideReason: null,
          correctedAt: day(start, 200),
        },
      } satisfies MeasurementCorrected);
    }
    if (r() < 0.05) {
      fixes.push({
        type: 'MeasurementRetracted',
        data: { subjectId, measurementId: recorded[0]!, reason: 'Wrong series', retractedAt: day(start, 201) },
      } satisfies MeasurementRetracted);
    }
    const died = r() < 0.1;
    const outcomeId = randomUUID();
    fixes.push({
      type: 'OutcomeRecorded',
      data: {
        subjectId,
        outcomeId,
        outcomeType: died ? 'death' : 'last_known_alive',
        trialId: trial.id,
        programmeId: null,
        timePoint: null,
        notes: null,
        occurredAt: day(start, 250),
        source: died ? 'death_registry' : 'investigator',
        recistResponse: null,
        stage: null,
      },
    } satisfies OutcomeRecorded);
    if (r() < 0.02) {
      const prev = { occurredAt: day(start, 250), source: 'investigator' as const, recistResponse: null, stage: null };
      fixes.push({
        type: 'OutcomeCorrected',
        data: {
          subjectId,
          outcomeId,
          outcomeType: died ? 'death' : 'last_known_alive',
          occurredAt: day(start, 251),
          source: 'medical_record',
          recistResponse: null,
          stage: null,
          previous: prev,
          reason: 'Date from medical record',
          correctedAt: day(start, 260),
        },
      } satisfies OutcomeCorrected);
    }
    if (!died && r() < 0.03)
      fixes.push({
        type: 'SubjectWithdrawn',
        data: { subjectId, trialId: trial.id, reason: 'Consent withdrawn', occurredAt: day(start, 255) },
      } satisfies SubjectWithdrawn);
    yield { stream, events: fixes };
  }
}

/** Writes a synthetic registry through `appendToStream` (streams in parallel, each stream's appends in order). */
export async function writeSyntheticRegistry(store: EventStore, options: SyntheticOptions): Promise<SyntheticRegistry> {
  const out = { trialIds: [] as string[], subjectIds: [] as string[], biomarkerIds: [] as string[], programmeId: '' };
  const appends = plan(options, out);
  let events = 0;
  // Definitions (catalogue, trials, programme) go first and in order; subjects' appends then run in parallel lanes
  // keyed by stream, so every stream's own order holds.
  const lanes = Math.max(1, options.concurrency ?? 8);
  const queues: Append[][] = Array.from({ length: lanes }, () => []);
  const write = async (a: Append): Promise<void> => {
    const data: EventData[] = a.events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data as JsonObject, metadata: meta(a.occurredAt) }));
    await store.appendToStream(a.stream, data, { expectedRevision: 'any' });
    events += data.length;
    options.onProgress?.(events);
  };
  let subjectLane = 0;
  let lastSubjectStream = '';
  const flush = async (): Promise<void> => {
    await Promise.all(
      queues.map(async (q) => {
        for (const a of q.splice(0)) await write(a);
      }),
    );
  };
  for (const a of appends) {
    if (!a.stream.startsWith('subject-') && !a.stream.startsWith('study-')) {
      await write(a);
      continue;
    }
    // A subject's study goes into the same lane, before the measurements that use it.
    if (a.stream.startsWith('subject-') && a.stream !== lastSubjectStream) {
      lastSubjectStream = a.stream;
      subjectLane = (subjectLane + 1) % lanes;
    }
    queues[subjectLane]!.push(a);
    if (queues[subjectLane]!.length >= 200) await flush();
  }
  await flush();
  return { events, trialIds: out.trialIds, subjectIds: out.subjectIds, programmeId: out.programmeId, biomarkerIds: out.biomarkerIds };
}
