import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { apiErrors } from '../client';
import { graphql } from '../gql';
import type { LockLevel, LockScope, SignatureMeaning } from '../gql/graphql';
import { Field, Receipt, unplaced, useCommandId } from '../ui/command-form';
import { ErrorBanner } from '../ui/errors';
import { useSession } from '../ui/session-context';
import { SignatureInputs, SignatureList, SignForm } from './signatures';

const TrialGovernanceQuery = graphql(`
  query ConsoleTrialGovernance($id: ID!, $consistentWith: GlobalPosition) {
    trial(id: $id, consistentWith: $consistentWith) {
      id
      signatures {
        ...ConsoleSignature
      }
      locks {
        scope
        scopeId
        level
        reason
        lockedAt
        lockedBy
        signatures {
          ...ConsoleSignature
        }
      }
    }
  }
`);

const LockTrial = graphql(`
  mutation ConsoleLockTrial($input: LockTrialInput!) {
    lockTrial(input: $input) {
      id
      globalPosition
      replayed
    }
  }
`);

const UnlockTrial = graphql(`
  mutation ConsoleUnlockTrial($input: UnlockTrialInput!) {
    unlockTrial(input: $input) {
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
 * The trial page's signatures and lock workflow: soft lock (no new entry), signatures of the lock, hard lock (frozen),
 * and an unlock that needs a reason and the unlocking person's electronic signature. `onChanged` tells the trial page
 * to read its lock state again once this panel has read the write back (consistentWith).
 */
export function TrialGovernance({ trialId, onChanged }: { trialId: string; onChanged: () => void }) {
  const [consistentWith, setConsistentWith] = useState<string | null>(null);
  const [{ data, error, fetching, operation }] = useQuery({ query: TrialGovernanceQuery, variables: { id: trialId, consistentWith } });
  const [signLock, setSignLock] = useState<string | null>(null);
  // Once per write, when the read at the write's position has answered (urql keeps the previous data while the new
  // variables are fetched, so the answer must be the one for this consistentWith), not on every render of the page.
  const notified = useRef<string | null>(null);
  const answered = !fetching && data !== undefined && operation?.variables.consistentWith === consistentWith;
  useEffect(() => {
    if (consistentWith !== null && answered && notified.current !== consistentWith) {
      notified.current = consistentWith;
      onChanged();
    }
  }, [consistentWith, answered, onChanged]);
  const trial = data?.trial;
  const written = (p: string) => setConsistentWith(p);
  return (
    <section aria-labelledby="governance-heading" className="governance">
      <h2 id="governance-heading">Locks and signatures</h2>
      <ErrorBanner errors={apiErrors(error)} />
      <h3>Locks in force</h3>
      {trial && trial.locks.length === 0 ? <p data-testid="locks-none">No lock in force.</p> : null}
      {trial && trial.locks.length > 0 ? (
        <table data-testid="locks">
          <thead>
            <tr>
              <th scope="col">Lock of</th>
              <th scope="col">Level</th>
              <th scope="col">Reason</th>
              <th scope="col">Locked</th>
              <th scope="col">Signatures</th>
            </tr>
          </thead>
          <tbody>
            {trial.locks.map((l) => {
              const key = `${l.scope}:${l.scopeId ?? ''}`;
              return (
                <tr key={key} data-testid="lock-row">
                  <td>{l.scope === 'TRIAL' ? 'the whole trial' : `${l.scope.toLowerCase()} ${l.scopeId}`}</td>
                  <td data-testid="lock-level">{l.level}</td>
                  <td>{l.reason}</td>
                  <td>
                    {l.lockedAt} by {l.lockedBy}
                  </td>
                  <td>
                    <SignatureList signatures={l.signatures} label="this lock" />
                    <button type="button" className="secondary" aria-expanded={signLock === key} onClick={() => setSignLock(signLock === key ? null : key)}>
                      Sign this lock
                    </button>
                    {signLock === key ? (
                      <SignForm
                        target={{ lock: { trialId, scope: l.scope, scopeId: l.scopeId ?? null } }}
                        label="this lock"
                        idPrefix="sign-lock"
                        onSigned={written}
                      />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {/* Folded: the forms are for the few who lock and sign, the page is read by everyone. */}
      <details>
        <summary>Lock or unlock</summary>
        <div className="gov-forms">
          <LockForm trialId={trialId} onWritten={written} />
          <UnlockForm trialId={trialId} onWritten={written} />
        </div>
      </details>
      <h3>Signatures of the trial record</h3>
      {trial ? <SignatureList signatures={trial.signatures} label="the trial" /> : null}
      <details>
        <summary>Sign the trial record</summary>
        <SignForm target={{ trial: { trialId } }} label="the trial record" idPrefix="sign-trial" onSigned={written} />
      </details>
    </section>
  );
}

function ScopeInputs({
  prefix,
  scope,
  scopeIds,
  onChange,
}: {
  prefix: string;
  scope: LockScope;
  scopeIds: string;
  onChange: (s: LockScope, ids: string) => void;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${prefix}-scope`}>Of</label>
        <select id={`${prefix}-scope`} value={scope} onChange={(e) => onChange(e.target.value as LockScope, scopeIds)}>
          <option value="TRIAL">the whole trial</option>
          <option value="SITE">sites</option>
          <option value="SUBJECT">subjects</option>
        </select>
      </div>
      {scope !== 'TRIAL' ? (
        <div className="field">
          <label htmlFor={`${prefix}-ids`}>{scope === 'SITE' ? 'Site ids' : 'Subject ids'} (comma-separated)</label>
          <input id={`${prefix}-ids`} value={scopeIds} onChange={(e) => onChange(scope, e.target.value)} />
        </div>
      ) : null}
    </>
  );
}

