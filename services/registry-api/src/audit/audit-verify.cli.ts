import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { verifyExport } from './audit-verify.js';
import { parseSealPublicKeys } from './seal-signing.js';

const USAGE = `Usage: npm run -s audit:verify -- <export.ndjson> <seal-journal.ndjson> <public-key.pem|jwks.json>
Checks an audit export (npm run -s audit:export, or GET /audit/export, without a filter) offline, without any database:
every line's hash and stream chain, every seal recomputed from the lines and its Ed25519 signature, the seal journal
line by line, and the export's seals against the journal's. The public keys: SPKI PEM blocks or a JWK / JWKS
(npm run -s audit:public-key prints the registry's). Prints a JSON report; exit code 0 when all holds, 1 when not.`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 3) {
    console.error(USAGE);
    return 2;
  }
  const [exportPath, journalPath, keyPath] = positionals as [string, string, string];
  const [exportText, journalText, keyText] = await Promise.all([readFile(exportPath, 'utf8'), readFile(journalPath, 'utf8'), readFile(keyPath, 'utf8')]);
  const keys = parseSealPublicKeys(keyText, keyPath);
  // Only complete lines: text after the journal's last newline is a write torn by a crash, never acknowledged.
  const journalLines = journalText
    .slice(0, journalText.lastIndexOf('\n') + 1)
    .split('\n')
    .slice(0, -1);
  const report = await verifyExport(exportText, journalLines, keys, journalPath);
  console.log(JSON.stringify(report, null, 2));
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
