import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import {
  InputErrors,
  MaxLength,
  optionalId,
  optionalOneOf,
  parseClinicalDate,
  requireId,
  requireNotInFuture,
  requireNumberInRange,
  requireObject,
  requireOneOf,
  requireText,
} from '../biomarker/input.guards.js';
import { requireDicomUid } from './dicom-uid.js';
import { IMAGING_MODALITIES, type ImagingModality } from './imaging.vocabulary.js';
import type { StudyCommand } from './study.commands.js';
import { StudyErrors } from './study.errors.js';
import { CONTRAST_OPTIONS, type StudyEvent } from './study.events.js';

export type StudyState =
  | { readonly status: 'none' }
  | {
      readonly status: 'registered';
      readonly studyInstanceUid: string;
      readonly subjectId: string | null;
      readonly modality: ImagingModality;
      readonly occurredAt: string;
      readonly siteId: string;
    };

export type StudyDecisionContext = CommandMeta;

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
  if (command.type !== 'RegisterImagingStudy') {
    return reject(InputErrors.INVALID_ENUM_VALUE, 'type', `Unknown study command ${(command as { type?: unknown }).type as string}`);
  }
  const studyInstanceUid = requireDicomUid(command.studyInstanceUid, 'studyInstanceUid');
  if (state.status !== 'none') reject(StudyErrors.DUPLICATE_STUDY_UID, 'studyInstanceUid', `Study ${studyInstanceUid} is already registered`);
  const acquired = requireNotInFuture(
    parseClinicalDate(command.acquisitionDateTime, 'acquisitionDateTime', { allowDateTime: true }),
    context.now,
    'acquisitionDateTime',
  );
  const scanner = requireObject(command.scanner, 'scanner');
  return [
    {
      type: 'ImagingStudyRegistered',
      data: {
        studyInstanceUid,
        subjectId: optionalId(command.subjectId, 'subjectId'),
        modality: requireOneOf(command.modality, IMAGING_MODALITIES, 'modality'),
        occurredAt: acquired.iso,
        siteId: requireId(command.siteId, 'siteId'),
        scanner: {
          manufacturer: requireText(scanner['manufacturer'], 'scanner.manufacturer', MaxLength.name),
          model: requireText(scanner['model'], 'scanner.model', MaxLength.name),
        },
        // Physical bounds of clinical scanners: anything outside is a unit or typing error, not a protocol.
        sliceThicknessMm:
          command.sliceThicknessMm === undefined || command.sliceThicknessMm === null
            ? null
            : requireNumberInRange(command.sliceThicknessMm, 'sliceThicknessMm', 0, 50, true),
        kvp: command.kvp === undefined || command.kvp === null ? null : requireNumberInRange(command.kvp, 'kvp', 20, 200),
        contrast: optionalOneOf(command.contrast, CONTRAST_OPTIONS, 'contrast'),
      },
    },
  ];
}

function evolve(state: StudyState, event: StudyEvent): StudyState {
  if (event.type !== 'ImagingStudyRegistered') return state;
  const { studyInstanceUid, subjectId, modality, occurredAt, siteId } = event.data;
  return { status: 'registered', studyInstanceUid, subjectId, modality, occurredAt, siteId };
}

export const studyDecider: Decider<StudyCommand, StudyEvent, StudyState, StudyDecisionContext> = {
  initialState: { status: 'none' },
  evolve,
  foldVersion: 'study/1',
  decide,
};
