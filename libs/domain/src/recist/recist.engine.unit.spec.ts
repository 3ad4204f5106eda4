import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../domain.errors.js';
import { assessRecist, type RecistInput, type RecistLesion, type RecistTimePoint } from './recist.engine.js';
import { toSdtm } from './recist.sdtm.js';

const liver1: RecistLesion = { id: 'T1', organ: 'liver', nodal: false, role: 'TARGET' };
const lung1: RecistLesion = { id: 'T2', organ: 'lung', nodal: false, role: 'TARGET' };
const node1: RecistLesion = { id: 'N1', organ: 'mediastinum', nodal: true, role: 'TARGET' };
const bone: RecistLesion = { id: 'NT1', organ: 'bone', nodal: false, role: 'NON_TARGET' };

/** Visits six weeks apart from 2025-01-06; `targets` per visit in lesion order. */
function subject(lesions: RecistLesion[], visits: Array<Partial<RecistTimePoint> & { sums?: (number | null)[] }>): RecistInput {
  const targets = lesions.filter((l) => l.role === 'TARGET');
  const start = Date.UTC(2025, 0, 6);
  return {
    subjectId: 'S-001',
    lesions,
    timePoints: visits.map((v, i) => ({
      visit: i === 0 ? 'BASELINE' : `WEEK ${6 * i}`,
      date: new Date(start + i * 42 * 86_400_000).toISOString().slice(0, 10),
      targets: v.targets ?? Object.fromEntries(targets.map((t, j) => [t.id, v.sums?.[j] ?? null])),
      nonTargets: v.nonTargets,
      newLesions: v.newLesions,
    })),
  };
}

const responses = (input: RecistInput) => assessRecist(input).timePoints.map((t) => t.overallResponse);
const targetResponses = (input: RecistInput) => assessRecist(input).timePoints.map((t) => t.targetResponse);

