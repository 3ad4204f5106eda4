import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { logisticWithAuc, nestedCox, seededUniform } from '#biostat';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { issueLocalToken, type TokenClaims } from '../../services/registry-api/src/auth/local-signing-key.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

/**
 * Issue 20 "Multivariable validation" over HTTP. Subjects are enrolled through the API with sealed personal fields
 * (year of birth, sex), so age and sex come from real envelopes through the vault; their measurements (the index
 * biomarker and ctDNA) and outcomes (a staged diagnosis before the index scan, death or last known alive) are written
 * into the read models with SQL, as the analytics e2e does. Expected numbers are #biostat's on the complete cases the
 * test itself built (#biostat is locked to R by its own tests).
 */
const T = 'mv-trial';
const SITE = 'mv-site';
const ALG = 'mv-alg';
const SMI = 'MV-SMI';
const CTDNA = 'MV-CTDNA';
const N = 80;
const DAY = 86_400_000;
const YEAR_MS = 365.25 * DAY;
const STAGES = ['I', 'IIA', 'III', 'IV'] as const;
const ORDINAL: Record<string, number> = { I: 1, IIA: 2, III: 3, IV: 4 };

interface Subject {
  id: string;
  yob: number | null;
  sex: 'MALE' | 'FEMALE' | 'OTHER' | null;
  indexMs: number;
  value: number;
  ctdna: number | null;
  stage: string;
  /** Whole days from the index scan. */
  eventDays: number | null;
  followDays: number;
}

function generate(): Subject[] {
  const u = seededUniform(2020);
  return Array.from({ length: N }, (_, i) => {
    const yob = i === 7 ? null : 1940 + ((i * 7) % 30);
    const sex = i === 7 ? null : i === 5 ? 'OTHER' : i % 2 === 1 ? 'MALE' : 'FEMALE';
    const value = 45 + 8 * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    const ctdna = i === 11 ? null : 2 * u();
    const stage = i === 13 ? 'UNKNOWN' : STAGES[i % 4]!;
    const indexMs = Date.UTC(2024, 0, 1) + i * DAY;
    const age = yob === null ? 60 : 2024 - yob;
    const hazard = (1 / 500) * Math.exp(-0.06 * (value - 45) + 0.03 * (age - 60) + 0.3 * (ORDINAL[stage] ?? 2) + 0.4 * (ctdna ?? 1));
    const eventAt = Math.max(1, Math.round(-Math.log(1 - u()) / hazard));
    const censorAt = Math.round(200 + 1000 * u());
    return {
      id: `mv-s-${i}`,
      yob,
      sex,
      indexMs,
      value,
      ctdna,
      stage,
      eventDays: eventAt <= censorAt ? eventAt : null,
      followDays: eventAt <= censorAt ? eventAt : censorAt,
    };
  });
}

