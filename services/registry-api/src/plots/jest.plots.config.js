// Jest configuration for `npm run test:plots`: renders every plot in headless Chromium (Debian's `chromium`)
// and checks the pictures are not blank. Kept out of `npm test` because a fresh CI machine has no browser;
// the SVG structure itself is unit-tested in plots.unit.spec.ts, which `npm test` runs.
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
  displayName: 'plots',
  testMatch: ['<rootDir>/services/registry-api/src/plots/**/*.chromium-spec.ts'],
  testTimeout: 120000,
};
