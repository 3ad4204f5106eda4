import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import { InputErrors, optionalId, parseClinicalDate, requireId, requireNotInFuture, requireOneOf, requireReason } from '../biomarker/input.guards.js';
import { protocolDeviations } from '../acquisition/acquisition-protocol.js';
import type { ProtocolInForce } from '../acquisition/acquisition-protocol.decider.js';
import type { CorrectAcquisitionParameters } from '../acquisition/acquisition.commands.js';
import { AcquisitionErrors } from '../acquisition/acquisition.errors.js';
import {
  acquisitionDetails,
  acquisitionParameters,
  NO_ACQUISITION_DETAILS,
  requireModalityFit,
  type AcquisitionParameters,
} from '../acquisition/acquisition.parameters.js';
import { requireDicomUid } from './dicom-uid.js';
import { IMAGING_MODALITIES, type ImagingModality } from './imaging.vocabulary.js';
import type { RegisterImagingStudy, StudyCommand } from './study.commands.js';
import { StudyErrors } from './study.errors.js';
import type { StudyEvent } from './study.events.js';

export type StudyState =
  | { readonly status: 'none' }
  | {
      readonly status: 'registered';
      readonly studyInstanceUid: string;
      readonly subjectId: string | null;
      readonly modality: ImagingModality;
      readonly occurredAt: string;
      readonly siteId: string;
      readonly acquisition: AcquisitionParameters;
      /** The protocol version of the last flag that still holds; null when the study is within protocol or unchecked. */
      readonly deviationOf: number | null;
    };

/**
 * The protocol in force for the study's subject's trial or programme, loaded by the handler (null: none declared, or
 * no subject named, so no scope to judge by). The decider compares; it never loads.
 */
export type StudyDecisionContext = CommandMeta & { readonly protocol?: ProtocolInForce | null };

export interface StudyFacts {
  readonly studyInstanceUid: string;
  readonly subjectId: string | null;
  readonly modality: ImagingModality;
  /** Acquisition date or instant (ISO). */
  readonly occurredAt: string;
  readonly siteId: string;
}

export function studyFacts(state: StudyState): StudyFacts | undefined {
  if (state.status === 'none') return undefined;
  const { studyInstanceUid, subjectId, modality, occurredAt, siteId } = state;
  return { studyInstanceUid, subjectId, modality, occurredAt, siteId };
}

/** One stream per Study Instance UID, so a second registration finds the stream and is refused (DUPLICATE_STUDY_UID). */
export function studyStreamId(studyInstanceUid: string): string {
  return `study-${studyInstanceUid}`;
}

function decide(command: StudyCommand, state: StudyState, context: StudyDecisionContext): StudyEvent[] {
  switch (command.type) {
    case 'RegisterImagingStudy':
      return register(command, state, context);
    case 'CorrectAcquisitionParameters':
      return correct(command, state, context);
    default:
      return reject(InputErrors.INVALID_ENUM_VALUE, 'type', `Unknown study command ${(command as { type?: unknown }).type as string}`);
  }
}

function register(command: RegisterImagingStudy, state: StudyState, context: StudyDecisionContext): StudyEvent[] {
  const studyInstanceUid = requireDicomUid(command.studyInstanceUid, 'studyInstanceUid');
  if (state.status !== 'none') reject(StudyErrors.DUPLICATE_STUDY_UID, 'studyInstanceUid', `Study ${studyInstanceUid} is already registered`);
  const acquired = requireNotInFuture(
    parseClinicalDate(command.acquisitionDateTime, 'acquisitionDateTime', { allowDateTime: true }),
    context.now,
    'acquisitionDateTime',
  );
  const modality = requireOneOf(command.modality, IMAGING_MODALITIES, 'modality');
  const acquisition = acquisitionParameters(command);
  requireModalityFit(acquisition, modality);
  const subjectId = optionalId(command.subjectId, 'subjectId');
  const siteId = requireId(command.siteId, 'siteId');
  const registered: StudyEvent = {
    type: 'ImagingStudyRegistered',
    data: {
      studyInstanceUid,
      subjectId,
      modality,
      occurredAt: acquired.iso,
      siteId,
      scanner: acquisition.scanner,
      sliceThicknessMm: acquisition.sliceThicknessMm,
      kvp: acquisition.kvp,
      contrast: acquisition.contrast,
      acquisition: acquisitionDetails(acquisition),
    },
  };
  const flag = subjectId === null ? null : deviationFlag(context, { studyInstanceUid, subjectId, siteId, modality, occurredAt: acquired.iso }, acquisition);
  return flag ? [registered, flag] : [registered];
}

