// Jest configuration for `npm run test:faults`: the fault suite boots the real registry as child processes and
// kills them and their databases under write load (a few minutes), so it stays out of `npm test`; `.ci/run` runs it.
// Each spec starts its own PostgreSQL servers on free ports: no global setup, and the files run one at a time.
import { separateSuite } from '../../jest.config.js';

export default separateSuite({
  displayName: 'faults',
  testMatch: ['<rootDir>/test/faults/**/*.faults.spec.ts'],
  testTimeout: 300000,
  maxWorkers: 1,
});
