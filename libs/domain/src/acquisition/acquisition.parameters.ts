import { reject } from '../domain.errors.js';
import {
  InputErrors,
  MaxLength,
  optionalOneOf,
  optionalText,
  requireArray,
  requireNumberInRange,
  requireObject,
  requireText,
  requireUnique,
} from '../biomarker/input.guards.js';
import { AcquisitionErrors } from './acquisition.errors.js';
import { requireDicomUid } from '../study/dicom-uid.js';
import { CONTRAST_OPTIONS, type Contrast } from '../study/imaging.vocabulary.js';

/**
 * The phase of a contrast-enhanced acquisition (DICOM Contrast/Bolus timing as sites report it). Coded because
 * quantitative CT biomarkers (attenuation, radiomics texture) move with the phase: strata and protocols compare codes.
 */
export const CONTRAST_PHASES = ['none', 'arterial', 'portal_venous', 'delayed', 'unknown'] as const;
export type ContrastPhase = (typeof CONTRAST_PHASES)[number];

/**
 * Physical bounds of clinical scanners, checked on every input: a value outside is a unit or typing error (kVp
 * typed as kV·10, slice thickness in cm), not a protocol question. A protocol narrows these per trial.
 */
export const ACQUISITION_BOUNDS = {
  // Mammography runs at 22–35 kVp; every other modality with a tube (CT, radiography, fluoroscopy) at 40 or more.
  kvp: { min: 20, max: 150 },
  tubeCurrentMa: { min: 0, max: 2000, exclusiveMin: true },
  sliceThicknessMm: { min: 0, max: 20, exclusiveMin: true },
  pixelSpacingMm: { min: 0, max: 10, exclusiveMin: true },
  fieldStrengthT: { min: 0, max: 12, exclusiveMin: true },
} as const;
export type BoundedParameter = keyof typeof ACQUISITION_BOUNDS;

/** Parameters that may differ per series of one study (a study often holds a thin and a thick reconstruction). */
export interface SeriesAcquisition {
  readonly seriesInstanceUid: string;
  readonly seriesDescription: string | null;
  readonly sliceThicknessMm: number | null;
  readonly reconstructionKernel: string | null;
  readonly contrastPhase: ContrastPhase | null;
  /** Row and column spacing (DICOM Pixel Spacing 0028,0030), mm. */
  readonly pixelSpacingMm: readonly [number, number] | null;
}

/**
 * What ImagingStudyRegistered adds beyond its first fields (scanner manufacturer and model, slice thickness, kVp,
 * contrast agent). Events written before these existed have none: they fold as all-null.
 */
export interface AcquisitionDetails {
  readonly softwareVersion: string | null;
  readonly tubeCurrentMa: number | null;
  readonly reconstructionKernel: string | null;
  readonly contrastPhase: ContrastPhase | null;
  readonly pixelSpacingMm: readonly [number, number] | null;
  readonly fieldStrengthT: number | null;
  readonly protocolName: string | null;
  readonly series: readonly SeriesAcquisition[];
}

/** The full acquisition record of a study: what a correction replaces as a whole, and what a protocol is checked on. */
export interface AcquisitionParameters extends AcquisitionDetails {
  readonly scanner: { readonly manufacturer: string; readonly model: string };
  readonly sliceThicknessMm: number | null;
  readonly kvp: number | null;
  readonly contrast: Contrast | null;
}

export const NO_ACQUISITION_DETAILS: AcquisitionDetails = {
  softwareVersion: null,
  tubeCurrentMa: null,
  reconstructionKernel: null,
  contrastPhase: null,
  pixelSpacingMm: null,
  fieldStrengthT: null,
  protocolName: null,
  series: [],
};

/** The acquisition inputs of a command, as the client states them (all optional but the scanner). */
export interface AcquisitionInput {
  readonly scanner: { readonly manufacturer: string; readonly model: string; readonly softwareVersion?: string | null };
  readonly sliceThicknessMm?: number | null;
  readonly kvp?: number | null;
  readonly contrast?: Contrast | null;
  readonly tubeCurrentMa?: number | null;
  readonly reconstructionKernel?: string | null;
  readonly contrastPhase?: ContrastPhase | null;
  readonly pixelSpacingMm?: readonly number[] | null;
  readonly fieldStrengthT?: number | null;
  readonly protocolName?: string | null;
  readonly series?: readonly SeriesAcquisitionInput[] | null;
}
export interface SeriesAcquisitionInput {
  readonly seriesInstanceUid: string;
  readonly seriesDescription?: string | null;
  readonly sliceThicknessMm?: number | null;
  readonly reconstructionKernel?: string | null;
  readonly contrastPhase?: ContrastPhase | null;
  readonly pixelSpacingMm?: readonly number[] | null;
}

const MAX_SERIES = 200;

function bounded(value: unknown, parameter: BoundedParameter, field: string): number | null {
  if (value === undefined || value === null) return null;
  const b = ACQUISITION_BOUNDS[parameter];
  return requireNumberInRange(value, field, b.min, b.max, 'exclusiveMin' in b && b.exclusiveMin);
}

