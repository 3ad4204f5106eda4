import { useState, type FormEvent } from 'react';
import { oidcManager, requestDevToken, storeToken, type ConsoleConfig, type Session } from '../session';

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Local mode: pick a role and scopes and the API signs a development token (the same as `npm run token`).
 * OIDC: the authorization-code flow with PKCE against the configured issuer.
 */
export function SignIn({ config, onSignedIn }: { config: ConsoleConfig; onSignedIn: (s: Session) => void }) {
  const [role, setRole] = useState(config.roles[0] ?? 'coordinator');
  const [sub, setSub] = useState('');
  const [name, setName] = useState('');
  const [trials, setTrials] = useState('*');
  const [programmes, setProgrammes] = useState('*');
  const [sites, setSites] = useState('*');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (config.authMode === 'oidc' && config.oidc) {
    const oidc = config.oidc;
    return (
      <main className="sign-in">
        <h1>Sign in</h1>
        <p>This registry uses your organisation's identity provider ({oidc.issuer}).</p>
        <button type="button" onClick={() => void oidcManager(oidc).signinRedirect()}>
          Sign in with {new URL(oidc.issuer).host}
        </button>
      </main>
    );
  }
  if (config.authMode === 'oidc') {
    return (
      <main className="sign-in">
        <h1>Sign in</h1>
        <p role="alert">The registry verifies OIDC tokens but no console client is configured (CONSOLE_OIDC_CLIENT_ID).</p>
      </main>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const token = await requestDevToken({
        role,
        sub: sub.trim() || undefined,
        name: name.trim() || undefined,
        trials: list(trials),
        programmes: list(programmes),
        sites: list(sites),
      });
      const session = storeToken(token);
      if (session) onSignedIn(session);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <h1>Sign in (local development mode)</h1>
      <p>
        The registry runs with <code>AUTH_MODE=local</code>: choose a role and the trials, programmes and sites it may see. The API signs a development token
        and enforces these scopes exactly as for any client.
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="role">Role</label>
        <select id="role" value={role} onChange={(e) => setRole(e.target.value)}>
          {config.roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <label htmlFor="sub">Your id (recorded as the actor; default dev-&lt;role&gt;)</label>
        <input id="sub" value={sub} onChange={(e) => setSub(e.target.value)} autoComplete="username" />
        <label htmlFor="name">Your printed name (shown with your electronic signatures; optional)</label>
        <input id="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
        <label htmlFor="trials">Trials (comma-separated, * = all)</label>
        <input id="trials" value={trials} onChange={(e) => setTrials(e.target.value)} />
        <label htmlFor="programmes">Programmes</label>
        <input id="programmes" value={programmes} onChange={(e) => setProgrammes(e.target.value)} />
        <label htmlFor="sites">Sites</label>
        <input id="sites" value={sites} onChange={(e) => setSites(e.target.value)} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error ? (
          <p role="alert" className="error-banner">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}