function rejection(run: () => unknown): { code: string; field: string | undefined } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('RECIST 1.1 worked cases', () => {
  it('sum of diameters, % change from baseline and nadir, PR at −30 %', () => {
    const r = assessRecist(
      subject(
        [liver1, lung1, bone],
        [
          { sums: [30, 20], nonTargets: { NT1: 'PRESENT' } },
          { sums: [21, 14], nonTargets: { NT1: 'PRESENT' } },
        ],
      ),
    );
    const [base, wk6] = r.timePoints;
    expect(base).toMatchObject({ isBaseline: true, sumOfDiameters: 50, overallResponse: null });
    expect(wk6).toMatchObject({
      day: 42,
      sumOfDiameters: 35,
      baselineSum: 50,
      nadir: 50,
      changeFromBaselinePct: -30,
      changeFromNadirPct: -30,
      targetResponse: 'PR',
      nonTargetResponse: 'NON_CR_NON_PD',
      overallResponse: 'PR',
    });
    expect(r.bestOverallResponse).toBe('PR');
  });

  it('PD is judged against the nadir, not the baseline', () => {
    const r = assessRecist(subject([liver1, lung1], [{ sums: [60, 40] }, { sums: [36, 24] }, { sums: [45, 30] }]));
    const wk12 = r.timePoints[2];
    // 75 mm is still −25 % from baseline (SD by baseline) but +25 % and +15 mm over the nadir of 60.
    expect(wk12).toMatchObject({
      sumOfDiameters: 75,
      nadir: 60,
      changeFromBaselinePct: -25,
      changeFromNadirPct: 25,
      changeFromNadirMm: 15,
      targetResponse: 'PD',
    });
    expect(r.bestOverallResponse).toBe('PR');
  });

  it('the 5 mm absolute rule: +33 % over a small nadir is not PD until the sum has grown 5 mm', () => {
    const input = subject([liver1, lung1], [{ sums: [10, 10] }, { sums: [6, 6] }, { sums: [8, 8] }, { sums: [8.5, 8.5] }]);
    expect(targetResponses(input)).toEqual([null, 'PR', 'SD', 'PD']);
    expect(assessRecist(input).timePoints[2]).toMatchObject({ changeFromNadirPct: expect.closeTo(33.333333, 5), changeFromNadirMm: 4 });
  });

  it('exactly +20 % and +5 mm is PD; exactly −30 % is PR (the thresholds are inclusive)', () => {
    expect(targetResponses(subject([liver1, lung1], [{ sums: [15, 10] }, { sums: [18, 12] }]))).toEqual([null, 'PD']);
    expect(targetResponses(subject([liver1, lung1], [{ sums: [30.3, 19.7] }, { sums: [21.2, 13.8] }]))).toEqual([null, 'PR']);
    expect(targetResponses(subject([liver1, lung1], [{ sums: [30, 20] }, { sums: [21, 14.1] }]))).toEqual([null, 'SD']);
  });

  it('nodes shrinking below 10 mm give CR although the sum of diameters is not zero', () => {
    const r = assessRecist(subject([liver1, node1], [{ sums: [25, 20] }, { sums: [0, 8] }]));
    expect(r.timePoints[1]).toMatchObject({ sumOfDiameters: 8, targetResponse: 'CR', overallResponse: 'CR' });
    expect(r.bestOverallResponse).toBe('CR');
  });

  it('a node at 10 mm is not yet normal: PR, not CR', () => {
    expect(targetResponses(subject([liver1, node1], [{ sums: [25, 20] }, { sums: [0, 10] }]))).toEqual([null, 'PR']);
  });

  it('normal-sized nodes that wobble after CR stay CR (they cannot make progression)', () => {
    expect(targetResponses(subject([node1], [{ sums: [20] }, { sums: [5] }, { sums: [9] }]))).toEqual([null, 'CR', 'CR']);
  });

  it('a new lesion with shrinking targets: target PR, overall PD', () => {
    const r = assessRecist(subject([liver1, lung1], [{ sums: [30, 20] }, { sums: [15, 10], newLesions: [{ id: 'NEW1' }] }]));
    expect(r.timePoints[1]).toMatchObject({ changeFromBaselinePct: -50, targetResponse: 'PR', newLesion: true, overallResponse: 'PD' });
    expect(r.bestOverallResponse).toBe('PD');
  });

  it('an equivocal new lesion is not progression', () => {
    const r = assessRecist(subject([liver1, lung1], [{ sums: [30, 20] }, { sums: [15, 10], newLesions: [{ id: 'NEW1', equivocal: true }] }]));
    expect(r.timePoints[1]).toMatchObject({ newLesion: false, equivocalNewLesion: true, overallResponse: 'PR' });
  });

  it('unequivocal non-target progression gives PD while the targets respond', () => {
    expect(responses(subject([liver1, lung1, bone], [{ sums: [30, 20] }, { sums: [15, 10], nonTargets: { NT1: 'UNEQUIVOCAL_PROGRESSION' } }]))).toEqual([
      null,
      'PD',
    ]);
  });

  it('target CR with non-target disease remaining, or not evaluated, is PR overall (Table 1)', () => {
    const input = subject(
      [liver1, lung1, bone],
      [{ sums: [30, 20] }, { sums: [0, 0], nonTargets: { NT1: 'PRESENT' } }, { sums: [0, 0] }, { sums: [0, 0], nonTargets: { NT1: 'ABSENT' } }],
    );
    const r = assessRecist(input);
    expect(r.timePoints.map((t) => [t.targetResponse, t.nonTargetResponse, t.overallResponse])).toEqual([
      [null, null, null],
      ['CR', 'NON_CR_NON_PD', 'PR'],
      ['CR', 'NE', 'PR'],
      ['CR', 'CR', 'CR'],
    ]);
  });

  it('a target not read is NE, unless the targets that were read already prove PD', () => {
    expect(targetResponses(subject([liver1, lung1], [{ sums: [30, 20] }, { sums: [28, null] }]))).toEqual([null, 'NE']);
    expect(targetResponses(subject([liver1, lung1], [{ sums: [30, 20] }, { sums: [65, null] }]))).toEqual([null, 'PD']);
    expect(assessRecist(subject([liver1, lung1], [{ sums: [30, 20] }, { sums: [28, null] }])).timePoints[1]?.sumOfDiameters).toBeNull();
  });

  it('after every target disappeared (nadir 0) a 5 mm reappearance is PD, with no % from the nadir', () => {
    const r = assessRecist(subject([liver1], [{ sums: [12] }, { sums: [0] }, { sums: [5] }]));
    expect(r.timePoints[2]).toMatchObject({ nadir: 0, changeFromNadirPct: null, changeFromNadirMm: 5, targetResponse: 'PD' });
  });

  it('non-target disease only (RECIST Table 2)', () => {
    const input = subject([bone], [{ nonTargets: { NT1: 'PRESENT' } }, { nonTargets: { NT1: 'PRESENT' } }, { nonTargets: { NT1: 'ABSENT' } }]);
    const r = assessRecist(input);
    expect(r.timePoints.map((t) => [t.sumOfDiameters, t.targetResponse, t.overallResponse])).toEqual([
      [null, null, null],
      [null, null, 'NON_CR_NON_PD'],
      [null, null, 'CR'],
    ]);
    expect(r.bestOverallResponse).toBe('CR');
  });

  it('sums of 0.1 mm readings are exact (no floating-point drift)', () => {
    const r = assessRecist(subject([liver1, lung1], [{ sums: [12.3, 14.1] }, { sums: [12.1, 10.2] }]));
    expect(r.timePoints.map((t) => t.sumOfDiameters)).toEqual([26.4, 22.3]);
  });
});

