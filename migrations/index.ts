import { eventStoreMigrations } from './event-store.js';
import { ReadModelBase1764230100000 } from './1764230100000-read-model-base.js';
import { AuditPrivacy1764240000000 } from './1764240000000-audit-privacy.js';
import { ReadModels1764250000000 } from './1764250000000-read-models.js';
import { PrivacyErasure1764270000000 } from './1764270000000-privacy-erasure.js';
import { MeasurementAnalysisIndex1764290000000 } from './1764290000000-measurement-analysis-index.js';
import { MeasurementSubjectColumns1764310000000 } from './1764310000000-measurement-subject-columns.js';
import { PrivacyKeyRing1764410000000 } from './1764410000000-privacy-key-ring.js';
import { AuditStreamMembership1764420000000 } from './1764420000000-audit-stream-membership.js';
import { AlgorithmScoreRange1764450000000 } from './1764450000000-algorithm-score-range.js';
import { LeastPrivilege1764470000000 } from './1764470000000-least-privilege.js';
import { ProgrammeQueryIndexes1765300000000 } from './1765300000000-programme-query-indexes.js';
import { BiomarkerCodedConcepts1765405000000 } from './1765405000000-biomarker-coded-concepts.js';
import { AnalysisSnapshots1765410000000 } from './1765410000000-analysis-snapshots.js';
import { DataQuality1765540000000 } from './1765540000000-data-quality.js';
import { ConsoleLists1765710000000 } from './1765710000000-console-lists.js';
import { AcquisitionMetadata1765730000000 } from './1765730000000-acquisition-metadata.js';
import { ExportJobs1765760000000 } from './1765760000000-export-jobs.js';

const byTimestamp = (a: { name: string }, b: { name: string }): number => Number(a.name.slice(-13)) - Number(b.name.slice(-13));

/**
 * Every migration, in order. New migrations are added here and committed; `synchronize` stays off. The event store's
 * own schema steps come from its adapter (event-store.ts) and are sorted in by timestamp.
 */
export const migrations = [
  ...eventStoreMigrations,
  ReadModelBase1764230100000,
  AuditPrivacy1764240000000,
  ReadModels1764250000000,
  PrivacyErasure1764270000000,
  MeasurementAnalysisIndex1764290000000,
  MeasurementSubjectColumns1764310000000,
  PrivacyKeyRing1764410000000,
  AuditStreamMembership1764420000000,
  AlgorithmScoreRange1764450000000,
  LeastPrivilege1764470000000,
  ProgrammeQueryIndexes1765300000000,
  BiomarkerCodedConcepts1765405000000,
  AnalysisSnapshots1765410000000,
  DataQuality1765540000000,
  ConsoleLists1765710000000,
  AcquisitionMetadata1765730000000,
  ExportJobs1765760000000,
].sort(byTimestamp);

/** With EVENT_STORE_URL, the read-model database runs these and the event store's database the event store's steps. */
export const readModelMigrations = migrations.filter((m) => !(eventStoreMigrations as readonly unknown[]).includes(m));

export { eventStoreMigrations };
