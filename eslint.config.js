import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier/flat';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'graphql/generated/**', 'services/registry-console/src/gql/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
  {
    // The console's .tsx files are linted with its own tsconfig (services/registry-console/tsconfig.json).
    files: ['**/*.ts', '**/*.tsx'],
    // Type-aware linting (for switch-exhaustiveness-check below): the project service finds each file's tsconfig.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Every switch over a union (events, commands, state kinds, options) names every member: a new event type
      // must not compile into a silent no-op in evolve, a projection or a timeline mapper. A `default:` does not
      // count as handling the missing members; a switch over a plain string or number needs one.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: true, allowDefaultCaseForExhaustiveSwitch: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-console': 'off',
    },
  },
  {
    // Nest's dependency injection reads constructor parameter types at run time: a type-only import there
    // erases the token, so classes that Nest injects must be imported as values.
    files: ['services/**/*.ts', 'libs/runtime/**/*.ts', 'libs/projections/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // Tests read untyped GraphQL JSON responses.
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Layout is Prettier's (`npm run format:check`): turn off every rule that would disagree with it. Last, so it wins.
  prettier,
);
