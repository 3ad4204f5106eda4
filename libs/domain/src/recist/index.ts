/** RECIST 1.1 response assessment and its SDTM (TR/RS) rows; pure, no framework or database imports. */
export {
  RECIST_LIMITS,
  assessRecist,
  type LesionRole,
  type NewLesionRecord,
  type NonTargetResponse,
  type NonTargetStatus,
  type OverallResponse,
  type RecistInput,
  type RecistLesion,
  type RecistOptions,
  type RecistResult,
  type RecistTimePoint,
  type RecistTimePointResult,
  type TargetResponse,
} from './recist.engine.js';
export { toSdtm, type RsRow, type SdtmOptions, type TrRow } from './recist.sdtm.js';
export * from './reading-selection.js';
export {
  RECIST_TEST_CODES,
  recistFromReadings,
  recistSource,
  recistTestCode,
  type LesionReading,
  type RecistAssessmentInput,
  type RecistMappingOptions,
  type RecistReadingUsed,
  type RecistSource,
  type RecistTestCode,
} from './recist.mapping.js';
