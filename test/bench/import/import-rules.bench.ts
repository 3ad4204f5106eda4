/**
 * Issue 19's bench: the import benchmark (import.bench.ts) without data-quality rules and then with ten active on
 * the trial, in one run, and the ratio of the ingest rates (target ≥ 0.8). The monitor evaluates asynchronously, so
 * each half also reports how long after the last write the monitor had evaluated everything.
 * `npm run bench:import:rules`; the last line is `{"bench":"import-rules","withoutRules":{…},"withRules":{…},"csvRatio":…,"srRatio":…}`.
 */
import { fileURLToPath } from 'node:url';
import { round, summaryLine } from '../bench-harness.js';
import { measureImport } from './import.bench.js';

async function main(): Promise<void> {
  const withoutRules = await measureImport({ rules: 0 });
  const withRules = await measureImport({ rules: 10 });
  const csv = (r: Record<string, unknown>) => (r['csv'] as { rowsPerSecond: number }).rowsPerSecond;
  const sr = (r: Record<string, unknown>) => (r['dicomSr'] as { reportsPerSecond: number }).reportsPerSecond;
  const csvRatio = round(csv(withRules) / csv(withoutRules), 2);
  const srRatio = round(sr(withRules) / sr(withoutRules), 2);
  console.log(`with 10 rules: CSV ${csvRatio} ×, DICOM SR ${srRatio} × the rate without (target ≥ 0.8)`);
  console.log(summaryLine({ bench: 'import-rules', withoutRules, withRules, csvRatio, srRatio }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