function LockForm({ trialId, onWritten }: { trialId: string; onWritten: (p: string) => void }) {
  const [commandId, nextCommand] = useCommandId();
  const [level, setLevel] = useState<LockLevel>('SOFT');
  const [scope, setScope] = useState<LockScope>('TRIAL');
  const [scopeIds, setScopeIds] = useState('');
  const [reason, setReason] = useState('');
  const [receipt, setReceipt] = useState<{ globalPosition?: string | null; replayed: boolean } | null>(null);
  const [state, lock] = useMutation(LockTrial);
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    setReceipt(null);
    const result = await lock({
      input: {
        commandId,
        trialId,
        level,
        reason,
        siteIds: scope === 'SITE' ? ids(scopeIds) : null,
        subjectIds: scope === 'SUBJECT' ? ids(scopeIds) : null,
      },
    });
    const r = result.data?.lockTrial;
    if (r) {
      setReceipt(r);
      nextCommand();
      if (r.globalPosition) onWritten(r.globalPosition);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="lock-heading" data-testid="lock-form">
      <h3 id="lock-heading">Lock</h3>
      <Field id="lock-level" label="Level" errors={errors} field="level">
        <select id="lock-level" value={level} onChange={(e) => setLevel(e.target.value as LockLevel)}>
          <option value="SOFT">soft (no new data entry)</option>
          <option value="HARD">hard (frozen)</option>
        </select>
      </Field>
      <ScopeInputs prefix="lock" scope={scope} scopeIds={scopeIds} onChange={(s, i) => (setScope(s), setScopeIds(i))} />
      <Field id="lock-reason" label="Reason" errors={errors} field="reason">
        <input id="lock-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <ErrorBanner errors={unplaced(errors, ['level', 'reason'])} />
      <button type="submit" disabled={state.fetching}>
        Lock
      </button>
      <Receipt receipt={receipt} what="Locked" />
    </form>
  );
}

function UnlockForm({ trialId, onWritten }: { trialId: string; onWritten: (p: string) => void }) {
  const [commandId, nextCommand] = useCommandId();
  const [scope, setScope] = useState<LockScope>('TRIAL');
  const [scopeIds, setScopeIds] = useState('');
  const [reason, setReason] = useState('');
  const [meaning, setMeaning] = useState<SignatureMeaning>('RESPONSIBILITY');
  const [statement, setStatement] = useState('');
  const [password, setPassword] = useState('');
  const [receipt, setReceipt] = useState<{ globalPosition?: string | null; replayed: boolean } | null>(null);
  const [state, unlock] = useMutation(UnlockTrial);
  const { config } = useSession();
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    setReceipt(null);
    const result = await unlock({
      input: {
        commandId,
        trialId,
        reason,
        siteIds: scope === 'SITE' ? ids(scopeIds) : null,
        subjectIds: scope === 'SUBJECT' ? ids(scopeIds) : null,
        signature: { meaning, statement, ...(config.authMode === 'local' ? { signingPassword: password } : {}) },
      },
    });
    const r = result.data?.unlockTrial;
    if (r) {
      setReceipt(r);
      setPassword('');
      nextCommand();
      if (r.globalPosition) onWritten(r.globalPosition);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="unlock-heading" data-testid="unlock-form">
      <h3 id="unlock-heading">Unlock (signed)</h3>
      <ScopeInputs prefix="unlock" scope={scope} scopeIds={scopeIds} onChange={(s, i) => (setScope(s), setScopeIds(i))} />
      <Field id="unlock-reason" label="Reason" errors={errors} field="reason">
        <input id="unlock-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <SignatureInputs
        idPrefix="unlock-sig"
        errors={errors}
        meaning={meaning}
        statement={statement}
        password={password}
        nameField="signature"
        fieldPrefix="signature."
        meanings={['RESPONSIBILITY', 'APPROVAL']}
        onChange={(n) => {
          if (n.meaning) setMeaning(n.meaning);
          if (n.statement !== undefined) setStatement(n.statement);
          if (n.password !== undefined) setPassword(n.password);
        }}
      />
      <ErrorBanner errors={unplaced(errors, ['reason', 'signature', 'meaning', 'statement', 'signingPassword', 'authentication'])} />
      <button type="submit" disabled={state.fetching}>
        Unlock
      </button>
      <Receipt receipt={receipt} what="Unlocked" />
    </form>
  );
}
