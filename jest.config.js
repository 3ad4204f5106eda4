import { fileURLToPath, URL } from 'node:url';

// Jest runs in ESM mode because NestJS 12 ships ES modules only (architecture.md §9).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^#(event-store|domain|read-model|biostat|runtime|projections|interop)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

/**
 * A suite kept out of `npm test` (its own npm script and config file): the same transform and module mapping,
 * run from the repository root.
 */
export function separateSuite(options) {
  return { ...shared, rootDir: fileURLToPath(new URL('.', import.meta.url)), ...options };
}

export default {
  ...shared,
  rootDir: '.',
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{libs,services,migrations,test}/**/*.unit.spec.ts'] },
    { ...shared, displayName: 'int', testMatch: ['<rootDir>/{libs,services,migrations,test}/**/*.int.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/{libs,services,migrations,test}/**/*.e2e.spec.ts'] },
  ],
};
