import { describe, expect, it } from '@jest/globals';
import { EXPORT_MEASUREMENT_ROWS, EXPORT_OUTCOME_ROWS, EXPORT_STUDY_ROWS, EXPORT_SUBJECT_ROWS } from '../testing/export-dataset.fixture.js';
import { subjectRecords, type ExportSubject, type SubjectRowStreams } from './export-dataset.model.js';

const streams = (over: Partial<SubjectRowStreams> = {}): SubjectRowStreams => ({
  subjects: EXPORT_SUBJECT_ROWS,
  studies: EXPORT_STUDY_ROWS,
  measurements: EXPORT_MEASUREMENT_ROWS,
  outcomes: EXPORT_OUTCOME_ROWS,
  ...over,
});
const all = async (s: SubjectRowStreams) => {
  const out: ExportSubject[] = [];
  for await (const r of subjectRecords(s)) out.push(r);
  return out;
};

describe('subjectRecords', () => {
  it('merge-joins the sorted row streams into one record per subject, rows without their subject id', async () => {
    const records = await all(streams());
    expect(records.map((r) => [r.pseudonym, r.studies.length, r.measurements.length, r.outcomes.length])).toEqual([
      ['EXP-001', 2, 5, 1],
      ['EXP-002', 1, 1, 0],
      ['EXP-003', 0, 0, 0],
    ]);
    expect(records[0]!.measurements[0]).not.toHaveProperty('subjectId');
  });

  it('reads async row streams (SQL cursors) one row at a time', async () => {
    let pulled = 0;
    async function* rows<T>(xs: readonly T[]) {
      for (const x of xs) {
        pulled++;
        yield x;
      }
    }
    const it = subjectRecords(streams({ measurements: rows(EXPORT_MEASUREMENT_ROWS) }));
    await it.next();
    // The first subject's 5 measurements and a peek at the next subject's: not the whole stream.
    expect(pulled).toBe(6);
    await it.return(undefined);
  });

  it('refuses rows of a subject that is not in the subjects stream, and unsorted subjects, instead of dropping them', async () => {
    await expect(all(streams({ measurements: [...EXPORT_MEASUREMENT_ROWS, { ...EXPORT_MEASUREMENT_ROWS[0]!, subjectId: 'subj-999' }] }))).rejects.toThrow(
      'a measurement of subject subj-999',
    );
    await expect(all(streams({ subjects: [...EXPORT_SUBJECT_ROWS].reverse() }))).rejects.toThrow('not sorted');
  });
});
