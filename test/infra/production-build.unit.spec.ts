import { join, relative, sep } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';

/*
 * The production build (tsconfig.build.json: `npm run build`, `npm start`, the container image) holds no tests and
 * no fixtures: synthetic registries, R reference data and contract suites are for tests and benches
 * (tsconfig.bench.json). This test reads the file list tsc derives from the config (no compilation); the
 * dependency-cruiser rule production-never-imports-test-fixtures keeps a production file from pulling one in by import.
 */
const root = process.cwd();

function filesOf(config: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, config),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${config}`);
  return parsed.fileNames.map((f) => relative(root, f).split(sep).join('/'));
}

const isTestOrFixture = (file: string) => /(^|\/)testing\//.test(file) || /[.-]spec\.ts$/.test(file) || file.startsWith('test/');

describe('the production build holds no tests and no fixtures', () => {
  it('tsconfig.build.json compiles the deployables and no test, testing/ folder or test/ file', () => {
    const files = filesOf('tsconfig.build.json');
    expect(files).toContain('services/registry-api/src/main.ts');
    expect(files).toContain('services/registry-projector/src/main.ts');
    expect(files).toContain('migrations/migrate.ts');
    expect(files.filter(isTestOrFixture)).toEqual([]);
  });

  it('tsconfig.bench.json builds the benches and the seed script, but no test', () => {
    const files = filesOf('tsconfig.bench.json');
    expect(files).toContain('test/seed/seed.ts');
    expect(files).toContain('test/bench/read-models/read-models.bench.ts');
    expect(files.filter((f) => /[.-]spec\.ts$/.test(f))).toEqual([]);
  });
});
