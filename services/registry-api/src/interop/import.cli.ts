import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Readable } from 'node:stream';
import { REFUSED_ROWS_CSV_HEADER, refusedRowCsvLine, type InteropProblem } from '#interop';
import type { ImportSummary } from './measurement-import.service.js';

const USAGE = `Usage: npm run -s import -- <file.csv|file.ndjson> [--url http://localhost:4000] [--token JWT] [--refused refused.csv]
Posts the file to a running registry's POST /import (columns: libs/interop/README.md). Token from --token or REGISTRY_TOKEN.
Prints the summary (JSON) on stdout, progress on stderr; exit code 1 when any row was refused, 2 when the request was.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { url: { type: 'string' }, token: { type: 'string' }, refused: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const file = positionals[0]!;
  const token = values.token ?? process.env['REGISTRY_TOKEN'];
  if (!token) {
    console.error('No token: pass --token or set REGISTRY_TOKEN (npm run token -- …)');
    return 2;
  }
  const contentType = /\.(ndjson|jsonl)$/i.test(file) ? 'application/x-ndjson' : 'text/csv';
  const size = statSync(file).size;
  let sent = 0;
  let lastPct = -1;
  const stream = createReadStream(file);
  stream.on('data', (chunk) => {
    sent += chunk.length;
    const pct = size ? Math.floor((sent / size) * 100) : 100;
    if (pct !== lastPct) process.stderr.write(`\rimport ${file}: ${pct}% sent`);
    lastPct = pct;
  });
  const base = (values.url ?? process.env['REGISTRY_URL'] ?? 'http://localhost:4000').replace(/\/(graphql|import)\/?$/, '').replace(/\/$/, '');
  const res = await fetch(`${base}/import`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
    body: Readable.toWeb(stream) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  process.stderr.write('\n');
  const body = (await res.json()) as ImportSummary & { errors?: { message: string; extensions: { code: string } }[] };
  if (body.errors) {
    console.error(`refused (HTTP ${res.status}): ${body.errors.map((e) => `${e.extensions.code}: ${e.message}`).join('; ')}`);
    return 2;
  }
  const { refusedRows, ...counts } = body;
  console.error(
    `rows ${counts.rows}: accepted ${counts.accepted}, replayed ${counts.replayed}, refused ${counts.refused}${counts.complete ? '' : ' (file not read to the end)'}`,
  );
  console.log(JSON.stringify(counts));
  if (values.refused) {
    const lines = refusedRows.map((r) =>
      refusedRowCsvLine(
        r,
        r.problems.map((p): InteropProblem => ({ code: p.code as InteropProblem['code'], path: p.column, message: p.message })),
      ),
    );
    writeFileSync(values.refused, `${[REFUSED_ROWS_CSV_HEADER, ...lines].join('\r\n')}\r\n`);
    console.error(`refused rows written to ${values.refused}`);
  }
  return counts.refused > 0 || !counts.complete ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
