import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import { isValidDicomUid } from './dicom-uid.js';
import type { RegisterImagingStudy } from './study.commands.js';
import { studyDecider, studyFacts, studyStreamId } from './study.decider.js';
import type { StudyEvent } from './study.events.js';
import { rejection } from '../testing/decider-testing.js';
import { NO_ACQUISITION_DETAILS } from '../acquisition/acquisition.parameters.js';

const ctx = { commandId: 'c-1', actor: { id: 'u-1', role: 'coordinator' }, now: new Date('2025-06-01T10:00:00Z') };
const run = (given: readonly StudyEvent[], command: RegisterImagingStudy) => studyDecider.decide(command, fold(studyDecider, given), ctx);

const UID = '1.2.826.0.1.3680043.8.498.12345';
const register: RegisterImagingStudy = {
  type: 'RegisterImagingStudy',
  studyInstanceUid: UID,
  subjectId: 'subj-1',
  modality: 'CT',
  acquisitionDateTime: '2025-05-20T08:15:00+02:00',
  siteId: 'site-nl-01',
  scanner: { manufacturer: 'Siemens', model: 'SOMATOM Force' },
  sliceThicknessMm: 1,
  kvp: 120,
  contrast: 'iv',
};

describe('imaging study decider', () => {
  it('registers a study with the acquisition time as occurredAt (UTC)', () => {
    const events = run([], register);
    expect(events).toStrictEqual([
      {
        type: 'ImagingStudyRegistered',
        data: {
          studyInstanceUid: UID,
          subjectId: 'subj-1',
          modality: 'CT',
          occurredAt: '2025-05-20T06:15:00.000Z',
          siteId: 'site-nl-01',
          scanner: { manufacturer: 'Siemens', model: 'SOMATOM Force' },
          sliceThicknessMm: 1,
          kvp: 120,
          contrast: 'iv',
          acquisition: NO_ACQUISITION_DETAILS,
        },
      },
    ]);
    expect(studyFacts(fold(studyDecider, events))).toMatchObject({ studyInstanceUid: UID, subjectId: 'subj-1' });
    expect(studyStreamId(UID)).toBe(`study-${UID}`);
  });

  it('rejects registering the same Study Instance UID twice', () => {
    expect(rejection(() => run(run([], register), register))).toMatchObject({ code: 'DUPLICATE_STUDY_UID', field: 'studyInstanceUid' });
  });

  it.each([['1.2.840.0123'], ['1..2'], ['1.2.'], ['1.2.abc'], ['1.' + '2'.repeat(63)], ['12345']])('rejects the invalid DICOM UID %s', (uid) => {
    expect(rejection(() => run([], { ...register, studyInstanceUid: uid }))).toMatchObject({ code: 'INVALID_DICOM_UID', field: 'studyInstanceUid' });
  });

  it('accepts a 64-character UID and zero components', () => {
    expect(isValidDicomUid('1.2.0.3')).toBe(true);
    expect(isValidDicomUid('1.' + '2'.repeat(62))).toBe(true);
  });

  it('rejects an acquisition in the future, an ambiguous date-time and absurd acquisition parameters', () => {
    expect(rejection(() => run([], { ...register, acquisitionDateTime: '2025-06-02T10:00:00Z' }))).toMatchObject({
      code: 'DATE_IN_FUTURE',
      field: 'acquisitionDateTime',
    });
    expect(rejection(() => run([], { ...register, acquisitionDateTime: '2025-05-20T08:15:00' }))).toMatchObject({
      code: 'INVALID_DATE',
      field: 'acquisitionDateTime',
    });
    expect(rejection(() => run([], { ...register, kvp: Number.POSITIVE_INFINITY }))).toMatchObject({ code: 'NOT_FINITE', field: 'kvp' });
    expect(rejection(() => run([], { ...register, sliceThicknessMm: 0 }))).toMatchObject({ code: 'OUT_OF_RANGE', field: 'sliceThicknessMm' });
    expect(rejection(() => run([], { ...register, scanner: { manufacturer: '', model: 'x' } }))).toMatchObject({
      code: 'FIELD_REQUIRED',
      field: 'scanner.manufacturer',
    });
  });
});
