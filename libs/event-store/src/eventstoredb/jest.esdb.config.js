// Jest configuration for `npm run test:eventstoredb`: the shared event-store contract suite against a live
// EventStoreDB / KurrentDB server (EVENTSTORE_CONNECTION_STRING). It reuses the root configuration's
// transform and module mapping, runs only *.esdb-spec.ts files, and has no global setup: it needs no
// embedded PostgreSQL. Kept out of `npm test` because no EventStoreDB server can be installed on the
// development and CI machines.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import root from '../../../../jest.config.js';

const rootDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const { extensionsToTreatAsEsm, transform, moduleNameMapper, testEnvironment } = root.projects[0];

export default {
  extensionsToTreatAsEsm,
  transform,
  moduleNameMapper,
  testEnvironment,
  rootDir,
  displayName: 'eventstoredb',
  testMatch: ['<rootDir>/libs/**/*.esdb-spec.ts'],
  testTimeout: 60000,
};
