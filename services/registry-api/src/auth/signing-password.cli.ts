import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '#runtime';
import { setLocalSigningPassword } from './local-signing-password.js';

const USAGE = `Usage: printf '%s' "$PASSWORD" | npm run -s signing-password -- --sub <actor id>
Sets the signing password of one actor (AUTH_MODE=local): the second component of an electronic signature
(21 CFR 11.200, docs/part11.md). Read from stdin so it never appears in a process list or shell history.`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sub: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.sub) throw new ConfigError('--sub', `is required\n${USAGE}`);
  const config = loadConfig();
  if (config.authMode !== 'local') throw new ConfigError('AUTH_MODE', 'is oidc: signers re-authenticate at the identity provider instead');
  await setLocalSigningPassword(config.DATA_DIR, values.sub, await readStdin());
  process.stdout.write(`signing password set for ${values.sub}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