function correct(command: CorrectAcquisitionParameters, state: StudyState, context: StudyDecisionContext): StudyEvent[] {
  const studyInstanceUid = requireDicomUid(command.studyInstanceUid, 'studyInstanceUid');
  if (state.status === 'none') reject(StudyErrors.STUDY_NOT_FOUND, 'studyInstanceUid', `Study ${studyInstanceUid} is not registered`);
  const reason = requireReason(command.reason);
  const acquisition = acquisitionParameters(command);
  requireModalityFit(acquisition, state.modality);
  if (sameAcquisition(acquisition, state.acquisition))
    reject(AcquisitionErrors.ACQUISITION_UNCHANGED, 'studyInstanceUid', 'The correction changes no parameter');
  const at = context.now.toISOString();
  const events: StudyEvent[] = [
    {
      type: 'AcquisitionParametersCorrected',
      data: {
        studyInstanceUid,
        subjectId: state.subjectId,
        scanner: acquisition.scanner,
        sliceThicknessMm: acquisition.sliceThicknessMm,
        kvp: acquisition.kvp,
        contrast: acquisition.contrast,
        acquisition: acquisitionDetails(acquisition),
        reason,
        correctedAt: at,
      },
    },
  ];
  if (state.subjectId === null) return events;
  const facts = { studyInstanceUid, subjectId: state.subjectId, siteId: state.siteId, modality: state.modality, occurredAt: state.occurredAt };
  const flag = deviationFlag(context, facts, acquisition);
  if (flag) events.push(flag);
  else if (state.deviationOf !== null && context.protocol) {
    events.push({
      type: 'ProtocolDeviationResolved',
      data: {
        ...context.protocol.scope,
        studyInstanceUid,
        subjectId: state.subjectId,
        protocolVersion: context.protocol.protocolVersion,
        reason,
        resolvedAt: at,
      },
    });
  }
  return events;
}

function deviationFlag(
  context: StudyDecisionContext,
  study: { studyInstanceUid: string; subjectId: string; siteId: string; modality: ImagingModality; occurredAt: string },
  acquisition: AcquisitionParameters,
): StudyEvent | null {
  const inForce = context.protocol;
  if (!inForce) return null;
  const deviations = protocolDeviations(inForce.protocol, study.modality, acquisition);
  if (deviations.length === 0) return null;
  return {
    type: 'ProtocolDeviationFlagged',
    data: {
      ...inForce.scope,
      ...study,
      protocolVersion: inForce.protocolVersion,
      protocolName: inForce.protocol.name,
      deviations,
      flaggedAt: context.now.toISOString(),
    },
  };
}

/** Field by field, whatever order the keys were folded in (values are plain JSON). */
function sameAcquisition(a: AcquisitionParameters, b: AcquisitionParameters): boolean {
  const canonical = (v: unknown): string =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : Array.isArray(v)
        ? `[${v.map(canonical).join(',')}]`
        : JSON.stringify(v);
  return canonical(a) === canonical(b);
}

function evolve(state: StudyState, event: StudyEvent): StudyState {
  switch (event.type) {
    case 'ImagingStudyRegistered': {
      const d = event.data;
      const acquisition: AcquisitionParameters = {
        scanner: d.scanner,
        sliceThicknessMm: d.sliceThicknessMm,
        kvp: d.kvp,
        contrast: d.contrast,
        // Events written before the further parameters existed fold as none.
        ...NO_ACQUISITION_DETAILS,
        ...d.acquisition,
      };
      return {
        status: 'registered',
        studyInstanceUid: d.studyInstanceUid,
        subjectId: d.subjectId,
        modality: d.modality,
        occurredAt: d.occurredAt,
        siteId: d.siteId,
        acquisition,
        deviationOf: null,
      };
    }
    case 'AcquisitionParametersCorrected': {
      const d = event.data;
      if (state.status === 'none') return state;
      return { ...state, acquisition: { scanner: d.scanner, sliceThicknessMm: d.sliceThicknessMm, kvp: d.kvp, contrast: d.contrast, ...d.acquisition } };
    }
    case 'ProtocolDeviationFlagged':
      return state.status === 'none' ? state : { ...state, deviationOf: event.data.protocolVersion };
    case 'ProtocolDeviationResolved':
      return state.status === 'none' ? state : { ...state, deviationOf: null };
  }
}

/** The study's acquisition record as folded (for handlers that correct it, and for tests). */
export function studyAcquisition(state: StudyState): AcquisitionParameters | undefined {
  return state.status === 'none' ? undefined : state.acquisition;
}

export const studyDecider: Decider<StudyCommand, StudyEvent, StudyState, StudyDecisionContext> = {
  initialState: { status: 'none' },
  evolve,
  foldVersion: 'study/2',
  decide,
};
