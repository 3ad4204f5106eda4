import { useState, type FormEvent } from 'react';
import { useClient, useQuery } from 'urql';
import { apiErrors, isDenied } from '../client';
import { graphql } from '../gql';
import type { AuditLogFilter } from '../gql/graphql';
import { Denied, ErrorBanner } from '../ui/errors';
import { StatusLine } from '../ui/status-line';
import { downloadWithToken } from '../ui/authorized-image';
import { RoleGrants } from './role-grants';

const AuditLogQuery = graphql(`
  query ConsoleAuditLog($filter: AuditLogFilter, $first: Int!, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      nextCursor
      events {
        globalPosition
        streamId
        revision
        eventId
        type
        actorId
        actorRole
        reason
        recordedAt
        occurredAt
        hash
        data
      }
    }
    auditExport(filter: $filter) {
      url
      format
    }
  }
`);

const PreviousEventQuery = graphql(`
  query ConsoleAuditStream($streamId: String!) {
    history(streamId: $streamId) {
      revision
      globalPosition
      hash
      type
    }
  }
`);

const VerifyTrailQuery = graphql(`
  query ConsoleVerifyTrail {
    verifyAuditTrail {
      ok
      eventsChecked
      streamsChecked
      firstFailure {
        streamId
        revision
        reason
      }
    }
  }
`);

const VerifySealsQuery = graphql(`
  query ConsoleVerifySeals {
    verifyAuditSeals {
      ok
      sealsChecked
      eventsCovered
      anchored {
        sequence
        location
      }
      firstFailure {
        sequence
        reason
      }
    }
  }
`);

const AccessLogQuery = graphql(`
  query ConsoleAccessLog($first: Int!) {
    accessLog(first: $first) {
      entries {
        id
        at
        actorId
        actorRole
        channel
        operationName
        rootFields
        trialIds
      }
    }
  }
`);

const PAGE = 50;

/** For regulators: search the audit log, open an event with its predecessor's hash, verify the log, export it. */
export function AuditScreen({ token }: { token: string }) {
  const [form, setForm] = useState({ actorId: '', actorRole: '', trialId: '', eventType: '', from: '', to: '' });
  const [filter, setFilter] = useState<AuditLogFilter | null>(null);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [{ data, error, fetching }] = useQuery({ query: AuditLogQuery, variables: { filter, first: PAGE, after: cursors[cursors.length - 1] ?? null } });
  const [openEvent, setOpenEvent] = useState<string | null>(null);
  if (isDenied(error)) return <Denied errors={apiErrors(error)} />;
  const search = (e: FormEvent) => {
    e.preventDefault();
    const iso = (s: string) => (s ? new Date(s).toISOString() : null);
    setFilter({
      actorId: form.actorId || null,
      actorRole: form.actorRole || null,
      trialId: form.trialId || null,
      eventTypes: form.eventType ? [form.eventType] : null,
      from: iso(form.from),
      to: iso(form.to),
    });
    setCursors([null]);
  };
  const input = (key: keyof typeof form, label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`audit-${key}`}>{label}</label>
      <input id={`audit-${key}`} type={type} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
    </div>
  );
  const events = data?.auditLog.events ?? [];
  return (
    <section>
      <h1>Audit trail</h1>
      <StatusLine position={events.length ? events[events.length - 1]!.globalPosition : null} />
      <Verification />
      <form role="search" onSubmit={search} className="filters">
        {input('actorId', 'Actor')}
        {input('actorRole', 'Role')}
        {input('trialId', 'Trial')}
        {input('eventType', 'Event type')}
        {input('from', 'Recorded from', 'datetime-local')}
        {input('to', 'Recorded before', 'datetime-local')}
        <button type="submit">Search</button>
      </form>
      <ErrorBanner errors={apiErrors(error)} />
      {data ? (
        <p>
          <button type="button" onClick={() => void downloadWithToken(data.auditExport.url, token, 'audit-export.ndjson')}>
            Export this selection ({data.auditExport.format})
          </button>
        </p>
      ) : null}
      {fetching && !data ? <p>Loading…</p> : null}
      <table data-testid="audit-log">
        <thead>
          <tr>
            <th scope="col">Position</th>
            <th scope="col">Stream</th>
            <th scope="col">Event</th>
            <th scope="col">Who</th>
            <th scope="col">Recorded</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.globalPosition}>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => setOpenEvent(openEvent === e.eventId ? null : e.eventId)}
                  aria-expanded={openEvent === e.eventId}
                >
                  {e.globalPosition}
                </button>
                {openEvent === e.eventId ? <EventDetail event={e} /> : null}
              </td>
              <td>
                {e.streamId}@{e.revision}
              </td>
              <td>{e.type}</td>
              <td>
                {e.actorId} ({e.actorRole})
              </td>
              <td>{e.recordedAt}</td>
              <td>{e.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="pager" aria-label="Audit pages">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button type="button" disabled={!data?.auditLog.nextCursor} onClick={() => setCursors([...cursors, data?.auditLog.nextCursor ?? null])}>
          Next page
        </button>
      </nav>
      <AccessLog />
      <RoleGrants />
    </section>
  );
}

