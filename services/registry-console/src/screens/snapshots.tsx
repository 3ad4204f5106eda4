import { useState, type FormEvent } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { apiErrors, isDenied } from '../client';
import { graphql } from '../gql';
import { Field, Receipt, unplaced, useCommandId } from '../ui/command-form';
import { Denied, ErrorBanner } from '../ui/errors';
import { StatusLine } from '../ui/status-line';
import { SignForm } from './signatures';

const SnapshotsQuery = graphql(`
  query ConsoleSnapshots($trialId: ID, $programmeId: ID) {
    analysisSnapshots(trialId: $trialId, programmeId: $programmeId) {
      id
      trialId
      programmeId
      position
      asOf
      purpose
      reason
      frozenAt
      frozenBy
      contentHash
      tables {
        table
        rows
      }
      exports {
        format
        url
        mediaType
      }
    }
  }
`);

const FreezeSnapshot = graphql(`
  mutation ConsoleFreezeSnapshot($input: FreezeAnalysisSnapshotInput!) {
    freezeAnalysisSnapshot(input: $input) {
      id
      globalPosition
      replayed
    }
  }
`);

const VerifySnapshot = graphql(`
  query ConsoleVerifySnapshot($id: ID!) {
    verifyAnalysisSnapshot(id: $id) {
      snapshotId
      matches
      storedHash
      recomputedHash
      differingTables
      storedRowsMatch
    }
  }
`);

type Scope = { trialId: string | null; programmeId: string | null };

/**
 * Frozen analysis snapshots of a trial or programme (biostatisticians, screening managers, admins freeze; regulators
 * read and verify): freeze one with a purpose and reason, list them, recompute one from the log and compare its hash,
 * and download each export format with the SHA-256 the API states for the file and the one of the bytes received.
 */
export function SnapshotsScreen({ token }: { token: string }) {
  const [form, setForm] = useState({ kind: 'trial', id: '' });
  const [scope, setScope] = useState<Scope | null>(null);
  const [{ data, error, fetching }, refresh] = useQuery({ query: SnapshotsQuery, variables: scope!, pause: !scope });
  if (isDenied(error)) return <Denied errors={apiErrors(error)} />;
  const show = (e: FormEvent) => {
    e.preventDefault();
    setScope({ trialId: form.kind === 'trial' ? form.id.trim() : null, programmeId: form.kind === 'programme' ? form.id.trim() : null });
  };
  const snapshots = data?.analysisSnapshots ?? [];
  return (
    <section>
      <h1>Analysis snapshots</h1>
      <StatusLine position={snapshots.length ? snapshots[snapshots.length - 1]!.position : null} />
      <form onSubmit={show} className="filters" aria-label="Snapshots of">
        <div className="field">
          <label htmlFor="snap-kind">Of a</label>
          <select id="snap-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
            <option value="trial">trial</option>
            <option value="programme">screening programme</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="snap-id">{form.kind === 'trial' ? 'Trial id' : 'Programme id'}</label>
          <input id="snap-id" value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} />
        </div>
        <button type="submit">Show</button>
      </form>
      <ErrorBanner errors={apiErrors(error)} />
      {scope ? <FreezeForm scope={scope} onFrozen={() => refresh({ requestPolicy: 'network-only' })} /> : null}
      {fetching && !data ? <p>Loading…</p> : null}
      {data && snapshots.length === 0 ? <p>No snapshot frozen yet.</p> : null}
      {snapshots.map((s) => (
        <SnapshotCard key={s.id} snapshot={s} token={token} />
      ))}
    </section>
  );
}

function FreezeForm({ scope, onFrozen }: { scope: Scope; onFrozen: () => void }) {
  const [commandId, nextCommand] = useCommandId();
  const [purpose, setPurpose] = useState('');
  const [reason, setReason] = useState('');
  const [position, setPosition] = useState('');
  const [receipt, setReceipt] = useState<{ globalPosition?: string | null; replayed: boolean } | null>(null);
  const [state, freeze] = useMutation(FreezeSnapshot);
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    setReceipt(null);
    const r = (await freeze({ input: { commandId, ...scope, purpose, reason, position: position.trim() || null } })).data?.freezeAnalysisSnapshot;
    if (r) {
      setReceipt(r);
      nextCommand();
      onFrozen();
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="freeze-heading" data-testid="freeze-form">
      <h2 id="freeze-heading">Freeze a snapshot</h2>
      <Field id="freeze-purpose" label="Purpose (e.g. Primary analysis, SAP v2.1)" errors={errors} field="purpose">
        <input id="freeze-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} />
      </Field>
      <Field id="freeze-reason" label="Reason" errors={errors} field="reason">
        <input id="freeze-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <Field id="freeze-position" label="Data cut: log position (empty: the newest settled event)" errors={errors} field="position">
        <input id="freeze-position" inputMode="numeric" value={position} onChange={(e) => setPosition(e.target.value)} />
      </Field>
      <ErrorBanner errors={unplaced(errors, ['purpose', 'reason', 'position'])} />
      <button type="submit" disabled={state.fetching}>
        Freeze
      </button>
      <Receipt receipt={receipt} what="Frozen" />
    </form>
  );
}

