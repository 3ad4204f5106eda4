import type { CommandBus } from '@nestjs/cqrs';
import type { RecordMeasurement, SubjectCommand, TimePoint } from '#domain';
import type { VerifiedActor } from '../../services/registry-api/src/auth/actor.js';
import { ChangeAlgorithmVersionCommand } from '../../services/registry-api/src/catalogue/change-algorithm-version.handler.js';
import { RegisterAlgorithmVersionCommand } from '../../services/registry-api/src/catalogue/register-algorithm-version.handler.js';
import { DefineBiomarkerCommand } from '../../services/registry-api/src/catalogue/define-biomarker.handler.js';
import type { DomainCommandMessage, MutationReceipt } from '../../services/registry-api/src/commands/command-message.js';
import { inProcessActor, originFor } from '../../services/registry-api/src/commands/command-origin.js';
import { RegisterImagingStudyCommand } from '../../services/registry-api/src/imaging/register-imaging-study.handler.js';
import { ScreeningProgrammeCommand } from '../../services/registry-api/src/screening/manage-screening-programme.handler.js';
import { SubjectCommandMessage } from '../../services/registry-api/src/subjects/subject-command.handler.js';
import { ChangeTrialCommand } from '../../services/registry-api/src/trials/change-trial.handler.js';
import { RegisterTrialCommand } from '../../services/registry-api/src/trials/register-trial.handler.js';
import { AlgorithmsCommandsModule } from '../../services/registry-api/src/catalogue/algorithms-commands.module.js';
import { CatalogueCommandsModule } from '../../services/registry-api/src/catalogue/catalogue-commands.module.js';
import { ImagingCommandsModule } from '../../services/registry-api/src/imaging/imaging-commands.module.js';
import { ScreeningCommandsModule } from '../../services/registry-api/src/screening/screening-commands.module.js';
import { SubjectsCommandsModule } from '../../services/registry-api/src/subjects/subjects-commands.module.js';
import { TrialsCommandsModule } from '../../services/registry-api/src/trials/trials-commands.module.js';
import { addDays, round1, SeedRandom, seedId } from './seed-random.js';

/** Every command module of the write side: what `createCommandContext` needs to seed (or bench) everything. */
export const WRITE_SIDE_MODULES = [
  CatalogueCommandsModule,
  AlgorithmsCommandsModule,
  TrialsCommandsModule,
  ScreeningCommandsModule,
  ImagingCommandsModule,
  SubjectsCommandsModule,
];

