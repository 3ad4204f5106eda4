import { createContext, useContext } from 'react';
import type { ConsoleConfig, Session } from '../session';

/**
 * The signed-in session for screens that need more than the token: a signature needs a fresh authentication
 * (21 CFR 11.200), which the console gets by signing in again (`reauthenticate`) without leaving the form.
 */
export interface SessionValue {
  readonly session: Session;
  readonly config: ConsoleConfig;
  reauthenticate(): Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SessionContext>');
  return value;
}
