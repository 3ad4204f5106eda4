import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { apiErrors } from '../client';
import { graphql } from '../gql';
import type { ConsoleSignatureFragment, SignatureMeaning, SignatureTargetInput } from '../gql/graphql';
import { Field, Receipt, unplaced, useCommandId } from '../ui/command-form';
import { ErrorBanner, FieldError } from '../ui/errors';
import { useSession } from '../ui/session-context';
import { StatusLine } from '../ui/status-line';

const SignRecord = graphql(`
  mutation ConsoleSignRecord($input: SignRecordInput!) {
    signRecord(input: $input) {
      id
      globalPosition
      replayed
    }
  }
`);

const TrialSignaturesQuery = graphql(`
  query ConsoleTrialSignatures($id: ID!, $consistentWith: GlobalPosition) {
    trial(id: $id, consistentWith: $consistentWith) {
      id
      signatures {
        ...ConsoleSignature
      }
      locks {
        scope
        scopeId
        level
        signatures {
          ...ConsoleSignature
        }
      }
    }
  }
`);

const SubjectSignaturesQuery = graphql(`
  query ConsoleSubjectSignatures($id: ID!, $consistentWith: GlobalPosition) {
    subject(id: $id, consistentWith: $consistentWith) {
      id
      signatures {
        ...ConsoleSignature
      }
    }
  }
`);

// A subject's measurements (100: the API's query-cost limit refuses 1000 rows with their signatures).
const MeasurementSignaturesQuery = graphql(`
  query ConsoleMeasurementSignatures($subjectId: ID!, $consistentWith: GlobalPosition) {
    measurements(filter: { subjectId: $subjectId }, first: 100, consistentWith: $consistentWith) {
      nodes {
        id
        signatures {
          ...ConsoleSignature
        }
      }
    }
  }
`);

graphql(`
  fragment ConsoleSignature on Signature {
    id
    signerId
    signerName
    signerRole
    meaning
    statement
    signedAt
    status
    invalidatedAt
    contentSha256
    contentRevision
    authenticationMethod
  }
`);

export const MEANINGS: readonly SignatureMeaning[] = ['AUTHORSHIP', 'REVIEW', 'APPROVAL', 'RESPONSIBILITY', 'VERIFICATION'];

export type SignatureRow = ConsoleSignatureFragment;

