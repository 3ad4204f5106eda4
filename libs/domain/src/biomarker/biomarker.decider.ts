import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import { IMAGING_MODALITIES } from '../study/imaging.vocabulary.js';
import type { BiomarkerCommand, BiomarkerSpecInput } from './biomarker.commands.js';
import { BiomarkerErrors } from './biomarker.errors.js';
import type { BiomarkerCodedConcept, BiomarkerEvent, BiomarkerSpec, BiomarkerValueType } from './biomarker.events.js';
import { requireUcumUnit } from './biomarker.units.js';
import {
  InputErrors,
  MaxLength,
  optionalText,
  requireArray,
  requireFiniteNumber,
  requireId,
  requireInteger,
  requireNumberInRange,
  requireObject,
  requireOneOf,
  requireReason,
  requireText,
  requireUnique,
} from './input.guards.js';

export type BiomarkerState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'retired';
      readonly biomarkerId: string;
      readonly code: string;
      readonly currentVersion: number;
      readonly versions: Readonly<Record<number, BiomarkerSpec>>;
    };

export type BiomarkerDecisionContext = CommandMeta;

/** What a measurement decision needs to know about its biomarker; derive it with `biomarkerFacts(state)`. */
export interface BiomarkerFacts {
  readonly biomarkerId: string;
  readonly code: string;
  readonly status: 'active' | 'retired';
  readonly currentVersion: number;
  readonly versions: Readonly<Record<number, BiomarkerSpec>>;
}

export function biomarkerFacts(state: BiomarkerState): BiomarkerFacts | undefined {
  if (state.status === 'none') return undefined;
  return { biomarkerId: state.biomarkerId, code: state.code, status: state.status, currentVersion: state.currentVersion, versions: state.versions };
}

const CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,63}$/;

/** Stream that reserves a biomarker code so two definitions cannot share one (the handler appends with no_stream). */
export function biomarkerCodeStreamId(code: string): string {
  return `biomarkercode-${code.trim().toUpperCase()}`;
}

export function biomarkerStreamId(biomarkerId: string): string {
  return `biomarker-${biomarkerId}`;
}

const MAX_CATEGORIES = 100;

function parseValueType(input: unknown): BiomarkerValueType {
  const vt = requireObject(input, 'valueType');
  const kind = requireOneOf(vt['kind'], ['quantitative', 'categorical'] as const, 'valueType.kind');
  if (kind === 'quantitative') {
    const unit = requireUcumUnit(vt['unit'], 'valueType.unit');
    const range = requireObject(vt['plausibleRange'], 'valueType.plausibleRange');
    const min = requireFiniteNumber(range['min'], 'valueType.plausibleRange.min');
    const max = requireFiniteNumber(range['max'], 'valueType.plausibleRange.max');
    if (!(min < max)) reject(BiomarkerErrors.INVALID_PLAUSIBLE_RANGE, 'valueType.plausibleRange', 'The plausible range needs min < max', { min, max });
    return { kind, unit, plausibleRange: { min, max } };
  }
  const categories = requireArray(vt['categories'], 'valueType.categories', 2, MAX_CATEGORIES).map((c, i) =>
    requireText(c, `valueType.categories.${i}`, MaxLength.code),
  );
  requireUnique(categories, 'valueType.categories', BiomarkerErrors.DUPLICATE_CATEGORY);
  return { kind, categories };
}

const MAX_CODED_CONCEPTS = 20;
/** A DICOM Coding Scheme Designator (DCM, SCT, LN, RADLEX, 99LOCAL…) or a system URI: no spaces, no control characters. */
const SCHEME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/#%~+-]*$/;
/** The catalogue's own codes travel as scheme REGISTRY in the interop model; a coded concept may not claim it. */
export const REGISTRY_CONCEPT_SCHEME = 'REGISTRY';

/** The key one coded concept is unique by across the catalogue (scheme and value are case-sensitive, as in DICOM and FHIR). */
export function codedConceptKey(concept: { readonly scheme: string; readonly value: string }): string {
  return `${concept.scheme}|${concept.value}`;
}

function parseCodedConcepts(input: unknown): BiomarkerCodedConcept[] {
  const list = requireArray(input, 'codedConcepts', 0, MAX_CODED_CONCEPTS);
  const concepts = list.map((raw, i): BiomarkerCodedConcept => {
    const c = requireObject(raw, `codedConcepts.${i}`);
    const scheme = requireText(c['scheme'], `codedConcepts.${i}.scheme`, MaxLength.name);
    if (!SCHEME_PATTERN.test(scheme))
      reject(
        BiomarkerErrors.INVALID_CODE_SCHEME,
        `codedConcepts.${i}.scheme`,
        'A coding scheme is a designator (DCM, SCT, LN, RADLEX) or a URI, without spaces',
      );
    if (scheme === REGISTRY_CONCEPT_SCHEME)
      reject(
        BiomarkerErrors.INVALID_CODE_SCHEME,
        `codedConcepts.${i}.scheme`,
        `${REGISTRY_CONCEPT_SCHEME} is the catalogue's own code (the biomarker's code), not a coded concept`,
      );
    return {
      scheme,
      value: requireText(c['value'], `codedConcepts.${i}.value`, MaxLength.name),
      meaning: requireText(c['meaning'], `codedConcepts.${i}.meaning`, MaxLength.name),
    };
  });
  requireUnique(concepts.map(codedConceptKey), 'codedConcepts', BiomarkerErrors.DUPLICATE_CODED_CONCEPT);
  return concepts;
}

