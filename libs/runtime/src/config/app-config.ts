import type { EventStoreModuleOptions } from '#event-store';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const port = z.coerce.number().int().min(0).max(65535);

/** Every setting the registry reads, with its default. The README's configuration table mirrors this. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(4000),
  // The application's login: a member of registry_app (no DDL, no raw INSERT into the events; README "Database roles").
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')
    .optional(),
  // The owner, used only to apply migrations (`npm run migrate`, or at boot when set). Unset: migrations run as
  // DATABASE_URL, which for the app role means only "check that none is pending".
  MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')
    .optional(),
  // The event store's database (PostgreSQL adapter), as the application login like DATABASE_URL. Unset: the events
  // live in DATABASE_URL's database beside the read models. Set: two databases (no query joins them).
  EVENT_STORE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')
    .optional(),
  // The owner of EVENT_STORE_URL's database, used only to apply the event store's migrations (as MIGRATION_DATABASE_URL).
  MIGRATION_EVENT_STORE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')
    .optional(),
  // The read models on a streaming replica (a PostgreSQL HA cluster's read port, infra/ha): read-model queries read
  // there; a query given consistentWith reads there only once the replica has applied the position, else the
  // primary (services/registry-api/src/read-your-writes). Unset: every read goes to DATABASE_URL.
  READ_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')
    .optional(),
  // How long such a query waits for the replica before it reads the primary instead (within READ_YOUR_WRITES_TIMEOUT_MS).
  READ_REPLICA_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  DATA_DIR: z.string().min(1).default('./.data'),
  EMBEDDED_PG_PORT: port.default(54329),
  EVENT_STORE: z.enum(['postgres', 'eventstoredb']).default('postgres'),
  EVENTSTORE_CONNECTION_STRING: z.string().optional(),
  PROJECTOR: z.enum(['embedded', 'off']).default('embedded'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GRAPHQL_INTROSPECTION: bool.optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  READ_YOUR_WRITES_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  // The standalone projector serves /health and /metrics here; unset, it uses PORT when that is set (as in
  // infra/), else 4001, so API and projector can run side by side on one machine.
  PROJECTOR_PORT: port.optional(),
  // How often a standby projector retries the advisory lock of a projection (the failover delay).
  PROJECTOR_LOCK_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  // Authentication (services/registry-api/src/auth/README.md): `local` signs development tokens with a key under
  // DATA_DIR; `oidc` verifies an identity provider's tokens. Unset: oidc when OIDC_ISSUER is set or in production.
  AUTH_MODE: z.enum(['local', 'oidc']).optional(),
  OIDC_ISSUER: z.string().min(1).optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  OIDC_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUTH_PUBLIC_KEY: z.string().min(1).optional(),
  // The web console's OIDC client (authorization code + PKCE, services/registry-console): its client id at the
  // issuer and the scopes it asks for. Unset with AUTH_MODE=oidc: the console says it is not configured.
  CONSOLE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  CONSOLE_OIDC_SCOPE: z.string().min(1).default('openid profile'),
  // Where the console's built files are (vite build); unset: dist/console of this checkout.
  CONSOLE_DIR: z.string().min(1).optional(),
  AUTH_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  // Where roles and scopes come from (services/registry-api/src/access/README.md): `token` trusts the token's claims;
  // `registry` accepts them only as far as an active RoleGranted event records them for the token's `sub`.
  AUTH_GRANTS: z.enum(['token', 'registry']).default('token'),
  AUTH_GRANTS_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  // With AUTH_GRANTS=registry: token subjects whose admin role needs no grant (to grant the first roles), comma-separated.
  AUTH_BOOTSTRAP_ADMINS: z.string().optional(),
  // Electronic signatures (21 CFR 11.200, docs/part11.md): the signer must have authenticated at the identity provider
  // (token claim `auth_time`) at most this many seconds before signing; older logins must re-authenticate first.
  SIGNING_MAX_AUTH_AGE_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  // Wraps every per-subject and per-study key (services/registry-api/src/privacy/README.md). Unset: a key file under
  // DATA_DIR in development; production refuses to start without it (privacy/master-key.ts, at boot).
  PRIVACY_MASTER_KEY: z
    .string()
    .regex(/^\s*([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)\s*$/, 'must be 32 random bytes as 64 hex digits or base64 (openssl rand -base64 32)')
    .optional(),
  // Seals of the audit trail (services/registry-api/src/audit): a Merkle root over new events every N seconds; 0 = off.
  // Short, because events after the newest seal can be removed by a database superuser without trace.
  AUDIT_SEAL_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(31_536_000).default(5),
  // Post-market surveillance of AI algorithm versions (issue 19): the registry itself raises CUSUM / EWMA drift alarms
  // as events every N seconds (default daily; 0 = off). One API instance runs it at a time (advisory lock).
  SURVEILLANCE_SCHEDULE_SECONDS: z.coerce.number().int().min(0).max(31_536_000).default(86_400),
  // The seal journal's directory, outside the database (append-only, chained, fsynced lines); default DATA_DIR/audit-anchor.
  AUDIT_ANCHOR_DIR: z.string().min(1).optional(),
  // Signs every seal (Ed25519, PKCS#8 PEM; services/registry-api/src/audit/seal-signing.ts checks it at boot). Unset: a
  // key file under DATA_DIR/audit in development; production refuses to start without it.
  AUDIT_SEAL_SIGNING_KEY: z.string().min(1).optional(),
  // Retired seal keys that still verify the seals they signed (rotation): SPKI PEM blocks or JWK / JWKS JSON.
  AUDIT_SEAL_VERIFY_KEYS: z.string().min(1).optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  // Slow clients (slowloris): a request's headers must arrive within HTTP_HEADERS_TIMEOUT_MS and the whole request
  // within HTTP_REQUEST_TIMEOUT_MS, or Node closes the connection (408). Node's defaults were 60 s and 300 s.
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
});

export type AppConfig = z.infer<typeof schema> & { graphqlIntrospection: boolean; authMode: 'local' | 'oidc'; projectorPort: number };

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once at boot; a bad value stops the process with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const c = parsed.data;
  if (c.EVENT_STORE === 'eventstoredb' && !c.EVENTSTORE_CONNECTION_STRING) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'is required when EVENT_STORE=eventstoredb');
  }
  const authMode = c.AUTH_MODE ?? (c.OIDC_ISSUER || c.NODE_ENV === 'production' ? 'oidc' : 'local');
  if (authMode === 'local' && c.NODE_ENV === 'production') {
    throw new ConfigError(
      'AUTH_MODE',
      'local development tokens are refused in production; set OIDC_ISSUER, OIDC_AUDIENCE and OIDC_JWKS_URL or AUTH_PUBLIC_KEY',
    );
  }
  if (authMode === 'oidc') {
    if (!c.OIDC_ISSUER) throw new ConfigError('OIDC_ISSUER', 'is required to verify tokens (AUTH_MODE=oidc, the default in production)');
    if (!c.OIDC_AUDIENCE) throw new ConfigError('OIDC_AUDIENCE', 'is required with OIDC_ISSUER: tokens minted for another audience must be refused');
    if (!c.OIDC_JWKS_URL && !c.AUTH_PUBLIC_KEY) throw new ConfigError('OIDC_JWKS_URL', 'or AUTH_PUBLIC_KEY is required with OIDC_ISSUER');
  }
  if (c.HTTP_REQUEST_TIMEOUT_MS < c.HTTP_HEADERS_TIMEOUT_MS) {
    throw new ConfigError('HTTP_REQUEST_TIMEOUT_MS', `must be at least HTTP_HEADERS_TIMEOUT_MS (${c.HTTP_HEADERS_TIMEOUT_MS})`);
  }
  if (c.MIGRATION_DATABASE_URL && !c.DATABASE_URL) {
    throw new ConfigError('MIGRATION_DATABASE_URL', 'needs DATABASE_URL (the application login) beside it; the embedded default sets up both roles itself');
  }
  if (c.EVENT_STORE_URL && !c.DATABASE_URL) {
    throw new ConfigError('EVENT_STORE_URL', 'needs DATABASE_URL (the read models) beside it; the embedded default keeps both in one database');
  }
  if (c.READ_DATABASE_URL && !c.DATABASE_URL) {
    throw new ConfigError('READ_DATABASE_URL', 'needs DATABASE_URL (the primary) beside it; the embedded default has no replica');
  }
  if (c.EVENT_STORE_URL && c.EVENT_STORE === 'eventstoredb') {
    throw new ConfigError('EVENT_STORE_URL', 'is the PostgreSQL event store; with EVENT_STORE=eventstoredb the events are on EVENTSTORE_CONNECTION_STRING');
  }
  if (c.MIGRATION_EVENT_STORE_URL && !c.EVENT_STORE_URL) {
    throw new ConfigError(
      'MIGRATION_EVENT_STORE_URL',
      'needs EVENT_STORE_URL beside it; without it the events live in DATABASE_URL (migrated as MIGRATION_DATABASE_URL)',
    );
  }
  const projectorPort = c.PROJECTOR_PORT ?? (env['PORT'] ? c.PORT : 4001);
  return { ...c, graphqlIntrospection: c.GRAPHQL_INTROSPECTION ?? c.NODE_ENV !== 'production', authMode, projectorPort };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * EVENT_STORE picks the adapter behind the port, in one place for the API and the standalone projector;
 * `databaseUrl` is the event store's database (PreparedDatabase.eventStoreUrl: EVENT_STORE_URL, else DATABASE_URL's).
 */
export function eventStoreOptions(config: AppConfig, databaseUrl: string): EventStoreModuleOptions {
  return config.EVENT_STORE === 'eventstoredb'
    ? { adapter: 'eventstoredb', connectionString: config.EVENTSTORE_CONNECTION_STRING! }
    : { adapter: 'postgres', connectionString: databaseUrl, poolSize: config.DB_POOL_SIZE };
}