/** Signatures of a record: VALID while the signed content is unchanged, INVALIDATED (kept) once it changed. */
export function SignatureList({ signatures, label }: { signatures: readonly SignatureRow[]; label: string }) {
  if (signatures.length === 0) return <p data-testid="signatures-empty">No signatures of {label} yet.</p>;
  return (
    <table data-testid="signatures" aria-label={`Signatures of ${label}`}>
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Signer</th>
          <th scope="col">Meaning</th>
          <th scope="col">Statement</th>
          <th scope="col">Signed (UTC)</th>
          <th scope="col">Signed content</th>
          <th scope="col">Authentication</th>
        </tr>
      </thead>
      <tbody>
        {signatures.map((s) => (
          <tr key={s.id} data-testid="signature">
            <td>
              <strong className={s.status === 'VALID' ? 'sig-valid' : 'sig-invalid'} data-testid="signature-status">
                {s.status}
              </strong>
              {s.invalidatedAt ? <div>content changed {s.invalidatedAt}</div> : null}
            </td>
            <td>
              {s.signerName} ({s.signerId}, {s.signerRole})
            </td>
            <td>{s.meaning}</td>
            <td>{s.statement}</td>
            <td>{s.signedAt}</td>
            <td>
              <code title={s.contentSha256}>sha256 {s.contentSha256.slice(0, 16)}…</code> @ revision {s.contentRevision}
            </td>
            <td>{s.authenticationMethod}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The signature's parts the signer gives (meaning, statement, local signing password) and the one it cannot type: the
 * printed name, from the token. Every refusal lands where it belongs: SIGNER_NAME_REQUIRED on the name, a stale login
 * on "authentication" (with a way to log in again), a wrong signing password on the password.
 */
export function SignatureInputs({
  idPrefix,
  errors,
  meaning,
  statement,
  password,
  onChange,
  nameField = 'signerName',
  fieldPrefix = '',
  meanings = MEANINGS,
}: {
  idPrefix: string;
  errors: ReturnType<typeof apiErrors>;
  meaning: SignatureMeaning;
  statement: string;
  password: string;
  onChange: (next: { meaning?: SignatureMeaning; statement?: string; password?: string }) => void;
  nameField?: string;
  fieldPrefix?: string;
  meanings?: readonly SignatureMeaning[];
}) {
  const { session, config, reauthenticate } = useSession();
  const [reauth, setReauth] = useState<string | null>(null);
  const stale = errors.some((e) => e.field === 'authentication');
  const login = async () => {
    setReauth('Logging in again…');
    try {
      await reauthenticate();
      setReauth('Logged in again just now: sign within the signing window.');
    } catch (err) {
      setReauth(`Could not log in again: ${(err as Error).message}`);
    }
  };
  return (
    <>
      <div className="field">
        <span className="label" id={`${idPrefix}-name-label`}>
          Printed name (from your login)
        </span>
        <output aria-labelledby={`${idPrefix}-name-label`} data-testid={`${idPrefix}-name`}>
          {session.name ?? '(none: sign in with your printed name)'}
        </output>
        <FieldError errors={errors.filter((e) => e.code === 'SIGNER_NAME_REQUIRED' || e.field === nameField)} field={nameField} id={`${idPrefix}-name-error`} />
      </div>
      <Field id={`${idPrefix}-meaning`} label="Meaning" errors={errors} field={`${fieldPrefix}meaning`}>
        <select id={`${idPrefix}-meaning`} value={meaning} onChange={(e) => onChange({ meaning: e.target.value as SignatureMeaning })}>
          {meanings.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </Field>
      <Field id={`${idPrefix}-statement`} label="Statement (what you agree to)" errors={errors} field={`${fieldPrefix}statement`}>
        <textarea id={`${idPrefix}-statement`} rows={2} value={statement} onChange={(e) => onChange({ statement: e.target.value })} />
      </Field>
      {config.authMode === 'local' ? (
        <Field id={`${idPrefix}-password`} label="Signing password" errors={errors} field="signingPassword">
          <input id={`${idPrefix}-password`} type="password" autoComplete="off" value={password} onChange={(e) => onChange({ password: e.target.value })} />
        </Field>
      ) : null}
      <div className="field">
        <span className="label" id={`${idPrefix}-auth-label`}>
          Authentication
        </span>
        <FieldError errors={errors} field="authentication" id={`${idPrefix}-auth-error`} />
        <button type="button" className={stale ? '' : 'secondary'} onClick={() => void login()}>
          Log in again
        </button>
        {reauth ? (
          <span role="status" data-testid={`${idPrefix}-reauth`}>
            {reauth}
          </span>
        ) : null}
      </div>
    </>
  );
}

/** Signs one record (signRecord); the receipt's position is handed on so the caller reads its own signature back. */
export function SignForm({
  target,
  label,
  idPrefix,
  onSigned,
}: {
  target: SignatureTargetInput;
  label: string;
  idPrefix: string;
  onSigned: (position: string) => void;
}) {
  const [commandId, nextCommand] = useCommandId();
  const [meaning, setMeaning] = useState<SignatureMeaning>('APPROVAL');
  const [statement, setStatement] = useState('');
  const [password, setPassword] = useState('');
  const [receipt, setReceipt] = useState<{ globalPosition?: string | null; replayed: boolean } | null>(null);
  const [state, sign] = useMutation(SignRecord);
  const { config } = useSession();
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    setReceipt(null);
    const result = await sign({
      input: { commandId, target, meaning, statement, ...(config.authMode === 'local' ? { signingPassword: password } : {}) },
    });
    const r = result.data?.signRecord;
    if (r) {
      setReceipt(r);
      setPassword('');
      nextCommand();
      if (r.globalPosition) onSigned(r.globalPosition);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby={`${idPrefix}-heading`} data-testid={`${idPrefix}-form`} className="sign-form">
      <h3 id={`${idPrefix}-heading`}>Sign {label}</h3>
      <SignatureInputs
        idPrefix={idPrefix}
        errors={errors}
        meaning={meaning}
        statement={statement}
        password={password}
        onChange={(n) => {
          if (n.meaning) setMeaning(n.meaning);
          if (n.statement !== undefined) setStatement(n.statement);
          if (n.password !== undefined) setPassword(n.password);
        }}
      />
      <ErrorBanner errors={unplaced(errors, ['signerName', 'meaning', 'statement', 'signingPassword', 'authentication'])} />
      <button type="submit" disabled={state.fetching}>
        Sign
      </button>
      <Receipt receipt={receipt} what="Signed" />
    </form>
  );
}

type TargetKind = 'trial' | 'subject' | 'measurement' | 'lock' | 'analysisSnapshot';
const KINDS: readonly { readonly kind: TargetKind; readonly label: string }[] = [
  { kind: 'trial', label: 'a trial' },
  { kind: 'subject', label: "a subject's casebook" },
  { kind: 'measurement', label: 'a measurement' },
  { kind: 'lock', label: 'a lock in force' },
  { kind: 'analysisSnapshot', label: 'an analysis snapshot' },
];

/** Any signature target by id: sign it, and (where the API shows them) see its signatures. */
export function SignaturesScreen() {
  const [kind, setKind] = useState<TargetKind>('trial');
  const [ids, setIds] = useState({ trialId: '', subjectId: '', measurementId: '', scope: 'TRIAL', scopeId: '', snapshotId: '' });
  const [chosen, setChosen] = useState<{ kind: TargetKind; target: SignatureTargetInput; key: string } | null>(null);
  const [consistentWith, setConsistentWith] = useState<string | null>(null);
  const choose = (e: FormEvent) => {
    e.preventDefault();
    const target: SignatureTargetInput =
      kind === 'trial'
        ? { trial: { trialId: ids.trialId } }
        : kind === 'subject'
          ? { subject: { subjectId: ids.subjectId } }
          : kind === 'measurement'
            ? { measurement: { subjectId: ids.subjectId, measurementId: ids.measurementId } }
            : kind === 'lock'
              ? { lock: { trialId: ids.trialId, scope: ids.scope as 'TRIAL' | 'SITE' | 'SUBJECT', scopeId: ids.scopeId || null } }
              : { analysisSnapshot: { snapshotId: ids.snapshotId } };
    setConsistentWith(null);
    setChosen({ kind, target, key: JSON.stringify(target) });
  };
  const input = (key: keyof typeof ids, label: string) => (
    <div className="field">
      <label htmlFor={`sig-${key}`}>{label}</label>
      <input id={`sig-${key}`} value={ids[key]} onChange={(e) => setIds({ ...ids, [key]: e.target.value })} />
    </div>
  );
  return (
    <section>
      <h1>Electronic signatures</h1>
      <StatusLine position={consistentWith} />
      <p>
        A signature records your printed name, the time (UTC), its meaning and the SHA-256 of the record as it reads now (21 CFR 11.50, 11.70). It needs a fresh
        login and, in local mode, your signing password (<code>npm run signing-password</code>). Which roles may sign what is the API&apos;s rule.
      </p>
      <form onSubmit={choose} className="filters" aria-label="Record to sign">
        <div className="field">
          <label htmlFor="sig-kind">Record</label>
          <select id="sig-kind" value={kind} onChange={(e) => setKind(e.target.value as TargetKind)}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        {kind === 'trial' || kind === 'lock' ? input('trialId', 'Trial id') : null}
        {kind === 'subject' || kind === 'measurement' ? input('subjectId', 'Subject id') : null}
        {kind === 'measurement' ? input('measurementId', 'Measurement id') : null}
        {kind === 'lock' ? (
          <div className="field">
            <label htmlFor="sig-scope">Lock of</label>
            <select id="sig-scope" value={ids.scope} onChange={(e) => setIds({ ...ids, scope: e.target.value })}>
              <option value="TRIAL">the whole trial</option>
              <option value="SITE">a site</option>
              <option value="SUBJECT">a subject</option>
            </select>
          </div>
        ) : null}
        {kind === 'lock' && ids.scope !== 'TRIAL' ? input('scopeId', 'Site or subject id') : null}
        {kind === 'analysisSnapshot' ? input('snapshotId', 'Snapshot id') : null}
        <button type="submit">Open</button>
      </form>
      {chosen ? (
        <div key={chosen.key}>
          <TargetSignatures chosen={chosen} consistentWith={consistentWith} />
          <SignForm target={chosen.target} label={KINDS.find((k) => k.kind === chosen.kind)!.label} idPrefix="sign" onSigned={(p) => setConsistentWith(p)} />
        </div>
      ) : null}
    </section>
  );
}

function TargetSignatures({ chosen, consistentWith }: { chosen: { kind: TargetKind; target: SignatureTargetInput }; consistentWith: string | null }) {
  const t = chosen.target;
  const trialId = t.trial?.trialId ?? t.lock?.trialId ?? '';
  const subjectId = t.subject?.subjectId ?? t.measurement?.subjectId ?? '';
  const [trial] = useQuery({ query: TrialSignaturesQuery, variables: { id: trialId, consistentWith }, pause: !trialId });
  const [subject] = useQuery({ query: SubjectSignaturesQuery, variables: { id: subjectId, consistentWith }, pause: chosen.kind !== 'subject' });
  const [measurements] = useQuery({ query: MeasurementSignaturesQuery, variables: { subjectId, consistentWith }, pause: chosen.kind !== 'measurement' });
  const error = trial.error ?? subject.error ?? measurements.error;
  let rows: readonly SignatureRow[] | null = null;
  switch (chosen.kind) {
    case 'trial':
      rows = trial.data?.trial?.signatures ?? null;
      break;
    case 'lock': {
      const lock = trial.data?.trial?.locks.find((l) => l.scope === (t.lock?.scope ?? 'TRIAL') && (l.scopeId ?? null) === (t.lock?.scopeId ?? null));
      rows = trial.data ? (lock?.signatures ?? []) : null;
      break;
    }
    case 'subject':
      rows = subject.data?.subject?.signatures ?? null;
      break;
    case 'measurement':
      rows = measurements.data ? (measurements.data.measurements.nodes.find((m) => m.id === t.measurement?.measurementId)?.signatures ?? []) : null;
      break;
    case 'analysisSnapshot':
      return <p>The API does not list a snapshot&apos;s signatures yet: the receipt below and the audit log show each one.</p>;
  }
  return (
    <section aria-labelledby="target-signatures-heading">
      <h2 id="target-signatures-heading">Signatures of this record</h2>
      <ErrorBanner errors={apiErrors(error)} />
      {rows ? <SignatureList signatures={rows} label="this record" /> : error ? null : <p>Loading…</p>}
    </section>
  );
}
