// Jest configuration for `npm run test:console`: the web console in headless Chromium (Debian's `chromium`, driven by
// playwright-core) against the registry on a throwaway embedded PostgreSQL. Kept out of `npm test` because a fresh
// CI machine has no browser (.ci/run installs one, as for test:plots) and because it builds the console first.
import { separateSuite } from '../../jest.config.js';

export default separateSuite({
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  displayName: 'console',
  testMatch: ['<rootDir>/test/console/**/*.chromium-spec.ts'],
  testTimeout: 180000,
});
