/**
 * Imaging modalities as users name them (PET rather than DICOM's PT); shared by the biomarker catalogue and the
 * imaging study register so a biomarker's modality and a study's modality come from one list.
 */
export const IMAGING_MODALITIES = ['CT', 'MR', 'PET', 'SPECT', 'NM', 'MG', 'DBT', 'US', 'CR', 'DX', 'XA', 'OT'] as const;
export type ImagingModality = (typeof IMAGING_MODALITIES)[number];

/** The contrast agent given (the route); the phase of the acquisition is ContrastPhase (acquisition.parameters.ts). */
export const CONTRAST_OPTIONS = ['none', 'iv', 'oral', 'iv_and_oral', 'other'] as const;
export type Contrast = (typeof CONTRAST_OPTIONS)[number];
