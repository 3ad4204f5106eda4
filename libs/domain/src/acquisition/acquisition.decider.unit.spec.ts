import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import type { RegisterImagingStudy } from '../study/study.commands.js';
import { studyAcquisition, studyDecider } from '../study/study.decider.js';
import type { StudyEvent } from '../study/study.events.js';
import { rejection } from '../testing/decider-testing.js';
import { acquisitionProtocolDecider, acquisitionProtocolStreamId, protocolInForce, type ProtocolInForce } from './acquisition-protocol.decider.js';
import type { DeclareAcquisitionProtocol } from './acquisition.commands.js';
import type { AcquisitionProtocolEvent } from './acquisition.events.js';

const meta = { commandId: 'c-1', actor: { id: 'u-1', role: 'coordinator' }, now: new Date('2025-06-01T10:00:00Z') };
const UID = '1.2.826.0.1.3680043.8.498.777';
const SERIES_THIN = '1.2.826.0.1.3680043.8.498.777.1';
const SERIES_THICK = '1.2.826.0.1.3680043.8.498.777.2';

const register: RegisterImagingStudy = {
  type: 'RegisterImagingStudy',
  studyInstanceUid: UID,
  subjectId: 'subj-1',
  modality: 'CT',
  acquisitionDateTime: '2025-05-20',
  siteId: 'S1',
  scanner: { manufacturer: 'Siemens', model: 'SOMATOM Force', softwareVersion: 'syngo CT VA50A' },
  sliceThicknessMm: 1,
  kvp: 120,
  contrast: 'iv',
  tubeCurrentMa: 250,
  reconstructionKernel: 'Br40d',
  contrastPhase: 'portal_venous',
  pixelSpacingMm: [0.7, 0.7],
  protocolName: 'Abdomen PV',
};

const declare: DeclareAcquisitionProtocol = {
  type: 'DeclareAcquisitionProtocol',
  trialId: 'T1',
  programmeId: null,
  name: 'Imaging manual v1',
  rules: [
    {
      modality: 'CT',
      kvp: { min: 100, max: 120 },
      sliceThicknessMm: { max: 1.5 },
      reconstructionKernels: ['Br40d', 'B30f'],
      contrastPhases: ['portal_venous'],
    },
  ],
};

const protocolAfter = (events: readonly AcquisitionProtocolEvent[]): ProtocolInForce => protocolInForce(fold(acquisitionProtocolDecider, events))!;
const declared = acquisitionProtocolDecider.decide(declare, acquisitionProtocolDecider.initialState, meta);
const protocol = protocolAfter(declared);
const decide = (given: readonly StudyEvent[], command: Parameters<typeof studyDecider.decide>[0], p: ProtocolInForce | null = protocol) =>
  studyDecider.decide(command, fold(studyDecider, given), { ...meta, protocol: p });