describe('best overall response', () => {
  it('SD counts only after the protocol minimum (default 42 days); before it, NE', () => {
    const early: RecistInput = { ...subject([liver1], [{ sums: [20] }, { sums: [19] }]) };
    const tp = early.timePoints;
    const shifted = { ...early, timePoints: [tp[0]!, { ...tp[1]!, date: '2025-02-03' }] };
    expect(assessRecist(shifted).bestOverallResponse).toBe('NE');
    expect(assessRecist(shifted, { minStableDiseaseDays: 28 }).bestOverallResponse).toBe('SD');
    expect(assessRecist(early).bestOverallResponse).toBe('SD');
  });

  it('SD too early followed by PD is PD', () => {
    const input = subject([liver1], [{ sums: [20] }, { sums: [19] }, { sums: [30] }]);
    const tooEarly = { ...input, timePoints: [input.timePoints[0]!, { ...input.timePoints[1]!, date: '2025-01-20' }, input.timePoints[2]!] };
    expect(assessRecist(tooEarly).bestOverallResponse).toBe('PD');
  });

  it('nothing after the first PD counts', () => {
    expect(assessRecist(subject([liver1], [{ sums: [20] }, { sums: [19] }, { sums: [26] }, { sums: [10] }])).bestOverallResponse).toBe('SD');
  });

  it('with confirmation required, PR must be repeated at least 28 days later; otherwise SD', () => {
    const confirmed = subject([liver1], [{ sums: [20] }, { sums: [12] }, { sums: [11] }]);
    const unconfirmed = subject([liver1], [{ sums: [20] }, { sums: [12] }, { sums: [18] }]);
    expect(assessRecist(confirmed, { requireConfirmation: true }).bestOverallResponse).toBe('PR');
    expect(assessRecist(unconfirmed, { requireConfirmation: true }).bestOverallResponse).toBe('SD');
    expect(assessRecist(unconfirmed).bestOverallResponse).toBe('PR');
    const cr = subject([liver1], [{ sums: [20] }, { sums: [0] }, { sums: [0] }]);
    expect(assessRecist(cr, { requireConfirmation: true }).bestOverallResponse).toBe('CR');
    expect(assessRecist(cr, { requireConfirmation: true, minConfirmationDays: 90 }).bestOverallResponse).toBe('SD');
  });
});

describe('validation of the baseline and the measurements', () => {
  const targetsOf = (n: number, organ: (i: number) => string, nodal = false): RecistLesion[] =>
    Array.from({ length: n }, (_, i) => ({ id: `T${i + 1}`, organ: organ(i), nodal, role: 'TARGET' as const }));

  it.each([
    ['six targets', targetsOf(6, (i) => `organ${i}`), 20, 'TOO_MANY_TARGETS'],
    ['three targets in the liver', targetsOf(3, () => 'Liver'), 20, 'TOO_MANY_TARGETS_IN_ORGAN'],
    ['three nodal targets in different stations (nodes are one organ)', targetsOf(3, (i) => `station${i}`, true), 20, 'TOO_MANY_TARGETS_IN_ORGAN'],
    ['a non-nodal target under 10 mm', targetsOf(1, () => 'liver'), 9, 'TARGET_NOT_MEASURABLE'],
    ['a nodal target under 15 mm short axis', targetsOf(1, () => 'neck', true), 14, 'TARGET_NOT_MEASURABLE'],
  ])('rejects %s', (_, lesions, mm, code) => {
    const input = subject(lesions, [{ sums: lesions.map(() => mm) }]);
    expect(rejection(() => assessRecist(input)).code).toBe(code);
  });

  it('accepts exactly 5 targets, 2 per organ, 10 mm and a 15 mm node', () => {
    const lesions = [...targetsOf(4, (i) => (i < 2 ? 'liver' : 'lung')), { ...node1, id: 'T5' }];
    const input = subject(lesions, [{ sums: [10, 10, 10, 10, 15] }]);
    expect(assessRecist(input).timePoints[0]?.sumOfDiameters).toBe(55);
  });

  it.each([
    ['a target not measured at baseline', subject([liver1, lung1], [{ sums: [20, null] }]), 'BASELINE_INCOMPLETE', 'timePoints[0].targets.T2'],
    ['an unknown lesion', subject([liver1], [{ sums: [20] }, { targets: { T1: 10, X9: 4 } }]), 'UNKNOWN_LESION', 'timePoints[1].targets.X9'],
    [
      'a non-target measured as a target',
      subject([liver1, bone], [{ sums: [20] }, { targets: { T1: 10, NT1: 4 } }]),
      'NOT_A_TARGET',
      'timePoints[1].targets.NT1',
    ],
    ['a negative diameter', subject([liver1], [{ sums: [20] }, { targets: { T1: -1 } }]), 'INVALID_MEASUREMENT', 'timePoints[1].targets.T1'],
    ['a new lesion at baseline', subject([liver1], [{ sums: [20], newLesions: [{ id: 'X' }] }]), 'NEW_LESION_AT_BASELINE', 'timePoints[0].newLesions'],
    [
      'a "new" lesion that was known at baseline',
      subject([liver1], [{ sums: [20] }, { sums: [20], newLesions: [{ id: 'T1' }] }]),
      'NEW_LESION_ALREADY_KNOWN',
      'timePoints[1].newLesions[0].id',
    ],
    [
      'a non-target absent at baseline',
      subject([liver1, bone], [{ sums: [20], nonTargets: { NT1: 'ABSENT' } }]),
      'INVALID_BASELINE_STATUS',
      'timePoints[0].nonTargets.NT1',
    ],
    ['no lesions at all', subject([], [{}]), 'NO_BASELINE_DISEASE', 'lesions'],
    ['no time points', { subjectId: 'S', lesions: [liver1], timePoints: [] }, 'NO_BASELINE', 'timePoints'],
  ])('rejects %s', (_, input, code, field) => {
    expect(rejection(() => assessRecist(input))).toEqual({ code, field });
  });

  it('rejects duplicate lesion ids, dates out of order and impossible dates', () => {
    expect(rejection(() => assessRecist(subject([liver1, { ...lung1, id: 'T1' }], [{ sums: [20, 20] }]))).code).toBe('DUPLICATE_LESION');
    const input = subject([liver1], [{ sums: [20] }, { sums: [20] }]);
    const swapped = { ...input, timePoints: [input.timePoints[1]!, input.timePoints[0]!] };
    expect(rejection(() => assessRecist(swapped)).code).toBe('TIME_POINTS_OUT_OF_ORDER');
    const badDate = { ...input, timePoints: [{ ...input.timePoints[0]!, date: '2025-02-30' }] };
    expect(rejection(() => assessRecist(badDate))).toEqual({ code: 'INVALID_DATE', field: 'timePoints[0].date' });
  });
});

