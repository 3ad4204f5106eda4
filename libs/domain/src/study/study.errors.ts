export const StudyErrors = {
  INVALID_DICOM_UID: 'INVALID_DICOM_UID',
  DUPLICATE_STUDY_UID: 'DUPLICATE_STUDY_UID',
  STUDY_NOT_FOUND: 'STUDY_NOT_FOUND',
} as const;
export type StudyErrorCode = (typeof StudyErrors)[keyof typeof StudyErrors];