interface SnapshotRow {
  readonly id: string;
  readonly position: string;
  readonly purpose: string;
  readonly reason: string;
  readonly frozenAt: string;
  readonly frozenBy: string;
  readonly contentHash: string;
  readonly tables: readonly { readonly table: string; readonly rows: number }[];
  readonly exports: readonly { readonly format: string; readonly url: string; readonly mediaType: string }[];
}

function SnapshotCard({ snapshot: s, token }: { snapshot: SnapshotRow; token: string }) {
  const client = useClient();
  const [verification, setVerification] = useState<string | null>(null);
  const [signing, setSigning] = useState(false);
  const verify = async () => {
    setVerification('Recomputing from the log…');
    const r = await client.query(VerifySnapshot, { id: s.id }).toPromise();
    const v = r.data?.verifyAnalysisSnapshot;
    setVerification(
      v
        ? `${v.matches && v.storedRowsMatch ? 'MATCHES' : 'DIFFERS'}: frozen ${v.storedHash}, recomputed ${v.recomputedHash}; kept rows ${v.storedRowsMatch ? 'unchanged' : 'CHANGED'}${v.differingTables.length ? `; differing tables ${v.differingTables.join(', ')}` : ''}`
        : apiErrors(r.error)
            .map((e) => `${e.code}: ${e.message}`)
            .join('; '),
    );
  };
  return (
    <article className="snapshot" aria-labelledby={`snap-${s.id}`} data-testid="snapshot">
      <h2 id={`snap-${s.id}`}>
        {s.purpose} <code>{s.id}</code>
      </h2>
      <dl className="facts">
        <dt>Data cut</dt>
        <dd>log position {s.position}</dd>
        <dt>Frozen</dt>
        <dd>
          {s.frozenAt} by {s.frozenBy} ({s.reason})
        </dd>
        <dt>Content hash</dt>
        <dd>
          <code data-testid="snapshot-hash">{s.contentHash}</code>
        </dd>
        <dt>Tables</dt>
        <dd>{s.tables.map((t) => `${t.table} (${t.rows})`).join(', ')}</dd>
      </dl>
      <p>
        <button type="button" onClick={() => void verify()}>
          Verify (recompute from the log)
        </button>{' '}
        <output data-testid="snapshot-verification">{verification}</output>
      </p>
      <h3>Exports</h3>
      <ul className="exports">
        {s.exports.map((x) => (
          <ExportDownload key={x.format} path={x.url} format={x.format} token={token} />
        ))}
      </ul>
      <button type="button" className="secondary" aria-expanded={signing} onClick={() => setSigning(!signing)}>
        Sign this snapshot
      </button>
      {signing ? (
        <SignForm
          target={{ analysisSnapshot: { snapshotId: s.id } }}
          label="this snapshot"
          idPrefix={`sign-snap-${s.id.slice(0, 8)}`}
          onSigned={() => undefined}
        />
      ) : null}
    </article>
  );
}

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** GET the export with the bearer token; show the SHA-256 the API states (x-content-sha256) and of the bytes received. */
function ExportDownload({ path, format, token }: { path: string; format: string; token: string }) {
  const [result, setResult] = useState<{ stated: string | null; received: string; bytes: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    try {
      const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = await res.arrayBuffer();
      const received = hex(await crypto.subtle.digest('SHA-256', body));
      setResult({ stated: res.headers.get('x-content-sha256'), received, bytes: body.byteLength });
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? path.split('/').pop() ?? 'export';
      const url = URL.createObjectURL(new Blob([body], { type: res.headers.get('content-type') ?? 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <li data-testid={`export-${format}`}>
      <button type="button" onClick={() => void download()}>
        Download {format}
      </button>{' '}
      {result ? (
        <span data-testid="export-sha256">
          {result.bytes} bytes · sha256 <code>{result.received}</code>{' '}
          {result.stated === result.received ? '(matches the API’s x-content-sha256)' : `(the API stated ${result.stated ?? 'none'})`}
        </span>
      ) : null}
      {error ? <span role="alert">Download failed: {error}</span> : null}
    </li>
  );
}
