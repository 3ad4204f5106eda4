/**
 * Imaging modalities as users name them (PET rather than DICOM's PT); shared by the biomarker catalogue and the
 * imaging study register so a biomarker's modality and a study's modality come from one list.
 */
export const IMAGING_MODALITIES = ['CT', 'MR', 'PET', 'SPECT', 'NM', 'MG', 'DBT', 'US', 'CR', 'DX', 'XA', 'OT'] as const;
export type ImagingModality = (typeof IMAGING_MODALITIES)[number];