describe('validation study: multivariable (issue 20)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let sql: pg.Client;
  const subjects = generate();
  const tokens = new Map<string, string>();
  const token = async (claims: TokenClaims) => {
    const key = JSON.stringify(claims);
    if (!tokens.has(key)) tokens.set(key, await issueLocalToken(config, claims));
    return tokens.get(key)!;
  };
  const biostat = () => token({ sub: 'mv-stat', role: 'biostatistician', trials: [T] });
  const gql = async (query: string, variables?: Record<string, unknown>, bearer?: string) =>
    postGraphql(registry.url, bearer ?? (await biostat()), query, variables);
  const ok = async (bearer: string, mutation: string, input: Record<string, unknown>) => {
    const inputType = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
    const res = await postGraphql(registry.url, bearer, `mutation($input: ${inputType}!) { ${mutation}(input: $input) { id } }`, {
      input: { commandId: randomUUID(), ...input },
    });
    if (res.errors) throw new Error(`fixture ${mutation}: ${JSON.stringify(res.errors)}`);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-mv-'));
    config = loadConfig({
      ...db.appEnv,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PROJECTOR: 'embedded',
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
      RATE_LIMIT_PER_MINUTE: '1000000',
      PRIVACY_MASTER_KEY: randomBytes(32).toString('base64'),
    });
    registry = await startRegistry(config);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const coord = await token({ sub: 'mv-coord', role: 'coordinator', trials: [T], sites: [SITE] });
    await ok(coord, 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'NCT', value: 'NCT07200001' }],
      title: T,
      phase: 'PHASE_III',
      sponsor: 'Acme',
      primaryEndpoint: 'OS',
    });
    await ok(coord, 'addTrialArm', { trialId: T, armCode: 'A', name: 'A', armType: 'EXPERIMENTAL', plannedSize: N });
    await ok(coord, 'activateTrialSite', { trialId: T, siteId: SITE, name: 'Site' });
    await ok(coord, 'openEnrolment', { trialId: T });
    for (const [i, s] of subjects.entries()) {
      const personal = s.yob === null ? undefined : { yearOfBirth: s.yob, sex: s.sex };
      await ok(coord, 'enrolSubject', {
        subjectId: s.id,
        trialId: T,
        siteId: SITE,
        pseudonym: `MV-${String(i).padStart(4, '0')}`,
        consentVersion: 'v1',
        consentDate: '2023-12-01',
        ...(personal ? { personal } : {}),
      });
    }
    // The subjects projection must hold every subject before the study reads it.
    for (let k = 0; k < 300; k++) {
      const { rows } = await sql.query(`SELECT count(*)::int AS n FROM read_model.subjects WHERE trial_id = $1`, [T]);
      if (rows[0].n === N) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const base = 2_000_000_000;
    for (const [b, code] of [
      [SMI, 'SMI'],
      [CTDNA, 'CTDNA-VAF'],
    ] as const) {
      await sql.query(
        `INSERT INTO read_model.biomarkers (biomarker_id, code, name, modality, value_kind, unit, version, status, defined_at, position, last_revision, updated_at)
         VALUES ($1, $2, $2, 'CT', 'quantitative', 'cm2', 1, 'active', now(), $3, 0, now())`,
        [b, code, base + (b === SMI ? 1 : 2)],
      );
    }
    let pos = base + 10;
    const measurement = (s: Subject, biomarker: string, value: number) =>
      sql.query(
        `INSERT INTO read_model.measurements (measurement_id, version, position, subject_id, trial_id, biomarker_id, biomarker_version, value_kind, value, unit,
                original_value, original_unit, study_instance_uid, time_point, method, algorithm_version_id, occurred_at, recorded_at, version_recorded_at,
                correction_count, retracted, arm_code, subject_site_id)
         VALUES ($1, 0, $2, $3, $4, $5, 1, 'quantitative', $6, 'cm2', $6, 'cm2', $7, 'baseline', 'ai', $8, $9, $9, $9, 0, false, NULL, $10)`,
        [`${s.id}-${biomarker}`, pos++, s.id, T, biomarker, value, `1.2.3.${pos}`, ALG, new Date(s.indexMs), SITE],
      );
    const outcome = (s: Subject, type: string, atMs: number, stage: string | null) =>
      sql.query(
        `INSERT INTO read_model.outcomes (outcome_id, version, position, subject_id, trial_id, outcome_type, occurred_at, source, stage, recorded_at, version_recorded_at, correction_count)
         VALUES ($1, 0, $2, $3, $4, $5, $6, 'investigator', $7, $6, $6, 0)`,
        [`${s.id}-${type}`, pos++, s.id, T, type, new Date(atMs), stage],
      );
    for (const s of subjects) {
      await measurement(s, SMI, s.value);
      if (s.ctdna !== null) await measurement(s, CTDNA, s.ctdna);
      await outcome(s, 'cancer_diagnosis', s.indexMs - 30 * DAY, s.stage);
      await outcome(s, s.eventDays !== null ? 'death' : 'last_known_alive', s.indexMs + s.followDays * DAY, null);
    }
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const covariates = [{ clinical: 'AGE' }, { clinical: 'SEX' }, { clinical: 'STAGE' }, { biomarkerId: CTDNA, name: 'ctdna' }];
  const study = (endpoint: Record<string, unknown>, multivariable: Record<string, unknown>) => ({
    biomarkerId: SMI,
    timePoint: 'baseline',
    indexTest: { algorithmVersionId: ALG },
    population: { trialIds: [T] },
    endpoint,
    multivariable,
  });
  const QUERY = `query($input: ValidationStudyInput!) { validationStudy(input: $input) {
    subjectCount
    rows { subjectId value time event label }
    multivariable {
      covariates { name coding }
      survivalCases { eligible complete excluded missingByCovariate { covariate count } }
      binaryCases { eligible complete excluded }
      cox {
        n events terms { name coef ratio se lower upper p }
        likelihoodRatio { chisq df p } wald { chisq df p }
        incremental { lrt { chisq df p } concordance baseConcordance delta bootstrap { lower upper se replicates failed seed monteCarloError } }
        calibration { horizonDays n excluded intercept slope brier }
        timeDependentAuc { horizonDays auc lower upper cases controls excluded }
      }
      logistic { n events terms { name ratio lower upper p } auc likelihoodRatio { df } incremental { lrt { chisq df p } baseAuc deltaAuc deLongP } calibration { slope intercept brier } }
    }
  } }`;

  /** The complete cases as the test built them (subjects 5: sex other, 7: no personal data, 11: no ctDNA, 13: stage unknown). */
  const complete = subjects.filter((s) => s.yob !== null && s.sex !== 'OTHER' && s.ctdna !== null && s.stage !== 'UNKNOWN');
  const design = (list: Subject[]) => ({
    biomarker: list.map((s) => s.value),
    age: list.map((s) => (s.indexMs - Date.UTC(s.yob!, 6, 1)) / YEAR_MS),
    sex: list.map((s) => (s.sex === 'MALE' ? 1 : 0)),
    stage: list.map((s) => ORDINAL[s.stage]!),
    ctdna: list.map((s) => s.ctdna!),
  });

  it('reports the multivariable Cox model, the incremental value and calibration / time-dependent AUC, complete-case with the exclusions counted', async () => {
    const res = await gql(QUERY, {
      input: study(
        { kind: 'TIME_TO_EVENT', outcomeTypes: ['death'], horizonDays: 365 },
        { covariates, horizonsDays: [180, 365], bootstrapReplicates: 50, bootstrapSeed: 7 },
      ),
    });
    expect(res.errors).toBeUndefined();
    expect(res.text).not.toMatch(/NaN|Infinity/);
    const s = res.data.validationStudy;
    expect(s.subjectCount).toBe(N);
    const mv = s.multivariable;
    expect(mv.covariates.map((c: any) => c.name)).toEqual(['age', 'sex', 'stage', 'ctdna']);
    expect(mv.survivalCases).toEqual({
      eligible: N,
      complete: N - 4,
      excluded: 4,
      missingByCovariate: [
        { covariate: 'age', count: 1 },
        { covariate: 'sex', count: 2 },
        { covariate: 'stage', count: 1 },
        { covariate: 'ctdna', count: 1 },
      ],
    });
    expect(mv.binaryCases).toMatchObject({ eligible: expect.any(Number) });

    // The same model fitted here on the complete cases the test built: the server read age and sex from the sealed
    // envelopes, stage from the outcomes and ctDNA from its readings, and got the same design matrix.
    const byId = new Map(s.rows.map((r: any) => [r.subjectId, r]));
    const time = complete.map((c) => (byId.get(c.id) as any).time as number);
    expect(time).toEqual(complete.map((c) => c.followDays));
    const event = complete.map((c) => (c.eventDays !== null ? 1 : 0));
    const expected = nestedCox({ time, event, covariates: design(complete), base: ['age', 'sex', 'stage', 'ctdna'] });
    const cox = mv.cox;
    expect(cox.n).toBe(N - 4);
    expect(cox.terms.map((t: any) => t.name)).toEqual(['biomarker', 'age', 'sex', 'stage', 'ctdna']);
    cox.terms.forEach((t: any, i: number) => {
      expect(t.coef).toBeCloseTo(expected.full.terms[i]!.coef, 9);
      expect(t.ratio).toBeCloseTo(expected.full.terms[i]!.hr, 9);
      expect(t.lower).toBeLessThan(t.ratio);
      expect(t.upper).toBeGreaterThan(t.ratio);
    });
    expect(cox.likelihoodRatio.df).toBe(5);
    expect(cox.wald.chisq).toBeCloseTo(expected.full.wald.chisq, 8);
    expect(cox.incremental.lrt).toEqual({ chisq: expect.any(Number), df: 1, p: expect.any(Number) });
    expect(cox.incremental.lrt.chisq).toBeCloseTo(expected.lrt.chisq, 8);
    expect(cox.incremental.delta).toBeCloseTo(expected.delta, 12);
    const boot = cox.incremental.bootstrap;
    expect(boot).toMatchObject({ replicates: 50, seed: 7 });
    expect(boot.lower).toBeLessThanOrEqual(boot.upper);
    expect(boot.monteCarloError).toBeGreaterThan(0);
    expect(cox.calibration).toMatchObject({ horizonDays: 365 });
    expect(cox.calibration.n + cox.calibration.excluded).toBe(N - 4);
    expect(cox.timeDependentAuc.map((a: any) => a.horizonDays)).toEqual([180, 365]);
    for (const a of cox.timeDependentAuc) expect(a.cases + a.controls + a.excluded).toBe(N - 4);
    // Binary endpoint rows exist (horizon given): the logistic model is fitted too.
    expect(mv.logistic.terms[0].name).toBe('(Intercept)');
  });

  it('the bootstrap interval is reproducible from its seed', async () => {
    const input = study({ kind: 'TIME_TO_EVENT', outcomeTypes: ['death'] }, { covariates, bootstrapReplicates: 30, bootstrapSeed: 99 });
    const q = `query($input: ValidationStudyInput!) { validationStudy(input: $input) { multivariable { cox { incremental { bootstrap { lower upper se } } calibration { n } timeDependentAuc { auc } } } } }`;
    const a = await gql(q, { input });
    const b = await gql(q, { input });
    expect(a.errors).toBeUndefined();
    expect(b.data).toEqual(a.data);
    // Without a horizon there is no calibration and no time-dependent AUC.
    expect(a.data.validationStudy.multivariable.cox).toMatchObject({ calibration: null, timeDependentAuc: [] });
  });

  it('serves the Cox hazard ratios as a forest plot (forestPlotUrl), one row per term; refuses a q without multivariable with 400', async () => {
    const input = study({ kind: 'TIME_TO_EVENT', outcomeTypes: ['death'] }, { covariates, bootstrapReplicates: 20 });
    const q = `query($input: ValidationStudyInput!) { validationStudy(input: $input) { forestPlotUrl multivariable { cox { terms { name ratio } } } } }`;
    const res = await gql(q, { input });
    expect(res.errors).toBeUndefined();
    const url: string = res.data.validationStudy.forestPlotUrl;
    expect(url).toMatch(/^\/plots\/forest\?q=/);
    const get = async (path: string, bearer: string | null) =>
      fetch(new URL(path, registry.url), { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    const svg = await get(url, await biostat());
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const body = await svg.text();
    const names = [...body.matchAll(/class="term-label"[^>]*>([^<]+)</g)].map((m) => m[1]);
    expect(names).toEqual(res.data.validationStudy.multivariable.cox.terms.map((t: any) => t.name));
    expect((await get(url, null)).status).toBe(401);
    // Without covariates there is no model to draw: no URL in the result, 400 on the route with the field.
    const plain = await gql(`query($input: ValidationStudyInput!) { validationStudy(input: $input) { forestPlotUrl } }`, {
      input: { ...input, multivariable: undefined },
    });
    expect(plain.data.validationStudy.forestPlotUrl).toBeNull();
    const bad = await get(`/plots/forest?q=${Buffer.from(JSON.stringify({ ...input, multivariable: undefined })).toString('base64url')}`, await biostat());
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'q.multivariable' } }] });
  });

  it('fits the logistic model for a binary endpoint: odds ratios, AUC, incremental LRT as glm on the complete cases', async () => {
    const res = await gql(QUERY, { input: study({ kind: 'BINARY', outcomeTypes: ['death'], horizonDays: 365 }, { covariates }) });
    expect(res.errors).toBeUndefined();
    const mv = res.data.validationStudy.multivariable;
    expect(mv.cox).toBeNull();
    expect(mv.survivalCases).toBeNull();
    const labelled = new Map<string, number>(
      res.data.validationStudy.rows.filter((r: any) => r.label !== null).map((r: any) => [r.subjectId, r.label as number]),
    );
    const cc = complete.filter((c) => labelled.has(c.id));
    expect(mv.binaryCases).toEqual({ eligible: labelled.size, complete: cc.length, excluded: labelled.size - cc.length });
    const outcome = cc.map((c) => labelled.get(c.id)!);
    const full = logisticWithAuc({ outcome, covariates: design(cc) });
    const base = logisticWithAuc({ outcome, covariates: Object.fromEntries(Object.entries(design(cc)).filter(([k]) => k !== 'biomarker')) });
    const l = mv.logistic;
    expect(l.terms.map((t: any) => t.name)).toEqual(['(Intercept)', 'biomarker', 'age', 'sex', 'stage', 'ctdna']);
    l.terms.forEach((t: any, i: number) => expect(t.ratio).toBeCloseTo(full.terms[i]!.or, 8));
    expect(l.auc).toBeCloseTo(full.auc, 12);
    expect(l.incremental.baseAuc).toBeCloseTo(base.auc, 12);
    expect(l.incremental.lrt.df).toBe(1);
    expect(l.incremental.lrt.chisq).toBeCloseTo(base.deviance - full.deviance, 8);
    expect(l.calibration.slope).toBeCloseTo(1, 6);
  });

  it('refuses a malformed covariate list on its field, and an unknown covariate biomarker', async () => {
    const bad = await gql(QUERY, {
      input: study({ kind: 'TIME_TO_EVENT', outcomeTypes: ['death'] }, { covariates: [{ clinical: 'AGE', biomarkerId: CTDNA }] }),
    });
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'multivariable.covariates[0]' } });
    expect(bad.data).toBeNull();
    const unknown = await gql(QUERY, { input: study({ kind: 'TIME_TO_EVENT', outcomeTypes: ['death'] }, { covariates: [{ biomarkerId: 'NOPE' }] }) });
    expect(unknown.errors?.[0]).toMatchObject({ extensions: { code: 'BIOMARKER_NOT_FOUND', field: 'multivariable.covariates[0].biomarkerId' } });
  });

  it('refuses age or sex as covariates over fewer than 10 subjects with personal data (coefficients would disclose them)', async () => {
    // Index scans on the first 6 days: 6 subjects (one without personal data), too few to hide a subject's age.
    const small = { ...study({ kind: 'TIME_TO_EVENT', outcomeTypes: ['death'] }, { covariates: [{ clinical: 'AGE' }] }) };
    small.population = { trialIds: [T], to: new Date(Date.UTC(2024, 0, 7)).toISOString() } as typeof small.population;
    const res = await gql(QUERY, { input: small });
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'COHORT_TOO_SMALL', field: 'multivariable.covariates' } });
    // The model is refused on its own field; the univariable study around it still answers.
    expect(res.data.validationStudy.multivariable).toBeNull();
    expect(res.data.validationStudy.subjectCount).toBe(6);
    const stageOnly = await gql(`query($input: ValidationStudyInput!) { validationStudy(input: $input) { subjectCount } }`, {
      input: { ...small, multivariable: { covariates: [{ clinical: 'STAGE' }] } },
    });
    expect(stageOnly.errors).toBeUndefined();
  });

  it('never returns a subject’s age or sex: the response names the coding, not the values', async () => {
    const res = await gql(
      `query($input: ValidationStudyInput!) { validationStudy(input: $input) { subjectCount multivariable { covariates { name coding } cox { n } } } }`,
      {
        input: study({ kind: 'TIME_TO_EVENT', outcomeTypes: ['death'] }, { covariates: [{ clinical: 'AGE' }, { clinical: 'SEX' }] }),
      },
    );
    expect(res.errors).toBeUndefined();
    for (const s of subjects) if (s.yob !== null) expect(res.text).not.toContain(String(s.yob));
    expect(res.text).not.toMatch(/"(MALE|FEMALE|male|female)"/);
  });
});
