import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { apiErrors, isDenied } from '../client';
import { graphql } from '../gql';
import { Field, Receipt, unplaced, useCommandId } from '../ui/command-form';
import { ErrorBanner } from '../ui/errors';
import { useSession } from '../ui/session-context';

const RoleGrantsQuery = graphql(`
  query ConsoleRoleGrants($actorId: ID!) {
    roleGrants(actorId: $actorId) {
      actorId
      role
      trials
      programmes
      sites
      reason
      grantedAt
      grantedBy
    }
  }
`);

const GrantRole = graphql(`
  mutation ConsoleGrantRole($input: GrantRoleInput!) {
    grantRole(input: $input) {
      id
      globalPosition
      replayed
    }
  }
`);

const RevokeRole = graphql(`
  mutation ConsoleRevokeRole($input: RevokeRoleInput!) {
    revokeRole(input: $input) {
      id
      globalPosition
      replayed
    }
  }
`);

const ids = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Role grants on the audit page: regulators and admins look up an actor's active grants (who granted them, when,
 * why); admins grant and revoke with a reason. Every grant and revocation is an event of the actor's stream, so it
 * is in the audit log above as well.
 */
export function RoleGrants() {
  const [actor, setActor] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const [{ data, error }, refresh] = useQuery({ query: RoleGrantsQuery, variables: { actorId: shown ?? '' }, pause: shown === null });
  const look = (e: FormEvent) => {
    e.preventDefault();
    setShown(actor.trim());
  };
  const changed = () => refresh({ requestPolicy: 'network-only' });
  return (
    <section aria-labelledby="grants-heading">
      <h2 id="grants-heading">Role grants</h2>
      <form role="search" aria-label="Role grants of an actor" onSubmit={look} className="filters">
        <div className="field">
          <label htmlFor="grants-actor">Actor (token subject)</label>
          <input id="grants-actor" value={actor} onChange={(e) => setActor(e.target.value)} />
        </div>
        <button type="submit">Show grants</button>
      </form>
      {isDenied(error) ? <p data-testid="grants-denied">The registry does not show role grants to your role.</p> : <ErrorBanner errors={apiErrors(error)} />}
      {data && shown !== null ? (
        data.roleGrants.length === 0 ? (
          <p data-testid="grants-none">{shown} holds no active grant.</p>
        ) : (
          <table data-testid="grants">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Trials</th>
                <th scope="col">Programmes</th>
                <th scope="col">Sites</th>
                <th scope="col">Granted</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {data.roleGrants.map((g) => (
                <tr key={g.role}>
                  <td>{g.role}</td>
                  <td>{g.trials.join(', ') || '—'}</td>
                  <td>{g.programmes.join(', ') || '—'}</td>
                  <td>{g.sites.join(', ') || '—'}</td>
                  <td>
                    {g.grantedAt} by {g.grantedBy}
                  </td>
                  <td>{g.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <GrantForms actorId={shown ?? actor.trim()} onChanged={changed} />
    </section>
  );
}

function GrantForms({ actorId, onChanged }: { actorId: string; onChanged: () => void }) {
  const { session } = useSession();
  // Only admins may grant; the API refuses everyone else anyway, so the forms are not offered to other roles.
  if (session.role !== 'admin') return null;
  return (
    <div className="gov-forms">
      <GrantForm actorId={actorId} onChanged={onChanged} />
      <RevokeForm actorId={actorId} onChanged={onChanged} />
    </div>
  );
}

function GrantForm({ actorId, onChanged }: { actorId: string; onChanged: () => void }) {
  const { config } = useSession();
  const [commandId, nextCommand] = useCommandId();
  const [form, setForm] = useState({ role: 'coordinator', trials: '', programmes: '', sites: '', reason: '' });
  const [receipt, setReceipt] = useState<{ globalPosition?: string | null; replayed: boolean } | null>(null);
  const [state, grant] = useMutation(GrantRole);
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    setReceipt(null);
    const r = (
      await grant({
        input: { commandId, actorId, role: form.role, trials: ids(form.trials), programmes: ids(form.programmes), sites: ids(form.sites), reason: form.reason },
      })
    ).data?.grantRole;
    if (r) {
      setReceipt(r);
      nextCommand();
      onChanged();
    }
  };
  const text = (key: 'trials' | 'programmes' | 'sites' | 'reason', label: string) => (
    <Field id={`grant-${key}`} label={label} errors={errors} field={key}>
      <input id={`grant-${key}`} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
    </Field>
  );
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="grant-heading" data-testid="grant-form">
      <h3 id="grant-heading">Grant a role to {actorId || '…'}</h3>
      <Field id="grant-role" label="Role" errors={errors} field="role">
        <select id="grant-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
          {config.roles.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      {text('trials', 'Trials (comma-separated, * = all)')}
      {text('programmes', 'Programmes')}
      {text('sites', 'Sites')}
      {text('reason', 'Reason')}
      <ErrorBanner errors={unplaced(errors, ['role', 'trials', 'programmes', 'sites', 'reason'])} />
      <button type="submit" disabled={state.fetching}>
        Grant
      </button>
      <Receipt receipt={receipt} what="Granted" />
    </form>
  );
}

function RevokeForm({ actorId, onChanged }: { actorId: string; onChanged: () => void }) {
  const { config } = useSession();
  const [commandId, nextCommand] = useCommandId();
  const [role, setRole] = useState('coordinator');
  const [reason, setReason] = useState('');
  const [receipt, setReceipt] = useState<{ globalPosition?: string | null; replayed: boolean } | null>(null);
  const [state, revoke] = useMutation(RevokeRole);
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    setReceipt(null);
    const r = (await revoke({ input: { commandId, actorId, role, reason } })).data?.revokeRole;
    if (r) {
      setReceipt(r);
      nextCommand();
      onChanged();
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="revoke-heading" data-testid="revoke-form">
      <h3 id="revoke-heading">Revoke a role of {actorId || '…'}</h3>
      <Field id="revoke-role" label="Role" errors={errors} field="role">
        <select id="revoke-role" value={role} onChange={(e) => setRole(e.target.value)}>
          {config.roles.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <Field id="revoke-reason" label="Reason" errors={errors} field="reason">
        <input id="revoke-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <ErrorBanner errors={unplaced(errors, ['role', 'reason'])} />
      <button type="submit" disabled={state.fetching}>
        Revoke
      </button>
      <Receipt receipt={receipt} what="Revoked" />
    </form>
  );
}