describe('acquisition parameters on imaging studies', () => {
  it('carries the further parameters on the registration and folds them; an older event folds as none', () => {
    const [event] = decide([], register, null);
    expect(event).toMatchObject({
      type: 'ImagingStudyRegistered',
      data: {
        scanner: { manufacturer: 'Siemens', model: 'SOMATOM Force' },
        acquisition: {
          softwareVersion: 'syngo CT VA50A',
          tubeCurrentMa: 250,
          reconstructionKernel: 'Br40d',
          contrastPhase: 'portal_venous',
          pixelSpacingMm: [0.7, 0.7],
        },
      },
    });
    expect(studyAcquisition(fold(studyDecider, [event!]))).toMatchObject({ kvp: 120, protocolName: 'Abdomen PV', fieldStrengthT: null, series: [] });
    const { acquisition: _none, ...older } = (event as Extract<StudyEvent, { type: 'ImagingStudyRegistered' }>).data;
    expect(studyAcquisition(fold(studyDecider, [{ type: 'ImagingStudyRegistered', data: older }]))).toMatchObject({
      kvp: 120,
      softwareVersion: null,
      reconstructionKernel: null,
      contrastPhase: null,
      series: [],
    });
  });

  it.each([
    [{ kvp: 151 }, 'OUT_OF_RANGE', 'kvp'],
    [{ kvp: 30 }, 'OUT_OF_RANGE', 'kvp'],
    [{ sliceThicknessMm: 21 }, 'OUT_OF_RANGE', 'sliceThicknessMm'],
    [{ tubeCurrentMa: 0 }, 'OUT_OF_RANGE', 'tubeCurrentMa'],
    [{ pixelSpacingMm: [0.7] }, 'FIELD_REQUIRED', 'pixelSpacingMm'],
    [{ pixelSpacingMm: [0.7, 0] }, 'OUT_OF_RANGE', 'pixelSpacingMm.1'],
    [{ contrastPhase: 'venous' }, 'INVALID_ENUM_VALUE', 'contrastPhase'],
    [{ fieldStrengthT: 3 }, 'PARAMETER_NOT_FOR_MODALITY', 'fieldStrengthT'],
    [{ series: [{ seriesInstanceUid: '1.02' }] }, 'INVALID_DICOM_UID', 'series.0.seriesInstanceUid'],
    [{ series: [{ seriesInstanceUid: SERIES_THIN, sliceThicknessMm: 25 }] }, 'OUT_OF_RANGE', 'series.0.sliceThicknessMm'],
  ] as const)('refuses %j with %s on %s', (extra, code, field) => {
    expect(rejection(() => decide([], { ...register, ...extra } as RegisterImagingStudy, null))).toMatchObject({ code, field });
  });

  it('accepts a mammography kVp and an MR field strength', () => {
    expect(decide([], { ...register, modality: 'MG', kvp: 28 }, null)).toHaveLength(1);
    expect(decide([], { ...register, modality: 'MR', kvp: null, fieldStrengthT: 3 }, null)).toHaveLength(1);
  });

  it('corrects the acquisition record with a reason; an unchanged record or a missing reason is refused', () => {
    const given = decide([], register, null);
    const correction = { ...register, type: 'CorrectAcquisitionParameters' as const, reason: 'DICOM header re-read', kvp: 100 };
    const [corrected] = decide(given, correction, null);
    expect(corrected).toMatchObject({
      type: 'AcquisitionParametersCorrected',
      data: { kvp: 100, scanner: { model: 'SOMATOM Force' }, acquisition: { tubeCurrentMa: 250 }, reason: 'DICOM header re-read' },
    });
    expect(studyAcquisition(fold(studyDecider, [...given, corrected!]))).toMatchObject({ kvp: 100, tubeCurrentMa: 250 });
    expect(rejection(() => decide([...given, corrected!], correction, null))).toMatchObject({ code: 'ACQUISITION_UNCHANGED' });
    expect(rejection(() => decide(given, { ...correction, reason: '' }, null))).toMatchObject({ code: 'REASON_REQUIRED', field: 'reason' });
    expect(rejection(() => decide([], correction, null))).toMatchObject({ code: 'STUDY_NOT_FOUND', field: 'studyInstanceUid' });
  });
});

describe('acquisition protocols', () => {
  it('declares version 1 on its own stream; a change needs a reason and makes version 2', () => {
    expect(acquisitionProtocolStreamId({ trialId: 'T1' })).toBe('acqprotocol-trial-T1');
    expect(declared).toMatchObject([{ type: 'AcquisitionProtocolDeclared', data: { trialId: 'T1', protocolVersion: 1 } }]);
    const state = fold(acquisitionProtocolDecider, declared);
    expect(rejection(() => acquisitionProtocolDecider.decide(declare, state, meta))).toMatchObject({ code: 'REASON_REQUIRED' });
    expect(acquisitionProtocolDecider.decide({ ...declare, reason: 'Kernel B31f allowed' }, state, meta)).toMatchObject([
      { type: 'AcquisitionProtocolChanged', data: { protocolVersion: 2, reason: 'Kernel B31f allowed' } },
    ]);
  });

  it.each([
    [{ trialId: null }, 'PROTOCOL_SCOPE_REQUIRED', 'trialId'],
    [{ programmeId: 'P1' }, 'PROTOCOL_SCOPE_REQUIRED', 'trialId'],
    [{ rules: [] }, 'FIELD_REQUIRED', 'rules'],
    [{ rules: [{ modality: 'CT' }] }, 'INVALID_PROTOCOL_RULE', 'rules.0'],
    [{ rules: [{ modality: 'CT', kvp: { min: 130, max: 100 } }] }, 'INVALID_PROTOCOL_RULE', 'rules.0.kvp.max'],
    [{ rules: [{ modality: 'CT', kvp: { max: 500 } }] }, 'INVALID_PROTOCOL_RULE', 'rules.0.kvp.max'],
    [
      {
        rules: [
          { modality: 'CT', kvp: { max: 120 } },
          { modality: 'CT', kvp: { max: 130 } },
        ],
      },
      'DUPLICATE_PROTOCOL_MODALITY',
      'rules.1.modality',
    ],
    [{ rules: [{ modality: 'CT', contrastPhases: ['late'] }] }, 'INVALID_ENUM_VALUE', 'rules.0.contrastPhases.0'],
  ] as const)('refuses %j with %s on %s', (extra, code, field) => {
    expect(
      rejection(() => acquisitionProtocolDecider.decide({ ...declare, ...extra } as DeclareAcquisitionProtocol, acquisitionProtocolDecider.initialState, meta)),
    ).toMatchObject({
      code,
      field,
    });
  });
});

