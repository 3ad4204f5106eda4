// `npm run --silent biostat -- <method>`: one JSON object on stdin, one JSON object on stdout, so anyone can
// check our numbers against R on their own data. Errors: one line on stderr and exit code 1.
import { BiostatError } from './biostat.errors.js';
import { BIOSTAT_METHODS, runBiostatMethod } from './biostat.dispatch.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function fail(code: string, message: string): never {
  process.stderr.write(`biostat: ${code}: ${message.replace(/\s+/g, ' ')}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const method = process.argv[2];
  if (method === undefined || process.argv.length > 3) {
    fail('USAGE', `usage: npm run --silent biostat -- <method> < input.json  (methods: ${BIOSTAT_METHODS.join(', ')})`);
  }
  const text = await readStdin();
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    fail('INVALID_JSON', `stdin is not valid JSON (${(error as Error).message})`);
  }
  try {
    process.stdout.write(`${JSON.stringify(runBiostatMethod(method, input))}\n`);
  } catch (error) {
    if (error instanceof BiostatError) fail(error.code, error.message);
    fail('INTERNAL', (error as Error).message ?? String(error));
  }
}

await main();