export interface SeedOptions {
  /** Trial subjects (split over the trials). */
  readonly subjects: number;
  /** Screening participants. */
  readonly participants: number;
  readonly seed: number;
  /** Subjects seeded at the same time (each subject's commands stay in order). */
  readonly concurrency: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SeedStats {
  commands: number;
  events: number;
  replayed: number;
  trials: readonly string[];
  programmes: readonly string[];
  biomarkers: Readonly<Record<string, string>>;
  algorithms: Readonly<Record<string, string>>;
}

const admin = inProcessActor('seed-admin', 'admin', {}, 'urn:biomarker-registry:seed');
const coordinator = inProcessActor('seed-coordinator', 'coordinator', {}, 'urn:biomarker-registry:seed');
const manager = inProcessActor('seed-screening-manager', 'screening_manager', {}, 'urn:biomarker-registry:seed');
const READERS = ['reader-anna', 'reader-bram', 'reader-chloe', 'reader-dev'].map((id) => inProcessActor(id, 'reader', {}, 'urn:biomarker-registry:seed'));

const SITES = [
  { siteId: 'SITE-AMS', name: 'Amsterdam UMC', country: 'NL' },
  { siteId: 'SITE-LEI', name: 'Leiden UMC', country: 'NL' },
  { siteId: 'SITE-BER', name: 'Charité Berlin', country: 'DE' },
  { siteId: 'SITE-MIL', name: 'Istituto Nazionale Tumori', country: 'IT' },
];
const SCREENING_SITES = ['SCREEN-NORTH', 'SCREEN-SOUTH', 'SCREEN-EAST'];
const SCANNERS = [
  { manufacturer: 'Siemens Healthineers', model: 'SOMATOM Force' },
  { manufacturer: 'GE HealthCare', model: 'Revolution CT' },
  { manufacturer: 'Philips', model: 'IQon Spectral CT' },
];
const SCHEDULE: TimePoint[] = [
  { code: 'BASELINE', label: 'Baseline', targetDay: -7, windowBeforeDays: 21, windowAfterDays: 7 },
  { code: 'W6', label: 'Week 6', targetDay: 42, windowBeforeDays: 7, windowAfterDays: 7 },
  { code: 'W12', label: 'Week 12', targetDay: 84, windowBeforeDays: 7, windowAfterDays: 7 },
  { code: 'W24', label: 'Week 24', targetDay: 168, windowBeforeDays: 14, windowAfterDays: 14 },
  { code: 'W48', label: 'Week 48', targetDay: 336, windowBeforeDays: 14, windowAfterDays: 14 },
];
const ORGANS = ['liver', 'lung', 'lymph node', 'adrenal gland', 'peritoneum'];

/**
 * Seeds a realistic synthetic registry through the real command path (CommandBus → handlers → deciders → event
 * store): the catalogue, algorithm versions, trials with arms, sites and schedules, subjects with body-composition
 * and lesion measurements by readers and algorithms, corrections, outcomes with censoring, and a breast screening
 * programme with two rounds, screenings with AI readings, recalls, screen-detected and interval cancers.
 * Every id and command id derives from --seed, so a second run with the same seed replays (appends nothing).
 */
export async function seedRegistry(bus: CommandBus, options: SeedOptions): Promise<SeedStats> {
  const { seed } = options;
  const stats: SeedStats = { commands: 0, events: 0, replayed: 0, trials: [], programmes: [], biomarkers: {}, algorithms: {} };
  const send = async <T>(
    Message: new (command: T, origin: ReturnType<typeof originFor>, actor: VerifiedActor) => DomainCommandMessage<T>,
    command: T,
    actor: VerifiedActor,
    key: string,
    reason?: string,
  ): Promise<MutationReceipt> => {
    const receipt = await bus.execute(
      new Message(command, originFor(actor, { commandId: seedId(key) }, seedId('correlation', key.split(':').slice(0, 3).join(':')), reason), actor),
    );
    stats.commands++;
    if (receipt.replayed) stats.replayed++;
    else stats.events += receipt.events.length;
    return receipt;
  };

  // ---- reference data: shared by every seed (ids do not depend on --seed), so seeds can be stacked in one database
  const biomarkers = {
    SMA_L3: { name: 'Skeletal muscle area at L3', unit: 'cm2', min: 40, max: 350, wcv: 0.02, bodySite: 'L3 vertebral level' },
    VFA_L3: { name: 'Visceral fat area at L3', unit: 'cm2', min: 0, max: 700, wcv: 0.04, bodySite: 'L3 vertebral level' },
    // Codes LDIAM / LPERP are the SDTM TR test codes RECIST reads (libs/domain/src/recist/recist.mapping.ts).
    LDIAM: { name: 'Lesion longest diameter', unit: 'mm', min: 0, max: 300, wcv: 0.08, bodySite: null },
    LPERP: { name: 'Lymph node short axis (longest perpendicular)', unit: 'mm', min: 0, max: 300, wcv: 0.08, bodySite: null },
    MAMMO_AI_SCORE: { name: 'AI malignancy score (mammography)', unit: '1', min: 0, max: 1, wcv: null, bodySite: 'breast' },
  } as const;
  const biomarkerIds: Record<string, string> = {};
  for (const [code, b] of Object.entries(biomarkers)) {
    const biomarkerId = seedId('biomarker', code);
    biomarkerIds[code] = biomarkerId;
    await send(
      DefineBiomarkerCommand,
      {
        type: 'DefineBiomarker',
        biomarkerId,
        code,
        name: b.name,
        modality: code === 'MAMMO_AI_SCORE' ? 'MG' : 'CT',
        bodySite: b.bodySite,
        valueType: { kind: 'quantitative', unit: b.unit, plausibleRange: { min: b.min, max: b.max } },
        repeatabilityWcv: b.wcv,
      },
      admin,
      `biomarker:${code}:define`,
    );
  }
  const algorithm = (key: string) => seedId('algorithm', key);
  const algorithms: Record<string, string> = {
    bodyComp1: algorithm('bodycomp-1.0'),
    bodyComp2: algorithm('bodycomp-2.0'),
    lesionSeg30: algorithm('lesionseg-3.0'),
    lesionSeg: algorithm('lesionseg-3.1'),
    mammo: algorithm('mammoai-2.4'),
  };
  const registerAlgorithm = (
    id: string,
    key: string,
    name: string,
    version: string,
    biomarkerCodes: string[],
    predecessor?: string,
    scoreRange?: { min: number; max: number },
  ) =>
    send(
      RegisterAlgorithmVersionCommand,
      {
        type: 'RegisterAlgorithmVersion',
        algorithmVersionId: id,
        manufacturer: name === 'MammoScreen AI' ? 'Mammo Vision' : 'Acme Imaging AI',
        name,
        version,
        intendedUse: `Automated ${name} measurements for research and screening support`,
        regulatory: { status: 'ce_marked', ceClass: 'IIa', udiDi: `0${String(7312345000000 + key.length * 1000 + version.length)}` },
        biomarkerIds: biomarkerCodes.map((c) => biomarkerIds[c]!),
        predecessorVersionId: predecessor ?? null,
        scoreRange: scoreRange ?? null,
      },
      admin,
      `algorithm:${key}:register`,
    );
  await registerAlgorithm(algorithms['bodyComp1']!, 'bodycomp-1.0', 'BodyComp', '1.0', ['SMA_L3', 'VFA_L3']);
  await registerAlgorithm(algorithms['bodyComp2']!, 'bodycomp-2.0', 'BodyComp', '2.0', ['SMA_L3', 'VFA_L3'], algorithms['bodyComp1']);
  await registerAlgorithm(algorithms['lesionSeg30']!, 'lesionseg-3.0', 'LesionSeg', '3.0', ['LDIAM', 'LPERP']);
  await registerAlgorithm(algorithms['lesionSeg']!, 'lesionseg-3.1', 'LesionSeg', '3.1', ['LDIAM', 'LPERP'], algorithms['lesionSeg30']);
  // Post-market surveillance: 3.0 was withdrawn (field safety notice); no measurement may name it any more.
  const withdrawal = 'Field safety notice: under-segmentation of hypodense liver lesions';
  await send(
    ChangeAlgorithmVersionCommand,
    { type: 'WithdrawAlgorithmVersion', algorithmVersionId: algorithms['lesionSeg30']!, reason: withdrawal },
    admin,
    'algorithm:lesionseg-3.0:withdraw',
    withdrawal,
  );
  // Its screening readings' scores lie in 0–1 (the same scale as its MAMMO_AI_SCORE measurements).
  await registerAlgorithm(algorithms['mammo']!, 'mammoai-2.4', 'MammoScreen AI', '2.4', ['MAMMO_AI_SCORE'], undefined, { min: 0, max: 1 });
  // BodyComp 1.0 was replaced by 2.0: measurements after the switch use 2.0 (1.0 stays active for the older ones).
  const BODYCOMP_SWITCH = '2024-09-01';

  // ---- trials
  const trials = [
    {
      trialId: `TRIAL-${seed}-SARC`,
      title: 'Sarcopenia and outcome under first-line immunotherapy in NSCLC',
      phase: 'III' as const,
      sponsor: 'European Thoracic Oncology Group',
      endpoint: 'Overall survival',
      start: '2024-01-08',
      arms: [
        ['PEMBRO', 'Pembrolizumab', 'experimental'],
        ['CHEMO', 'Platinum doublet', 'active_comparator'],
      ] as const,
    },
    {
      trialId: `TRIAL-${seed}-CACH`,
      title: 'Anamorelin against cancer cachexia in advanced pancreatic cancer',
      phase: 'II' as const,
      sponsor: 'Cachexia Research Network',
      endpoint: 'Change in skeletal muscle area at week 12',
      start: '2024-03-04',
      arms: [
        ['ANAM', 'Anamorelin', 'experimental'],
        ['PLAC', 'Placebo', 'placebo'],
      ] as const,
    },
  ];
  for (const [t, trial] of trials.entries()) {
    const key = `${seed}:trial:${t}`;
    await send(
      RegisterTrialCommand,
      {
        type: 'RegisterTrial',
        trialId: trial.trialId,
        identifiers: [{ system: 'NCT', value: `NCT${90000000 + seed * 10 + t}` }],
        title: trial.title,
        phase: trial.phase,
        sponsor: trial.sponsor,
        primaryEndpoint: trial.endpoint,
      },
      coordinator,
      `${key}:register`,
    );
    for (const [armCode, name, armType] of trial.arms) {
      await send(
        ChangeTrialCommand,
        { type: 'AddTrialArm', trialId: trial.trialId, armCode, name, armType, plannedSize: Math.max(2, Math.ceil(options.subjects / 4)) },
        coordinator,
        `${key}:arm:${armCode}`,
      );
    }
    for (const site of SITES)
      await send(ChangeTrialCommand, { type: 'ActivateTrialSite', trialId: trial.trialId, ...site }, coordinator, `${key}:site:${site.siteId}`);
    await send(ChangeTrialCommand, { type: 'DefineVisitSchedule', trialId: trial.trialId, timePoints: SCHEDULE }, coordinator, `${key}:schedule`);
    await send(ChangeTrialCommand, { type: 'OpenEnrolment', trialId: trial.trialId }, coordinator, `${key}:open`);
  }
  stats.trials = trials.map((t) => t.trialId);

  // ---- screening programme with two rounds (round 1 closes once its participants are through)
  const programmeId = `PROG-${seed}-BREAST`;
  stats.programmes = [programmeId];
  const pkey = `${seed}:programme:0`;
  await send(
    ScreeningProgrammeCommand,
    {
      type: 'DefineScreeningProgramme',
      programmeId,
      name: 'Breast cancer screening (synthetic)',
      cancerType: 'breast',
      targetPopulation: 'Women aged 50–74 resident in the region',
      ageRange: { min: 50, max: 74 },
      intervalMonths: 24,
      kpiTargets: [
        { kpi: 'participation_rate', scope: 'all_rounds', direction: 'at_least', acceptable: 0.7, desirable: 0.75 },
        { kpi: 'recall_rate', scope: 'first_round', direction: 'at_most', acceptable: 0.07, desirable: 0.05 },
        { kpi: 'recall_rate', scope: 'subsequent_rounds', direction: 'at_most', acceptable: 0.05, desirable: 0.03 },
        { kpi: 'cancer_detection_rate', scope: 'all_rounds', direction: 'at_least', acceptable: 5, desirable: 6 },
        { kpi: 'interval_cancer_rate', scope: 'all_rounds', direction: 'at_most', acceptable: 1.5, desirable: 1 },
      ],
    },
    manager,
    `${pkey}:define`,
  );
  const ROUNDS = [
    { roundId: 'R1', name: 'Round 1 (2024)', opensOn: '2024-01-02', closesOn: '2024-12-31' },
    { roundId: 'R2', name: 'Round 2 (2025)', opensOn: '2025-01-06', closesOn: null },
  ];
  for (const r of ROUNDS)
    await send(
      ScreeningProgrammeCommand,
      { type: 'OpenScreeningRound', programmeId, roundId: r.roundId, name: r.name, opensOn: r.opensOn },
      manager,
      `${pkey}:round:${r.roundId}:open`,
    );
  stats.biomarkers = biomarkerIds;
  stats.algorithms = algorithms;

  // ---- per subject: all of its commands in order; subjects run concurrently
  const total = options.subjects + options.participants * 2;
  let done = 0;
  const tick = () => options.onProgress?.(++done, total);
  const uidRoot = `1.2.826.0.1.3680043.10.${seed + 1}`;

  const seedTrialSubject = async (i: number): Promise<void> => {
    const rnd = new SeedRandom(seed, 'subject', i);
    const trial = trials[i % trials.length]!;
    const subjectId = seedId(seed, 'subject', i);
    const key = `${seed}:subject:${i}`;
    const site = SITES[rnd.int(0, SITES.length - 1)]!;
    const subject = (command: SubjectCommand, actor: VerifiedActor, step: string, reason?: string) =>
      send(SubjectCommandMessage, command, actor, `${key}:${step}`, reason);
    const consentDate = addDays(trial.start, rnd.int(0, 300));
    await subject(
      {
        type: 'EnrolSubject',
        subjectId,
        trialId: trial.trialId,
        pseudonym: `S${seed}T${trial.trialId.slice(-4)}${String(i).padStart(6, '0')}`,
        siteId: site.siteId,
        consentVersion: 'v2.1',
        consentDate,
      },
      coordinator,
      'enrol',
    );
    const randomisedOn = addDays(consentDate, rnd.int(3, 10));
    const arm = trial.arms[rnd.int(0, 1)]!;
    const experimental = arm[2] === 'experimental';
    await subject(
      {
        type: 'RandomiseSubject',
        subjectId,
        armCode: arm[0],
        stratum: rnd.pick(['ECOG0-1/PD-L1<50', 'ECOG0-1/PD-L1>=50', 'ECOG2']),
        randomisedAt: randomisedOn,
      },
      coordinator,
      'randomise',
    );

    // Trajectories: muscle falls faster without effective treatment; lesions shrink on the experimental arm.
    let sma = rnd.normal(140, 28);
    let vfa = Math.max(10, rnd.normal(150, 60));
    const smaSlope = experimental ? rnd.normal(-0.01, 0.02) : rnd.normal(-0.04, 0.03);
    type Lesion = { l: number; ld: number; organ: string; role: 'target' | 'non_target' };
    const lesions: Lesion[] = Array.from({ length: rnd.int(1, 3) }, (_, l) => ({
      l: l + 1,
      ld: Math.max(11, rnd.normal(32, 12)),
      organ: rnd.pick(ORGANS),
      role: 'target',
    }));
    lesions.push({ l: lesions.length + 1, ld: Math.max(5, rnd.normal(14, 4)), organ: rnd.pick(ORGANS), role: 'non_target' });
    const lesionTrend = experimental ? rnd.normal(-0.15, 0.15) : rnd.normal(0.08, 0.12);
    const reader = READERS[rnd.int(0, READERS.length - 1)]!;
    const willWithdraw = rnd.chance(0.04);
    let progressedOn: string | null = null;
    let nadir = Infinity;
    let baselineSod = 0;
    let lastScan = randomisedOn;
    const measurementIds: string[] = [];

    for (const [v, tp] of SCHEDULE.entries()) {
      if (progressedOn && tp.code !== 'BASELINE') break;
      if (willWithdraw && tp.code === 'W24') {
        await subject(
          { type: 'WithdrawSubject', subjectId, withdrawalDate: addDays(lastScan, rnd.int(5, 20)), reason: 'Withdrew consent for further visits' },
          coordinator,
          'withdraw',
          'Withdrew consent for further visits',
        );
        return void tick();
      }
      if (v > 0 && rnd.chance(0.05)) continue; // a missed visit
      const scanDate =
        v === 0
          ? addDays(consentDate, rnd.int(0, 2))
          : addDays(randomisedOn, tp.targetDay + rnd.int(-Math.min(3, tp.windowBeforeDays), Math.min(3, tp.windowAfterDays)));
      if (scanDate < consentDate) continue;
      lastScan = scanDate;
      const studyInstanceUid = `${uidRoot}.${i + 1}.${v + 1}`;
      await send(
        RegisterImagingStudyCommand,
        {
          type: 'RegisterImagingStudy',
          studyInstanceUid,
          subjectId,
          modality: 'CT',
          acquisitionDateTime: `${scanDate}T${String(rnd.int(8, 17)).padStart(2, '0')}:${String(rnd.int(0, 59)).padStart(2, '0')}:00+01:00`,
          siteId: site.siteId,
          scanner: SCANNERS[rnd.int(0, SCANNERS.length - 1)]!,
          sliceThicknessMm: rnd.pick([0.625, 1, 1.25, 2.5, 5]),
          kvp: rnd.pick([100, 120, 140]),
          contrast: rnd.pick(['iv', 'iv', 'none'] as const),
        },
        coordinator,
        `${key}:study:${tp.code}`,
      );
      if (v > 0) {
        sma *= 1 + smaSlope + rnd.normal(0, 0.01);
        vfa *= 1 + rnd.normal(-0.02, 0.05);
        for (const lesion of lesions) lesion.ld = Math.max(0, lesion.ld * (1 + lesionTrend + rnd.normal(0, 0.05)));
      }
      const measure = async (
        name: string,
        m: Omit<RecordMeasurement, 'type' | 'subjectId' | 'measurementId' | 'studyInstanceUid' | 'timePoint' | 'biomarkerVersion'>,
        actor: VerifiedActor,
      ) => {
        const measurementId = seedId(seed, 'measurement', i, tp.code, name);
        await subject(
          { type: 'RecordMeasurement', subjectId, measurementId, biomarkerVersion: 1, studyInstanceUid, timePoint: tp.code, ...m },
          actor,
          `measure:${tp.code}:${name}`,
        );
        measurementIds.push(measurementId);
        return measurementId;
      };
      const bodyComp = scanDate < BODYCOMP_SWITCH ? algorithms['bodyComp1']! : algorithms['bodyComp2']!;
      const smaValue = Math.min(340, Math.max(45, sma));
      await measure(
        'SMA-reader',
        {
          biomarkerId: biomarkerIds['SMA_L3']!,
          value: { value: round1(smaValue * (1 + rnd.normal(0, 0.02))), unit: 'cm2' },
          method: 'manual',
          readerId: reader.id,
        },
        reader,
      );
      await measure(
        'SMA-ai',
        {
          biomarkerId: biomarkerIds['SMA_L3']!,
          value: { value: round1(smaValue * (1 + rnd.normal(0.01, 0.015))), unit: 'cm2' },
          method: 'ai',
          algorithmVersionId: bodyComp,
        },
        coordinator,
      );
      await measure(
        'VFA-ai',
        { biomarkerId: biomarkerIds['VFA_L3']!, value: { value: round1(Math.min(690, vfa)), unit: 'cm2' }, method: 'ai', algorithmVersionId: bodyComp },
        coordinator,
      );
      let sod = 0;
      for (const lesion of lesions) {
        const ld = round1(Math.min(290, lesion.ld * (1 + rnd.normal(0, 0.03))));
        if (lesion.role === 'target') sod += ld;
        const common = {
          biomarkerId: biomarkerIds[lesion.organ === 'lymph node' ? 'LPERP' : 'LDIAM']!,
          lesion: { trackingUid: `${uidRoot}.9.${i + 1}.${lesion.l}`, label: `Lesion ${lesion.l}`, findingSite: lesion.organ, role: lesion.role },
        };
        await measure(`LD-${lesion.l}-reader`, { ...common, value: { value: ld, unit: 'mm' }, method: 'manual', readerId: reader.id }, reader);
        // The segmentation tool reads target lesions in cm on some sites: converted to mm by the registry (UCUM).
        if (lesion.role === 'target' && rnd.chance(0.6)) {
          const cm = rnd.chance(0.3);
          const aiLd = ld * (1 + rnd.normal(0, 0.05));
          await measure(
            `LD-${lesion.l}-ai`,
            {
              ...common,
              value: cm ? { value: Math.round(aiLd) / 10, unit: 'cm' } : { value: round1(aiLd), unit: 'mm' },
              method: 'ai',
              algorithmVersionId: algorithms['lesionSeg']!,
            },
            coordinator,
          );
        }
      }
      if (v === 0) baselineSod = sod;
      nadir = Math.min(nadir, sod);
      if (v > 0 && sod >= nadir * 1.2 && sod - nadir >= 5) progressedOn = scanDate;
      if (v > 0) {
        const response = progressedOn ? 'PD' : sod === 0 ? 'CR' : sod <= baselineSod * 0.7 ? 'PR' : 'SD';
        await subject(
          {
            type: 'RecordOutcome',
            subjectId,
            outcomeId: seedId(seed, 'outcome', i, tp.code),
            outcomeType: 'response_assessment',
            occurredAt: scanDate,
            source: 'investigator',
            recistResponse: response,
            timePoint: tp.code,
          },
          coordinator,
          `outcome:${tp.code}`,
        );
      }
    }

    // Corrections (~6 %): the reader mistyped a muscle area; the correction keeps the original and says why.
    if (rnd.chance(0.06) && measurementIds.length > 0) {
      const reason = 'Transcription error: value re-read from the segmentation';
      await subject(
        {
          type: 'CorrectMeasurement',
          subjectId,
          measurementId: measurementIds[0]!,
          value: { value: round1(Math.min(340, Math.max(45, sma * 1.03))), unit: 'cm2' },
          reason,
        },
        reader,
        'correct',
        reason,
      );
    }

    // Survival: progression, then death for some; everyone else censored at last known alive.
    if (progressedOn) {
      await subject(
        {
          type: 'RecordOutcome',
          subjectId,
          outcomeId: seedId(seed, 'outcome', i, 'progression'),
          outcomeType: 'progression',
          occurredAt: progressedOn,
          source: 'central_review',
        },
        coordinator,
        'outcome:progression',
      );
    }
    const deathHazard = progressedOn ? 0.55 : 0.12;
    if (rnd.chance(deathHazard + (sma < 110 ? 0.1 : 0))) {
      const died = addDays(lastScan, rnd.int(20, 240));
      if (died < '2026-06-30') {
        await subject(
          {
            type: 'RecordOutcome',
            subjectId,
            outcomeId: seedId(seed, 'outcome', i, 'death'),
            outcomeType: 'death',
            occurredAt: died,
            source: rnd.pick(['death_registry', 'medical_record'] as const),
          },
          coordinator,
          'outcome:death',
        );
        return void tick();
      }
    }
    await subject(
      {
        type: 'RecordOutcome',
        subjectId,
        outcomeId: seedId(seed, 'outcome', i, 'lka'),
        outcomeType: 'last_known_alive',
        occurredAt: addDays(lastScan, rnd.int(10, 120)),
        source: 'investigator',
      },
      coordinator,
      'outcome:lka',
    );
    tick();
  };

  type ParticipantFate = { negativeR1: boolean; continues: boolean };
  const fates = new Map<number, ParticipantFate>();

  const seedParticipantRound = async (i: number, round: (typeof ROUNDS)[number]): Promise<void> => {
    const rnd = new SeedRandom(seed, 'participant', i, round.roundId);
    const subjectId = seedId(seed, 'participant', i);
    const key = `${seed}:participant:${i}`;
    const participant = (command: SubjectCommand, step: string, reason?: string) =>
      send(SubjectCommandMessage, command, manager, `${key}:${round.roundId}:${step}`, reason);
    if (round.roundId === 'R2' && !fates.get(i)?.continues) return void tick();
    const invitedOn = addDays(round.opensOn, rnd.int(0, 240));
    await participant(
      { type: 'InviteParticipant', subjectId, programmeId, roundId: round.roundId, pseudonym: `BCS${seed}X${String(i).padStart(6, '0')}`, invitedOn },
      'invite',
    );
    const fate: ParticipantFate = { negativeR1: false, continues: true };
    if (round.roundId === 'R1') fates.set(i, fate);
    if (!rnd.chance(0.73)) {
      if (rnd.chance(0.08)) {
        await participant(
          { type: 'RecordOptOut', subjectId, optedOutOn: addDays(invitedOn, rnd.int(5, 60)), reason: 'Does not wish to be invited again' },
          'optout',
        );
        fate.continues = false;
      }
      return void tick();
    }
    const screenedOn = addDays(invitedOn, rnd.int(7, 45));
    const screeningId = seedId(seed, 'screening', i, round.roundId);
    const cancer = rnd.chance(0.007);
    const score = Math.min(0.999, Math.max(0.001, cancer ? rnd.normal(0.78, 0.15) : rnd.normal(0.12, 0.12)));
    const aiPositive = score >= 0.5;
    const humanPositive = cancer ? rnd.chance(0.85) : rnd.chance(0.035);
    await participant(
      {
        type: 'RecordScreening',
        subjectId,
        screeningId,
        roundId: round.roundId,
        screenedOn,
        siteId: SCREENING_SITES[rnd.int(0, SCREENING_SITES.length - 1)]!,
        modality: 'MG',
        humanReading: { result: humanPositive ? 'positive' : 'negative', readerIds: [READERS[rnd.int(0, 1)]!.id, READERS[rnd.int(2, 3)]!.id] },
        aiReading: { algorithmVersionId: algorithms['mammo']!, score: Math.round(score * 1000) / 1000, aiPositive },
      },
      'screen',
    );
    // Recall on a positive human reading, or on arbitration of an AI-positive / human-negative discordance (half of them).
    if (humanPositive || (aiPositive && rnd.chance(0.5))) {
      const recalledOn = addDays(screenedOn, rnd.int(5, 20));
      await participant(
        { type: 'RecordRecall', subjectId, screeningId, recalledOn, reason: humanPositive ? 'Suspicious mass' : 'AI-positive discordance' },
        'recall',
      );
      const assessedOn = addDays(recalledOn, rnd.int(7, 30));
      if (cancer) {
        await participant(
          {
            type: 'RecordAssessmentOutcome',
            subjectId,
            screeningId,
            outcome: 'cancer',
            assessedOn,
            diagnosisDate: assessedOn,
            stage: rnd.pick(['0', 'IA', 'IA', 'IIA', 'IIB', 'IIIA']),
          },
          'assess',
        );
        fate.continues = false;
        return void tick();
      }
      await participant({ type: 'RecordAssessmentOutcome', subjectId, screeningId, outcome: 'benign', assessedOn }, 'assess');
      return void tick();
    }
    if (round.roundId === 'R1') fate.negativeR1 = true;
    // Interval cancers: a missed cancer (or a fast-growing one) diagnosed before the next due invitation.
    if ((cancer && !humanPositive) || rnd.chance(0.0015)) {
      await participant(
        {
          type: 'ReportIntervalCancer',
          subjectId,
          reportId: seedId(seed, 'interval', i, round.roundId),
          diagnosisDate: addDays(screenedOn, rnd.int(60, round.roundId === 'R1' ? 600 : 300)),
          source: 'cancer_registry_linkage',
          stage: rnd.pick(['IIA', 'IIB', 'IIIA']),
        },
        'interval',
      );
      fate.continues = false;
    }
    tick();
  };

  await pool(options.concurrency, options.subjects, seedTrialSubject);
  await pool(options.concurrency, options.participants, (i) => seedParticipantRound(i, ROUNDS[0]!));
  await send(
    ScreeningProgrammeCommand,
    { type: 'CloseScreeningRound', programmeId, roundId: 'R1', closesOn: ROUNDS[0]!.closesOn! },
    manager,
    `${pkey}:round:R1:close`,
  );
  await pool(options.concurrency, options.participants, (i) => seedParticipantRound(i, ROUNDS[1]!));
  return stats;
}

/** Runs `task(0..count-1)` with at most `concurrency` in flight. */
async function pool(concurrency: number, count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
}
