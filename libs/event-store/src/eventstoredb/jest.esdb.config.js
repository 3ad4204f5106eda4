// Jest configuration for `npm run test:eventstoredb`: the shared event-store contract suite against a live
// EventStoreDB / KurrentDB server (EVENTSTORE_CONNECTION_STRING). It runs only *.esdb-spec.ts files and has no
// global setup: it needs no embedded PostgreSQL. Kept out of `npm test` because no EventStoreDB server can be
// installed on the development and CI machines.
import { separateSuite } from '../../../../jest.config.js';

export default separateSuite({
  displayName: 'eventstoredb',
  testMatch: ['<rootDir>/libs/**/*.esdb-spec.ts'],
  testTimeout: 60000,
});