describe('protocol deviations', () => {
  it('flags nothing for a study within the protocol, nor for a modality the protocol has no rule for', () => {
    expect(decide([], register).map((e) => e.type)).toEqual(['ImagingStudyRegistered']);
    expect(decide([], { ...register, modality: 'MR', kvp: null, fieldStrengthT: 1.5 }).map((e) => e.type)).toEqual(['ImagingStudyRegistered']);
  });

  it('registers a study outside the protocol and flags each deviation, with the protocol version (not refused)', () => {
    const events = decide([], { ...register, kvp: 140, reconstructionKernel: 'b30F', contrastPhase: null });
    expect(events.map((e) => e.type)).toEqual(['ImagingStudyRegistered', 'ProtocolDeviationFlagged']);
    expect(events[1]).toMatchObject({
      data: {
        trialId: 'T1',
        subjectId: 'subj-1',
        siteId: 'S1',
        protocolVersion: 1,
        protocolName: 'Imaging manual v1',
        occurredAt: '2025-05-20',
        // The kernel matches case-insensitively; the missing phase cannot show compliance.
        deviations: [
          { parameter: 'kvp', kind: 'out_of_range', actual: '140', expected: '100–120', seriesInstanceUid: null },
          { parameter: 'contrastPhase', kind: 'not_recorded', actual: null, expected: 'portal_venous', seriesInstanceUid: null },
        ],
      },
    });
  });

  it('judges series parameters per series when series state them', () => {
    const events = decide([], {
      ...register,
      sliceThicknessMm: 5,
      series: [
        { seriesInstanceUid: SERIES_THIN, sliceThicknessMm: 1 },
        { seriesInstanceUid: SERIES_THICK, sliceThicknessMm: 5, reconstructionKernel: 'Br64' },
      ],
    });
    expect(events[1]).toMatchObject({
      type: 'ProtocolDeviationFlagged',
      data: {
        deviations: [
          { parameter: 'sliceThicknessMm', kind: 'out_of_range', actual: '5', seriesInstanceUid: SERIES_THICK },
          { parameter: 'reconstructionKernel', kind: 'not_allowed', actual: 'Br64', seriesInstanceUid: SERIES_THICK },
        ],
      },
    });
  });

  it('does not judge a study without a subject (no trial to take a protocol from)', () => {
    expect(decide([], { ...register, subjectId: null, kvp: 140 }).map((e) => e.type)).toEqual(['ImagingStudyRegistered']);
  });

  it('a correction still outside flags again; one back within resolves the flag', () => {
    const given = decide([], { ...register, kvp: 140 });
    const correction = { ...register, type: 'CorrectAcquisitionParameters' as const, reason: 'kVp mistyped' };
    expect(decide(given, { ...correction, kvp: 130 }).map((e) => e.type)).toEqual(['AcquisitionParametersCorrected', 'ProtocolDeviationFlagged']);
    const back = decide(given, { ...correction, kvp: 120 });
    expect(back).toMatchObject([
      { type: 'AcquisitionParametersCorrected' },
      { type: 'ProtocolDeviationResolved', data: { trialId: 'T1', studyInstanceUid: UID, protocolVersion: 1, reason: 'kVp mistyped' } },
    ]);
    // Within protocol all along: a correction resolves nothing.
    expect(decide(decide([], register), { ...correction, tubeCurrentMa: 200 }).map((e) => e.type)).toEqual(['AcquisitionParametersCorrected']);
  });
});
