import { describe, expect, it } from '@jest/globals';
import { aSAH, aSAHLogistic, lungCc, lungNested, veteran, veteranHorizon } from '../../../../libs/biostat/src/testing/r-multivariable.js';
import { parseMultivariable, stageOrdinal } from './validation-study.covariates.js';
import { binaryCompleteCases, multivariableCox, multivariableLogistic, survivalCompleteCases, type CovariateColumn } from './validation-study.multivariable.js';
import type { StudyRow } from './validation-study.statistics.js';

// The registry's multivariable sections on R's datasets (libs/biostat/fixtures/generate-r-multivariable.R): given
// rows and covariate columns as the dataset would hold them, then the numbers R computed on the complete cases.

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const options = { horizonsDays: [] as number[], calibrationHorizonDays: null, bootstrapReplicates: 50, bootstrapSeed: 1 };

describe('multivariable Cox section', () => {
  // lung: ph.ecog is the "biomarker"; age, sex and ph.karno the covariates. Two extra rows lack a covariate.
  const rows: StudyRow[] = lungCc.time.map((t, i) => ({ subjectId: `S${i}`, value: lungCc.phEcog[i]!, time: t, event: lungCc.event[i] as 0 | 1, label: null }));
  const col = (name: string, values: readonly number[]): CovariateColumn => ({ name, coding: name, values: [...values, null] });
  const withMissing = [...rows, { subjectId: 'X', value: 1, time: 100, event: 1 as const, label: null }];
  const columns = [col('age', lungCc.age), col('sex', lungCc.sex), col('ph.karno', lungCc.phKarno)];

  it('given a subject lacking covariates, when the section is computed, then it is excluded, counted, and the model equals R coxph on the rest', () => {
    expect(survivalCompleteCases(withMissing, columns)).toEqual({
      eligible: 227,
      complete: 226,
      excluded: 1,
      missingByCovariate: [
        { covariate: 'age', count: 1 },
        { covariate: 'sex', count: 1 },
        { covariate: 'ph.karno', count: 1 },
      ],
    });
    const s = multivariableCox(withMissing, columns, options);
    expect(s.n).toBe(226);
    // R's model order is age, sex, ph.ecog, ph.karno; ours puts the biomarker first.
    const byName = new Map(s.terms.map((t) => [t.name === 'biomarker' ? 'ph.ecog' : t.name, t]));
    for (const r of lungNested.terms) {
      const t = byName.get(r.name)!;
      expect(rel(t.coef, r.coef)).toBeLessThan(1e-6);
      expect(rel(t.ratio, r.hr)).toBeLessThan(1e-6);
      expect(rel(t.lower, r.lower)).toBeLessThan(1e-6);
      expect(rel(t.p, r.p)).toBeLessThan(1e-6);
    }
    expect(rel(s.wald.chisq, lungNested.wald.chisq)).toBeLessThan(1e-6);
  });

  it('the incremental value is that of the biomarker over the covariates (one df), with a bootstrap interval around ΔC', () => {
    const s = multivariableCox(rows, columns, options);
    expect(s.incremental.lrt.df).toBe(1);
    expect(s.incremental.delta).toBeCloseTo(s.incremental.concordance - s.incremental.baseConcordance, 12);
    expect(s.incremental.bootstrap.lower).toBeLessThan(s.incremental.bootstrap.upper);
    expect(s.incremental.bootstrap).toMatchObject({ replicates: 50, seed: 1 });
    expect(s.incremental.bootstrap.monteCarloError).toBeGreaterThan(0);
  });

  it('calibration and time-dependent AUC at the horizons equal R (veteran: karno as biomarker, age and trt)', () => {
    const vrows: StudyRow[] = veteran.time.map((t, i) => ({
      subjectId: `V${i}`,
      value: veteran.karno[i]!,
      time: t,
      event: veteran.event[i] as 0 | 1,
      label: null,
    }));
    const vcols: CovariateColumn[] = [
      { name: 'age', coding: '', values: [...veteran.age] },
      { name: 'trt', coding: '', values: [...veteran.trt] },
    ];
    const s = multivariableCox(vrows, vcols, { ...options, horizonsDays: [100, 200], calibrationHorizonDays: 100 });
    const cal = s.calibration!;
    expect([cal.n, cal.excluded]).toEqual([veteranHorizon.h100.known, veteranHorizon.h100.excluded]);
    expect(rel(cal.slope, veteranHorizon.h100.calibration.slope)).toBeLessThan(1e-5);
    expect(rel(cal.intercept, veteranHorizon.h100.calibration.intercept)).toBeLessThan(1e-5);
    expect(rel(cal.brier, veteranHorizon.h100.calibration.brier)).toBeLessThan(1e-6);
    expect(rel(s.timeDependentAuc[0]!.auc, veteranHorizon.h100.auc.auc)).toBeLessThan(1e-9);
    expect(rel(s.timeDependentAuc[1]!.auc, veteranHorizon.h200.auc.auc)).toBeLessThan(1e-9);
  });
});

