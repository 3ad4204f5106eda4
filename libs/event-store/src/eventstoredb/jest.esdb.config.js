// Jest configuration for `npm run test:eventstoredb`: the shared event-store contract suite against a live
// EventStoreDB / KurrentDB server (EVENTSTORE_CONNECTION_STRING). It reuses the root configuration's
// transform and module mapping, runs only *.esdb-spec.ts files, and has no global setup: it needs no
// embedded PostgreSQL. Kept out of `npm test` because no EventStoreDB server can be installed on the
// development and CI machines.
import { fileURLToPath } from 'node:url';
import root from '../../../../jest.config.js';

const rootDir = fileURLToPath(new URL('../../../../', import.meta.url));
const { displayName: _unused, testMatch: _unusedToo, ...shared } = root.projects[0];

export default {
  ...shared,
  rootDir,
  displayName: 'eventstoredb',
  testMatch: ['<rootDir>/libs/**/*.esdb-spec.ts'],
  testTimeout: 60000,
};
