// Jest configuration for `npm run test:plots`: renders every plot in headless Chromium (Debian's `chromium`)
// and checks the pictures are not blank. Kept out of `npm test` because a fresh CI machine has no browser;
// the SVG structure itself is unit-tested in plots.unit.spec.ts, which `npm test` runs.
import { separateSuite } from '../../../../jest.config.js';

export default separateSuite({
  // The GraphiQL check boots the registry, so browser checks get the same throwaway PostgreSQL as npm test.
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  displayName: 'plots',
  testMatch: ['<rootDir>/services/registry-api/src/**/*.chromium-spec.ts'],
  testTimeout: 120000,
});