function EventDetail({ event }: { event: { streamId: string; revision: number; hash: string; data: string } }) {
  const [{ data }] = useQuery({ query: PreviousEventQuery, variables: { streamId: event.streamId } });
  const previous = data?.history.find((h) => h.revision === event.revision - 1);
  return (
    <div className="event-detail" data-testid="event-detail">
      <p>
        Hash: <code>{event.hash}</code>
      </p>
      <p>
        Predecessor&apos;s hash: <code>{event.revision === 0 ? '(first event of its stream)' : (previous?.hash ?? '…')}</code>
      </p>
      <pre>{event.data}</pre>
    </div>
  );
}

function Verification() {
  const client = useClient();
  const [trail, setTrail] = useState<string | null>(null);
  const [seals, setSeals] = useState<string | null>(null);
  const verifyTrail = async () => {
    setTrail('Verifying…');
    const r = await client.query(VerifyTrailQuery, {}).toPromise();
    const v = r.data?.verifyAuditTrail;
    setTrail(
      v
        ? `${v.ok ? 'OK' : 'FAILED'}: ${v.eventsChecked} events in ${v.streamsChecked} streams checked${v.firstFailure ? `; first failure ${v.firstFailure.streamId}@${v.firstFailure.revision}: ${v.firstFailure.reason}` : ''}`
        : apiErrors(r.error)
            .map((e) => `${e.code}: ${e.message}`)
            .join('; '),
    );
  };
  const verifySeals = async () => {
    setSeals('Verifying…');
    const r = await client.query(VerifySealsQuery, {}).toPromise();
    const v = r.data?.verifyAuditSeals;
    setSeals(
      v
        ? `${v.ok ? 'OK' : 'FAILED'}: ${v.sealsChecked} seals over ${v.eventsCovered} events${v.anchored ? `, anchored seal ${v.anchored.sequence}` : ''}${v.firstFailure ? `; seal ${v.firstFailure.sequence}: ${v.firstFailure.reason}` : ''}`
        : apiErrors(r.error)
            .map((e) => `${e.code}: ${e.message}`)
            .join('; '),
    );
  };
  return (
    <div className="verify">
      <button type="button" onClick={() => void verifyTrail()}>
        Verify the hash chains (verifyAuditTrail)
      </button>
      <output data-testid="verify-trail">{trail}</output>
      <button type="button" onClick={() => void verifySeals()}>
        Verify the seals (verifyAuditSeals)
      </button>
      <output data-testid="verify-seals">{seals}</output>
    </div>
  );
}

function AccessLog() {
  const [{ data, error }] = useQuery({ query: AccessLogQuery, variables: { first: 20 } });
  return (
    <section aria-labelledby="access-heading">
      <h2 id="access-heading">Access log (who read what, newest first)</h2>
      <ErrorBanner errors={apiErrors(error)} />
      <table>
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Who</th>
            <th scope="col">Channel</th>
            <th scope="col">Operation</th>
            <th scope="col">Trials</th>
          </tr>
        </thead>
        <tbody>
          {(data?.accessLog.entries ?? []).map((a) => (
            <tr key={a.id}>
              <td>{a.at}</td>
              <td>
                {a.actorId} ({a.actorRole})
              </td>
              <td>{a.channel}</td>
              <td>{a.operationName ?? a.rootFields.join(', ')}</td>
              <td>{a.trialIds.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
