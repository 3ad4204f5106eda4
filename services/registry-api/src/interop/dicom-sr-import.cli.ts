import { parseArgs } from 'node:util';
import { uploadDicomSrFiles } from './dicom-sr-upload.js';

const USAGE = `Usage: npm run -s import:dicom-sr -- <file.dcm|folder>... [--url http://localhost:4000] [--token JWT]
Posts each DICOM SR TID 1500 file (folders: every DICOM Part 10 file in them, recursively) to a running registry's
POST /dicomweb/studies. Token from --token or REGISTRY_TOKEN, URL from --url or REGISTRY_URL.
Progress and every refusal's problems on stderr, the summary (JSON) on stdout; exit code 1 when any file was
refused, 2 when the run itself could not go on (usage, token, unreachable registry).`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help || positionals.length === 0) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const token = values.token ?? process.env['REGISTRY_TOKEN'];
  if (!token) {
    console.error('No token: pass --token or set REGISTRY_TOKEN (npm run -s token -- --role coordinator …)');
    return 2;
  }
  const summary = await uploadDicomSrFiles(positionals, {
    url: values.url ?? process.env['REGISTRY_URL'] ?? 'http://localhost:4000',
    token,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  for (const o of summary.outcomes.filter((x) => x.outcome === 'failed')) {
    console.error(`refused ${o.file}${o.status ? ` (HTTP ${o.status})` : ''}:`);
    for (const p of o.problems) console.error(`  ${p.code}${p.path ? ` at ${p.path}` : ''}: ${p.message}`);
  }
  const { outcomes, ...counts } = summary;
  console.error(`files ${counts.files}: stored ${counts.stored}, refused ${counts.failed}, skipped ${counts.skipped} (not DICOM)`);
  console.log(JSON.stringify({ ...counts, refused: outcomes.filter((o) => o.outcome === 'failed').map((o) => ({ file: o.file, problems: o.problems })) }));
  if (outcomes.some((o) => o.status === 401 || o.status === 403)) return 2;
  return counts.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