describe('multivariable logistic section', () => {
  it('equals R glm on aSAH with s100b as the biomarker; the incremental LRT has one df', () => {
    const rows: StudyRow[] = aSAH.outcome.map((y, i) => ({ subjectId: `A${i}`, value: aSAH.s100b[i]!, time: null, event: null, label: y as 0 | 1 }));
    const columns: CovariateColumn[] = [
      { name: 'age', coding: '', values: [...aSAH.age] },
      { name: 'female', coding: '', values: [...aSAH.female] },
      { name: 'ndka', coding: '', values: [...aSAH.ndka] },
    ];
    expect(binaryCompleteCases(rows, columns).complete).toBe(113);
    const s = multivariableLogistic(rows, columns);
    const byName = new Map(s.terms.map((t) => [t.name === 'biomarker' ? 's100b' : t.name, t]));
    for (const r of aSAHLogistic.terms) {
      const t = byName.get(r.name)!;
      expect(rel(t.coef, r.coef)).toBeLessThan(1e-6);
      expect(rel(t.ratio, r.or)).toBeLessThan(1e-6);
      expect(rel(t.upper, r.upper)).toBeLessThan(1e-6);
    }
    expect(rel(s.auc, aSAHLogistic.auc)).toBeLessThan(1e-9);
    expect(s.incremental.lrt.df).toBe(1);
    expect(s.incremental.deLongP).not.toBeNull();
    expect(Math.abs(s.calibration.slope - 1)).toBeLessThan(1e-6);
  });
});

describe('multivariable input', () => {
  const study = { timePoint: 'BASELINE', indexTest: { algorithmVersionId: 'A1' }, horizonDays: 365, survival: true };

  it('defaults: biomarker covariates read at the index time point by the index rater; horizons from the endpoint; fixed seed', () => {
    const { specs, options: o } = parseMultivariable({ covariates: [{ clinical: 'AGE' }, { biomarkerId: 'CTDNA' }] }, study);
    expect(specs).toEqual([
      { kind: 'clinical', name: 'age', clinical: 'AGE' },
      expect.objectContaining({ kind: 'biomarker', name: 'CTDNA', timePoint: 'BASELINE', selection: { kind: 'algorithm', algorithmVersionId: 'A1' } }),
    ]);
    expect(o).toEqual({ horizonsDays: [365], calibrationHorizonDays: 365, bootstrapReplicates: 200, bootstrapSeed: 20260101 });
  });

  it.each([
    [{ covariates: [{ clinical: 'AGE' as const, biomarkerId: 'X' }] }, 'multivariable.covariates[0]'],
    [{ covariates: [{ clinical: 'AGE' as const }, { clinical: 'AGE' as const }] }, 'multivariable.covariates[1].name'],
    [{ covariates: [{ biomarkerId: 'X', name: 'biomarker' }] }, 'multivariable.covariates[0].name'],
    [{ covariates: [], horizonsDays: [0] }, 'multivariable.horizonsDays[0]'],
    [{ covariates: [], bootstrapReplicates: 5 }, 'multivariable.bootstrapReplicates'],
  ])('refuses %j on its field', (input, field) => {
    expect(() => parseMultivariable(input, study)).toThrow(expect.objectContaining({ field }));
  });

  it('stage groups are ordinal 0–4; UNKNOWN and anything else is missing', () => {
    expect(['0', 'IS', 'IA', 'IIB', 'IIIC', 'IV', 'IVA1', 'UNKNOWN', 'V'].map(stageOrdinal)).toEqual([0, 0, 1, 2, 3, 4, 4, null, null]);
  });
});
