import { useEffect, useMemo, useState } from 'react';
import { Provider } from 'urql';
import { createClient } from './client';
import { Link, match, useRouter } from './router';
import { AuditScreen } from './screens/audit';
import { ScreeningScreen } from './screens/screening';
import { ProgrammeScreen, RoundScreen } from './screens/screening-programme';
import { SignIn } from './screens/sign-in';
import { SubjectScreen } from './screens/subject';
import { SurveillanceScreen } from './screens/surveillance';
import { TrialScreen } from './screens/trial';
import { TrialsScreen } from './screens/trials';
import { ValidationScreen } from './screens/validation';
import { ErrorBoundary } from './ui/error-boundary';
import { clearSession, fetchConsoleConfig, loadSession, oidcManager, reauthenticate, storeToken, type ConsoleConfig, type Session } from './session';
import { SessionContext } from './ui/session-context';
// Governance screens (signatures, data queries, snapshots): their nav entries and routes live in one module.
import { GOVERNANCE_NAV, GovernanceScreen } from './screens/governance-routes';

const NAV: readonly { readonly to: string; readonly label: string }[] = [
  { to: '/trials', label: 'Trials' },
  { to: '/screening', label: 'Screening' },
  { to: '/validation', label: 'Validation study' },
  { to: '/surveillance', label: 'AI surveillance' },
  { to: '/audit', label: 'Audit' },
  ...GOVERNANCE_NAV,
];

export function App() {
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [configError, setConfigError] = useState<string | null>(null);
  const [session, setSession] = useState<Session | null>(loadSession);
  const { location, navigate } = useRouter();

  useEffect(() => {
    fetchConsoleConfig().then(setConfig, (err: unknown) => setConfigError((err as Error).message));
  }, []);

  // OIDC: the identity provider sends the browser back to /console/callback with the authorization code.
  useEffect(() => {
    if (location.path !== '/callback' || !config?.oidc) return;
    oidcManager(config.oidc)
      .signinRedirectCallback()
      .then((user) => {
        const s = storeToken(user.access_token);
        setSession(s);
        navigate('/trials', { replace: true });
      })
      .catch((err: unknown) => setConfigError((err as Error).message));
  }, [location.path, config, navigate]);

  const client = useMemo(() => (session ? createClient(session.token) : null), [session]);

  if (configError) {
    return (
      <main>
        <p role="alert">The console could not reach the registry: {configError}</p>
      </main>
    );
  }
  if (!config) return <main aria-busy="true">Loading…</main>;
  if (!session || !client) {
    return (
      <SignIn
        config={config}
        onSignedIn={(s) => {
          setSession(s);
          if (location.path === '/' || location.path === '/sign-in') navigate('/trials', { replace: true });
        }}
      />
    );
  }
  const signOut = () => {
    clearSession();
    setSession(null);
    navigate('/', { replace: true });
  };
  const sessionValue = {
    session,
    config,
    reauthenticate: async () => {
      const fresh = await reauthenticate(config, session);
      if (fresh) setSession(fresh);
    },
  };
  return (
    <SessionContext.Provider value={sessionValue}>
      <Provider value={client}>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <header className="top">
          <span className="brand">Biomarker Registry</span>
          <nav aria-label="Screens">
            <ul>
              {NAV.map((n) => (
                <li key={n.to}>
                  <Link to={n.to} aria-current={location.path.startsWith(n.to) ? 'page' : undefined}>
                    {n.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <span className="who" data-testid="who">
            {session.sub} · {session.role}
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </header>
        <main id="main" tabIndex={-1}>
          <ErrorBoundary resetKey={location.path}>
            <Screen path={location.path} token={session.token} />
          </ErrorBoundary>
        </main>
      </Provider>
    </SessionContext.Provider>
  );
}

function Screen({ path, token }: { path: string; token: string }) {
  let params: Record<string, string> | null;
  if (path === '/' || path === '/trials' || path === '/callback' || path === '/sign-in') return <TrialsScreen />;
  if ((params = match('/trials/:id', path))) return <TrialScreen key={params['id']} id={params['id']!} />;
  if ((params = match('/subjects/:id', path))) return <SubjectScreen key={params['id']} id={params['id']!} />;
  if (path === '/screening') return <ScreeningScreen token={token} />;
  // ---- Data entry and screening pages (issue 21, lane console): programme and round pages, reached from Screening.
  if ((params = match('/screening/programmes/:id', path))) return <ProgrammeScreen key={params['id']} id={params['id']!} />;
  if ((params = match('/screening/programmes/:id/rounds/:round', path)))
    return <RoundScreen key={path} programmeId={params['id']!} roundId={params['round']!} />;
  // ---- end of the lane-console block
  if (path === '/validation') return <ValidationScreen token={token} />;
  if (path === '/surveillance') return <SurveillanceScreen token={token} />;
  if (path === '/audit') return <AuditScreen token={token} />;
  const governance = GovernanceScreen({ path, token });
  if (governance) return governance;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No screen at {path}. <Link to="/trials">Trials</Link>
      </p>
    </section>
  );
}
