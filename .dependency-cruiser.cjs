// The walls between the rooms of the registry, checked by `npm run deps:check` (part of `npm test`).
// The rules say how the code must be, and the tree keeps them: there is no baseline of tolerated violations
// (dependency-cruiser's `--ignore-known`); a new violation is fixed in the import, not listed.
//
// A CommonJS file because dependency-cruiser loads its configuration with `require`; the project itself is ESM.
//
// Production code is everything in services/, libs/, migrations/ and graphql/ except tests (`*.spec.ts`, and
// the `*.esdb-spec.ts` / `*.chromium-spec.ts` suites outside `npm test`) and the `testing/` fixture folders.
const TEST_FILE = '\\.(spec|[a-z]+-spec)\\.ts$';
const TESTING_FOLDER = '(^|/)testing/';
const TEST_TREE = '^test/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No module reaches itself through its imports (type-only imports included): a circle means two modules are one room in two files, ' +
        'and at run time it is an import-order bug waiting to happen. Break it by moving what both need into a third module.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'libs-never-import-services',
      severity: 'error',
      comment: 'Libraries are shared by the deployables; a library that imports a service drags that service into every other one.',
      from: { path: '^libs/' },
      to: { path: '^services/' },
    },
    {
      name: 'services-never-import-each-other',
      severity: 'error',
      comment: 'A deployable uses another only through the event log or the read models; code both need lives in libs/ (e.g. libs/runtime).',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'migrations-import-no-service',
      severity: 'error',
      comment: 'The migration runner is its own deployable: it may use libs/, never a service.',
      from: { path: '^migrations/' },
      to: { path: '^services/' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'libs/domain (deciders, evolve, value rules) imports only itself and pure packages listed here: no framework, database, ' +
        'transport, I/O or other layer. This rule is the one source of truth for the purity of the domain (an allowlist; ' +
        'it replaced the no-restricted-imports denylist in eslint.config.js). Add a package here only if it does no I/O and owns no clock.',
      from: { path: '^libs/domain/' },
      to: {
        // @jest/globals: for the domain's spec files and testing/ helpers (production-never-imports-dev-dependencies
        // keeps it out of the rest). json-logic-js: data-quality rule expressions (pure evaluation, no I/O, no clock).
        pathNot: ['^libs/domain/', '^node_modules/@lhncbc/ucum-lhc/', '^node_modules/@jest/globals/', '^node_modules/json-logic-js/'],
      },
    },
    {
      name: 'production-never-imports-test-fixtures',
      severity: 'error',
      comment:
        'testing/ folders and test/ hold fixtures, synthetic data sets and contract suites: they are not in the production build ' +
        '(tsconfig.build.json excludes them), so production code that imports them would not run. Benches and seed scripts under test/ may.',
      from: { path: '^(services|libs|migrations|graphql)/', pathNot: [TEST_FILE, TESTING_FOLDER] },
      to: { path: [TESTING_FOLDER, TEST_TREE, TEST_FILE] },
    },
    {
      name: 'production-never-imports-dev-dependencies',
      severity: 'error',
      comment: 'The container image installs dependencies without devDependencies: production code that imports one fails at start.',
      // The console's Vite configuration runs only in the image's build stage (npm run build), never at start.
      from: { path: '^(services|libs|migrations|graphql)/', pathNot: [TEST_FILE, TESTING_FOLDER, '^services/registry-console/vite\\.config\\.ts$'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (also #event-store, #domain, #read-model, #biostat): an import the checker cannot follow is a wall it cannot see.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.data|coverage)/' },
    // Type-only imports count: the walls are about who knows whom, not only about what runs.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // `#event-store` etc. are package.json subpath imports whose `types` condition points at the TypeScript source.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'require', 'node', 'default'],
      mainFields: ['types', 'typings', 'module', 'main'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
