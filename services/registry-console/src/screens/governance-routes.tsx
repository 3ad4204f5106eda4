import type { ReactElement } from 'react';
import { DataQueriesScreen } from './data-queries';
import { SignaturesScreen } from './signatures';
import { SnapshotsScreen } from './snapshots';

// The governance screens' nav entries and routes, in one place (app.tsx spreads and calls these).
export const GOVERNANCE_NAV: readonly { readonly to: string; readonly label: string }[] = [
  { to: '/signatures', label: 'Signatures' },
  { to: '/data-queries', label: 'Data queries' },
  { to: '/snapshots', label: 'Snapshots' },
];

export function GovernanceScreen({ path, token }: { path: string; token: string }): ReactElement | null {
  if (path === '/signatures') return <SignaturesScreen />;
  if (path === '/data-queries') return <DataQueriesScreen />;
  if (path === '/snapshots') return <SnapshotsScreen token={token} />;
  return null;
}
