import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '#runtime';
import { isRole, ROLES } from './actor.js';
import { issueLocalToken } from './local-signing-key.js';

const USAGE = `Usage: npm run -s token -- --role <${ROLES.join('|')}> [--trial <id>]… [--programme <id>]… [--site <id>]… [--sub <id>] [--ttl 8h]
Prints a bearer token signed by the local development key under DATA_DIR (AUTH_MODE=local).
Ids may be repeated or comma-separated; "*" grants every trial, programme or site.
--sub is the actor the audit trail records. Without it every token of a role has the same subject, dev-<role>,
so two people given such tokens are one actor to the registry: give each person their own --sub.
--name is the printed name shown with the actor's electronic signatures (needed to sign; see docs/part11.md).
Use it as: curl -H "Authorization: Bearer $(npm run -s token -- --role regulator)" …`;

function list(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      trial: { type: 'string', multiple: true },
      programme: { type: 'string', multiple: true },
      site: { type: 'string', multiple: true },
      sub: { type: 'string' },
      name: { type: 'string' },
      ttl: { type: 'string', default: '8h' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!isRole(values.role)) throw new ConfigError('--role', `must be one of ${ROLES.join(', ')}\n${USAGE}`);
  const config = loadConfig();
  if (config.authMode !== 'local') {
    throw new ConfigError(
      'AUTH_MODE',
      `is ${config.authMode}: tokens come from your identity provider (${config.OIDC_ISSUER ?? 'OIDC_ISSUER'}), not from this script`,
    );
  }
  const token = await issueLocalToken(
    config,
    {
      sub: values.sub ?? `dev-${values.role}`,
      role: values.role,
      trials: list(values.trial),
      programmes: list(values.programme),
      sites: list(values.site),
      ...(values.name ? { name: values.name } : {}),
    },
    { expiresIn: /^\d+$/.test(values.ttl) ? Number(values.ttl) + Math.floor(Date.now() / 1000) : values.ttl },
  );
  process.stdout.write(`${token}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