function pixelSpacing(value: unknown, field: string): readonly [number, number] | null {
  if (value === undefined || value === null) return null;
  const list = requireArray(value, field, 2, 2);
  return [bounded(list[0], 'pixelSpacingMm', `${field}.0`)!, bounded(list[1], 'pixelSpacingMm', `${field}.1`)!];
}

function kernel(value: unknown, field: string): string | null {
  return optionalText(value, field, MaxLength.code);
}

/** Checks and normalises the acquisition inputs; the field paths are those of the command (`scanner.softwareVersion`, `series.0.sliceThicknessMm`). */
export function acquisitionParameters(input: AcquisitionInput, prefix = ''): AcquisitionParameters {
  const scanner = requireObject(input.scanner, `${prefix}scanner`);
  const series = input.series === undefined || input.series === null ? [] : requireArray(input.series, `${prefix}series`, 0, MAX_SERIES);
  const parsedSeries = series.map((raw, i): SeriesAcquisition => {
    const f = `${prefix}series.${i}`;
    const s = requireObject(raw, f);
    return {
      seriesInstanceUid: requireDicomUid(s['seriesInstanceUid'], `${f}.seriesInstanceUid`),
      seriesDescription: optionalText(s['seriesDescription'], `${f}.seriesDescription`, MaxLength.name),
      sliceThicknessMm: bounded(s['sliceThicknessMm'], 'sliceThicknessMm', `${f}.sliceThicknessMm`),
      reconstructionKernel: kernel(s['reconstructionKernel'], `${f}.reconstructionKernel`),
      contrastPhase: optionalOneOf(s['contrastPhase'], CONTRAST_PHASES, `${f}.contrastPhase`),
      pixelSpacingMm: pixelSpacing(s['pixelSpacingMm'], `${f}.pixelSpacingMm`),
    };
  });
  requireUnique(
    parsedSeries.map((s) => s.seriesInstanceUid),
    `${prefix}series`,
  );
  const fieldStrengthT = bounded(input.fieldStrengthT, 'fieldStrengthT', `${prefix}fieldStrengthT`);
  return {
    scanner: {
      manufacturer: requireText(scanner['manufacturer'], `${prefix}scanner.manufacturer`, MaxLength.name),
      model: requireText(scanner['model'], `${prefix}scanner.model`, MaxLength.name),
    },
    softwareVersion: optionalText(scanner['softwareVersion'], `${prefix}scanner.softwareVersion`, MaxLength.code),
    sliceThicknessMm: bounded(input.sliceThicknessMm, 'sliceThicknessMm', `${prefix}sliceThicknessMm`),
    kvp: bounded(input.kvp, 'kvp', `${prefix}kvp`),
    contrast: optionalOneOf(input.contrast, CONTRAST_OPTIONS, `${prefix}contrast`),
    tubeCurrentMa: bounded(input.tubeCurrentMa, 'tubeCurrentMa', `${prefix}tubeCurrentMa`),
    reconstructionKernel: kernel(input.reconstructionKernel, `${prefix}reconstructionKernel`),
    contrastPhase: optionalOneOf(input.contrastPhase, CONTRAST_PHASES, `${prefix}contrastPhase`),
    pixelSpacingMm: pixelSpacing(input.pixelSpacingMm, `${prefix}pixelSpacingMm`),
    fieldStrengthT,
    protocolName: optionalText(input.protocolName, `${prefix}protocolName`, MaxLength.name),
    series: parsedSeries,
  };
}

/** Low-kV mammography is the only modality below 40 kVp; CT runs from 70 (paediatric) to 140. */
export const CT_MIN_KVP = 40;

/**
 * Parameters that do not fit the study's modality: a field strength belongs to MR, a CT below 40 kVp is a typing
 * error. Either is a mix-up, refused rather than stored.
 */
export function requireModalityFit(parameters: AcquisitionParameters, modality: string, prefix = ''): void {
  if (parameters.fieldStrengthT !== null && modality !== 'MR')
    reject(AcquisitionErrors.PARAMETER_NOT_FOR_MODALITY, `${prefix}fieldStrengthT`, `fieldStrengthT applies to MR studies only, not ${modality}`);
  if (modality === 'CT' && parameters.kvp !== null && parameters.kvp < CT_MIN_KVP)
    reject(InputErrors.OUT_OF_RANGE, `${prefix}kvp`, `kvp of a CT must be at least ${CT_MIN_KVP} and at most ${ACQUISITION_BOUNDS.kvp.max}`, {
      min: CT_MIN_KVP,
      max: ACQUISITION_BOUNDS.kvp.max,
    });
}

export function acquisitionDetails(p: AcquisitionParameters): AcquisitionDetails {
  const { softwareVersion, tubeCurrentMa, reconstructionKernel, contrastPhase, pixelSpacingMm, fieldStrengthT, protocolName, series } = p;
  return { softwareVersion, tubeCurrentMa, reconstructionKernel, contrastPhase, pixelSpacingMm, fieldStrengthT, protocolName, series };
}