function parseSpec(input: BiomarkerSpecInput, current: readonly BiomarkerCodedConcept[] = []): BiomarkerSpec {
  const wcv = input.repeatabilityWcv;
  return {
    name: requireText(input.name, 'name', MaxLength.name),
    description: optionalText(input.description, 'description', MaxLength.text, { multiline: true }),
    modality: requireOneOf(input.modality, IMAGING_MODALITIES, 'modality'),
    bodySite: optionalText(input.bodySite, 'bodySite', MaxLength.name),
    valueType: parseValueType(input.valueType),
    // A wCV is a fraction; above 1 (100 %) the "biomarker" carries no usable signal and the input is surely a percentage typo.
    repeatabilityWcv: wcv === undefined || wcv === null ? null : requireNumberInRange(wcv, 'repeatabilityWcv', 0, 1, true),
    codedConcepts: input.codedConcepts === undefined || input.codedConcepts === null ? [...current] : parseCodedConcepts(input.codedConcepts),
  };
}

function decide(command: BiomarkerCommand, state: BiomarkerState, context: BiomarkerDecisionContext): BiomarkerEvent[] {
  const at = context.now.toISOString();
  switch (command.type) {
    case 'DefineBiomarker': {
      const biomarkerId = requireId(command.biomarkerId, 'biomarkerId');
      if (state.status !== 'none') reject(BiomarkerErrors.BIOMARKER_ALREADY_DEFINED, 'biomarkerId', `Biomarker ${biomarkerId} is already defined`);
      const code = requireText(command.code, 'code', MaxLength.code);
      if (!CODE_PATTERN.test(code))
        reject(BiomarkerErrors.INVALID_BIOMARKER_CODE, 'code', 'A biomarker code is upper case letters, digits and _ (e.g. SMA_L3)');
      return [{ type: 'BiomarkerDefined', data: { biomarkerId, code, version: 1, ...parseSpec(command), definedAt: at } }];
    }
    case 'ReviseBiomarker': {
      if (state.status === 'none') reject(BiomarkerErrors.BIOMARKER_NOT_FOUND, 'biomarkerId', 'No such biomarker');
      if (state.status === 'retired') reject(BiomarkerErrors.BIOMARKER_RETIRED, 'biomarkerId', 'A retired biomarker cannot be revised');
      const version = requireInteger(command.version, 'version', 2, 10_000);
      if (version !== state.currentVersion + 1) {
        reject(BiomarkerErrors.INVALID_VERSION_NUMBER, 'version', `The next version is ${state.currentVersion + 1}`, { currentVersion: state.currentVersion });
      }
      const reason = requireReason(command.reason);
      const currentConcepts = state.versions[state.currentVersion]?.codedConcepts ?? [];
      return [{ type: 'BiomarkerRevised', data: { biomarkerId: state.biomarkerId, version, ...parseSpec(command, currentConcepts), reason, revisedAt: at } }];
    }
    case 'RetireBiomarker': {
      if (state.status === 'none') reject(BiomarkerErrors.BIOMARKER_NOT_FOUND, 'biomarkerId', 'No such biomarker');
      if (state.status === 'retired') reject(BiomarkerErrors.BIOMARKER_RETIRED, 'biomarkerId', 'The biomarker is already retired');
      const reason = requireReason(command.reason);
      return [{ type: 'BiomarkerRetired', data: { biomarkerId: state.biomarkerId, reason, retiredAt: at } }];
    }
    default:
      return reject(InputErrors.INVALID_ENUM_VALUE, 'type', `Unknown biomarker command ${(command as { type?: unknown }).type as string}`);
  }
}

function specOf(data: BiomarkerSpec): BiomarkerSpec {
  const { name, description, modality, bodySite, valueType, repeatabilityWcv } = data;
  // Events from before coded concepts existed carry none.
  return { name, description, modality, bodySite, valueType, repeatabilityWcv, codedConcepts: data.codedConcepts ?? [] };
}

/** The coded concepts of a biomarker's current version (none for an undefined biomarker). */
export function currentCodedConcepts(state: BiomarkerState): readonly BiomarkerCodedConcept[] {
  if (state.status === 'none') return [];
  return state.versions[state.currentVersion]?.codedConcepts ?? [];
}

function evolve(state: BiomarkerState, event: BiomarkerEvent): BiomarkerState {
  switch (event.type) {
    case 'BiomarkerDefined':
      return { status: 'active', biomarkerId: event.data.biomarkerId, code: event.data.code, currentVersion: 1, versions: { 1: specOf(event.data) } };
    case 'BiomarkerRevised':
      if (state.status === 'none') return state;
      return { ...state, currentVersion: event.data.version, versions: { ...state.versions, [event.data.version]: specOf(event.data) } };
    case 'BiomarkerRetired':
      if (state.status === 'none') return state;
      return { ...state, status: 'retired' };
    default:
      return state;
  }
}

export const biomarkerDecider: Decider<BiomarkerCommand, BiomarkerEvent, BiomarkerState, BiomarkerDecisionContext> = {
  initialState: { status: 'none' },
  evolve,
  foldVersion: 'biomarker/2',
  decide,
};
