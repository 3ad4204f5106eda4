import { UserManager, WebStorageStateStore } from 'oidc-client-ts';

// Who is signed in. The console keeps the bearer token in sessionStorage (gone with the tab) and decodes its
// claims only to label the screen; whether a request is allowed is decided by the API alone.
export interface ConsoleConfig {
  readonly authMode: 'local' | 'oidc';
  readonly roles: readonly string[];
  readonly oidc: { readonly issuer: string; readonly clientId: string; readonly scope: string } | null;
}

export interface Session {
  readonly token: string;
  readonly sub: string;
  readonly role: string;
  /** The printed name (claim `name`) an electronic signature shows; null when the token carries none. */
  readonly name: string | null;
  readonly trials: readonly string[];
  readonly programmes: readonly string[];
  readonly sites: readonly string[];
  readonly expiresAt: number;
}

const KEY = 'registry-console.token';

function decode(token: string): Session | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
    return {
      token,
      sub: String(payload['sub'] ?? ''),
      role: String(payload['role'] ?? ''),
      name: typeof payload['name'] === 'string' ? payload['name'] : null,
      trials: list(payload['trials']),
      programmes: list(payload['programmes']),
      sites: list(payload['sites']),
      expiresAt: Number(payload['exp'] ?? 0) * 1000,
    };
  } catch {
    return null;
  }
}

export function loadSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  const session = token ? decode(token) : null;
  if (!session || session.expiresAt <= Date.now()) {
    sessionStorage.removeItem(KEY);
    return null;
  }
  return session;
}

export function storeToken(token: string): Session | null {
  const session = decode(token);
  if (session) sessionStorage.setItem(KEY, token);
  return session;
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

export async function fetchConsoleConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/console-api/config');
  if (!res.ok) throw new Error(`console configuration: HTTP ${res.status}`);
  return (await res.json()) as ConsoleConfig;
}

export interface DevTokenRequest {
  readonly role: string;
  readonly sub?: string;
  readonly name?: string;
  readonly trials: readonly string[];
  readonly programmes: readonly string[];
  readonly sites: readonly string[];
}

/** Local mode only: the API signs a development token (POST /console-api/dev-token answers 404 otherwise). */
export async function requestDevToken(request: DevTokenRequest): Promise<string> {
  const res = await fetch('/console-api/dev-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = (await res.json()) as { token?: string; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
  const refusal = body.errors?.[0];
  if (!res.ok || !body.token)
    throw new Error(
      refusal
        ? `${refusal.extensions?.code ?? 'ERROR'}${refusal.extensions?.field ? ` (${refusal.extensions.field})` : ''}: ${refusal.message}`
        : `HTTP ${res.status}`,
    );
  return body.token;
}

/** OIDC: authorization code with PKCE (oidc-client-ts does the PKCE pair, the state and the code exchange). */
export function oidcManager(config: NonNullable<ConsoleConfig['oidc']>): UserManager {
  return new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: `${window.location.origin}/console/callback`,
    post_logout_redirect_uri: `${window.location.origin}/console/`,
    response_type: 'code',
    scope: config.scope,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

/**
 * A fresh authentication for an electronic signature (§11.200): in local mode a new development token for the same
 * person and scopes (its auth_time is now); with OIDC a new login at the identity provider (prompt=login), which
 * comes back through /console/callback.
 */
export async function reauthenticate(config: ConsoleConfig, session: Session): Promise<Session | null> {
  if (config.authMode === 'oidc') {
    if (config.oidc) await oidcManager(config.oidc).signinRedirect({ prompt: 'login' });
    return null;
  }
  const token = await requestDevToken({
    role: session.role,
    sub: session.sub,
    ...(session.name ? { name: session.name } : {}),
    trials: session.trials,
    programmes: session.programmes,
    sites: session.sites,
  });
  return storeToken(token);
}