describe('SDTM rows', () => {
  it('TR carries each diameter and SUMDIAM per visit; RS carries TRGRESP, NTRGRESP, NEWLIND, OVRLRESP and BESTRSP', () => {
    const input = subject(
      [liver1, node1, bone],
      [
        { sums: [30, 20], nonTargets: { NT1: 'PRESENT' } },
        { sums: [15, 9], nonTargets: { NT1: 'PRESENT' }, newLesions: [{ id: 'NEW1' }] },
      ],
    );
    const { tr, rs } = toSdtm(input, assessRecist(input), { studyId: 'STUDY-1', evaluator: 'INDEPENDENT ASSESSOR' });
    expect(tr.filter((r) => r.TRTESTCD === 'SUMDIAM').map((r) => [r.VISIT, r.TRSTRESN, r.TRSTRESU])).toEqual([
      ['BASELINE', 50, 'mm'],
      ['WEEK 6', 24, 'mm'],
    ]);
    expect(tr.filter((r) => r.VISIT === 'WEEK 6').map((r) => [r.TRLNKID, r.TRTESTCD, r.TRORRES])).toEqual([
      ['T1', 'LDIAM', '15'],
      ['N1', 'LPERP', '9'],
      ['NT1', 'TUMSTATE', 'PRESENT'],
      [null, 'SUMDIAM', '24'],
    ]);
    expect(tr.map((r) => r.TRSEQ)).toEqual(tr.map((_, i) => i + 1));
    expect(rs.map((r) => [r.VISIT, r.RSTESTCD, r.RSSTRESC])).toEqual([
      ['WEEK 6', 'TRGRESP', 'PR'],
      ['WEEK 6', 'NTRGRESP', 'NON-CR/NON-PD'],
      ['WEEK 6', 'NEWLIND', 'Y'],
      ['WEEK 6', 'OVRLRESP', 'PD'],
      [null, 'BESTRSP', 'PD'],
    ]);
    expect(rs.every((r) => r.STUDYID === 'STUDY-1' && r.USUBJID === 'S-001' && r.RSCAT === 'RECIST 1.1' && r.RSEVAL === 'INDEPENDENT ASSESSOR')).toBe(true);
  });

  it('a target not read is a NOT DONE row and there is no SUMDIAM that visit', () => {
    const input = subject([liver1, lung1], [{ sums: [30, 20] }, { sums: [28, null] }]);
    const { tr } = toSdtm(input, assessRecist(input), { studyId: 'S' });
    expect(tr.filter((r) => r.VISIT === 'WEEK 6').map((r) => [r.TRTESTCD, r.TRSTAT])).toEqual([
      ['LDIAM', null],
      ['LDIAM', 'NOT DONE'],
    ]);
  });
});
