import { reject } from '../domain.errors.js';
import { MaxLength, optionalText, requireBoolean, requireObject, requireOneOf, requireText } from '../biomarker/input.guards.js';
import { SubjectErrors } from './subject.errors.js';

/** How the region a value was computed on was delineated (independent of who read the value: a manual ROI can feed radiomics software). */
export const SEGMENTATION_METHODS = ['manual', 'semi_automatic', 'ai'] as const;
export type SegmentationMethod = (typeof SEGMENTATION_METHODS)[number];

/**
 * Harmonisation applied to the value after extraction. `combat` (Johnson et al. 2007, Fortin et al. 2018) and its
 * variants align feature distributions across batches (scanners, sites) to a reference batch.
 */
export const HARMONISATION_METHODS = ['combat', 'neurocombat', 'longcombat', 'other'] as const;
export type HarmonisationMethod = (typeof HARMONISATION_METHODS)[number];

/**
 * How a measurement was extracted: the software and its version (radiomics features differ between packages and
 * versions), whether the software states IBSI compliance for the feature, the segmentation, and any harmonisation.
 * Each part is optional; a measurement recorded without any carries none (older events too).
 */
export interface ExtractionMethod {
  readonly software: { readonly name: string; readonly version: string } | null;
  /** Image Biomarker Standardisation Initiative compliance of the feature's computation, as the software declares it. */
  readonly ibsiCompliant: boolean | null;
  readonly segmentation: { readonly method: SegmentationMethod; readonly algorithm: string | null; readonly algorithmVersion: string | null } | null;
  readonly harmonisation: { readonly method: HarmonisationMethod; readonly referenceBatch: string | null } | null;
}

export interface ExtractionMethodInput {
  readonly software?: { readonly name: string; readonly version: string } | null;
  readonly ibsiCompliant?: boolean | null;
  readonly segmentation?: { readonly method: SegmentationMethod; readonly algorithm?: string | null; readonly algorithmVersion?: string | null } | null;
  readonly harmonisation?: { readonly method: HarmonisationMethod; readonly referenceBatch?: string | null } | null;
}

/** Checks the extraction method; null when absent or empty (nothing stated is the same as none). */
export function extractionMethod(value: unknown, field = 'extraction'): ExtractionMethod | null {
  if (value === undefined || value === null) return null;
  const e = requireObject(value, field);
  const software = e['software'] == null ? null : requireObject(e['software'], `${field}.software`);
  const segmentation = e['segmentation'] == null ? null : requireObject(e['segmentation'], `${field}.segmentation`);
  const harmonisation = e['harmonisation'] == null ? null : requireObject(e['harmonisation'], `${field}.harmonisation`);
  const out: ExtractionMethod = {
    software: software && {
      name: requireText(software['name'], `${field}.software.name`, MaxLength.name),
      version: requireText(software['version'], `${field}.software.version`, MaxLength.code),
    },
    ibsiCompliant: e['ibsiCompliant'] == null ? null : requireBoolean(e['ibsiCompliant'], `${field}.ibsiCompliant`),
    segmentation: segmentation && {
      method: requireOneOf(segmentation['method'], SEGMENTATION_METHODS, `${field}.segmentation.method`),
      algorithm: optionalText(segmentation['algorithm'], `${field}.segmentation.algorithm`, MaxLength.name),
      algorithmVersion: optionalText(segmentation['algorithmVersion'], `${field}.segmentation.algorithmVersion`, MaxLength.code),
    },
    harmonisation: harmonisation && {
      method: requireOneOf(harmonisation['method'], HARMONISATION_METHODS, `${field}.harmonisation.method`),
      referenceBatch: optionalText(harmonisation['referenceBatch'], `${field}.harmonisation.referenceBatch`, MaxLength.name),
    },
  };
  // An AI segmentation is only traceable with the model that drew it (the AI Act's logging asks the same of outputs).
  if (out.segmentation?.method === 'ai' && (out.segmentation.algorithm === null || out.segmentation.algorithmVersion === null))
    reject(SubjectErrors.ALGORITHM_REQUIRED, `${field}.segmentation.algorithmVersion`, 'An AI segmentation names its algorithm and version');
  // An IBSI claim is about a software's feature computation: without the software it cannot be checked.
  if (out.ibsiCompliant !== null && out.software === null)
    reject(SubjectErrors.EXTRACTION_SOFTWARE_REQUIRED, `${field}.software`, 'An IBSI compliance flag needs the extraction software and version');
  const empty = out.software === null && out.ibsiCompliant === null && out.segmentation === null && out.harmonisation === null;
  return empty ? null : out;
}
