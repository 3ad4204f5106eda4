// Jest configuration for `npm run test:ha`: a real three-node Patroni + etcd + HAProxy cluster (infra/ha/ha.mjs,
// Debian's patroni, etcd-server, haproxy and postgresql-15), the registry against it, and failovers under write
// load (a few minutes), so it stays out of `npm test`; `.ci/run` runs it where those packages can be installed.
// The spec starts its own cluster on HA_BASE_PORT (default 56600) and its API on HA_BASE_PORT + 50.
import { separateSuite } from '../../jest.config.js';

export default separateSuite({
  displayName: 'ha',
  testMatch: ['<rootDir>/test/ha/**/*.ha.spec.ts'],
  testTimeout: 300000,
  maxWorkers: 1,
});
