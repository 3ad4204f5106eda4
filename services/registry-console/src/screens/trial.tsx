import { useState } from 'react';
import { useQuery } from 'urql';
import { apiErrors, isDenied } from '../client';
import { graphql } from '../gql';
import { Link } from '../router';
import { Denied, ErrorBanner } from '../ui/errors';
import { StatusLine } from '../ui/status-line';
import { EnrolForm } from './subject-entry';
import { Pager } from './trials';
import { TrialGovernance } from './trial-governance';

const TrialQuery = graphql(`
  query ConsoleTrial($id: ID!) {
    trial(id: $id) {
      id
      title
      phase
      sponsor
      primaryEndpoint
      status
      locked
      lockReason
      lockedAt
      version
      updatedAt
      identifiers {
        system
        value
      }
      schedule {
        code
        label
        targetDay
        windowBeforeDays
        windowAfterDays
      }
      arms {
        code
        name
        type
        plannedSize
        actualSize
        withdrawn
      }
      sites {
        id
        name
        country
        status
        enrolled
        withdrawn
      }
      enrolment {
        enrolled
        randomised
        withdrawn
      }
    }
  }
`);

const TrialSubjectsQuery = graphql(`
  query ConsoleTrialSubjects($filter: SubjectFilter!, $first: Int!, $after: String, $consistentWith: GlobalPosition) {
    subjects(filter: $filter, first: $first, after: $after, consistentWith: $consistentWith) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        pseudonym
        siteId
        armCode
        status
        enrolledAt
      }
    }
  }
`);

const PAGE = 50;

/** One trial: arms, sites, schedule, lock state, and its subjects (filtered by site, arm and status; paged). */
export function TrialScreen({ id }: { id: string }) {
  const [{ data, error, fetching }, refresh] = useQuery({ query: TrialQuery, variables: { id } });
  // The last enrolment's global position: the subject list reads it back with consistentWith.
  const [written, setWritten] = useState<string | null>(null);
  if (isDenied(error)) return <Denied errors={apiErrors(error)} />;
  if (fetching && !data) return <p>Loading…</p>;
  const trial = data?.trial;
  if (!trial) {
    return (
      <section>
        <h1>Trial {id}</h1>
        <ErrorBanner errors={apiErrors(error)} />
        {!error ? <p>No trial with this id.</p> : null}
      </section>
    );
  }
  return (
    <section>
      <h1>{trial.title}</h1>
      <StatusLine />
      <dl className="facts">
        <dt>Id</dt>
        <dd>{trial.id}</dd>
        <dt>Phase</dt>
        <dd>{trial.phase}</dd>
        <dt>Sponsor</dt>
        <dd>{trial.sponsor}</dd>
        <dt>Primary endpoint</dt>
        <dd>{trial.primaryEndpoint}</dd>
        <dt>Status</dt>
        <dd>{trial.status}</dd>
        <dt>Lock</dt>
        <dd data-testid="lock-state">{trial.locked ? `Locked ${trial.lockedAt ?? ''} (${trial.lockReason ?? 'no reason'})` : 'Not locked'}</dd>
        <dt>Identifiers</dt>
        <dd>{trial.identifiers.map((i) => `${i.system} ${i.value}`).join(', ') || '—'}</dd>
        <dt>Version</dt>
        <dd>
          {trial.version} (updated {trial.updatedAt})
        </dd>
      </dl>
      <h2>Arms</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Planned</th>
            <th scope="col">Randomised</th>
            <th scope="col">Withdrawn</th>
          </tr>
        </thead>
        <tbody>
          {trial.arms.map((a) => (
            <tr key={a.code}>
              <td>{a.code}</td>
              <td>{a.name}</td>
              <td>{a.type}</td>
              <td>{a.plannedSize}</td>
              <td>{a.actualSize}</td>
              <td>{a.withdrawn}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Sites</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col">Name</th>
            <th scope="col">Country</th>
            <th scope="col">Status</th>
            <th scope="col">Enrolled</th>
            <th scope="col">Withdrawn</th>
          </tr>
        </thead>
        <tbody>
          {trial.sites.map((s) => (
            <tr key={s.id}>
              <td>{s.id}</td>
              <td>{s.name}</td>
              <td>{s.country ?? '—'}</td>
              <td>{s.status}</td>
              <td>{s.enrolled}</td>
              <td>{s.withdrawn}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Visit schedule</h2>
      {trial.schedule.length === 0 ? (
        <p>No schedule defined.</p>
      ) : (
        <ul>
          {trial.schedule.map((v) => (
            <li key={v.code}>
              {v.code} — {v.label}: day {v.targetDay} (−{v.windowBeforeDays} / +{v.windowAfterDays})
            </li>
          ))}
        </ul>
      )}
      <TrialSubjects trialId={trial.id} arms={trial.arms.map((a) => a.code)} sites={trial.sites.map((s) => s.id)} consistentWith={written} />
      <EnrolForm trialId={trial.id} sites={trial.sites.filter((s) => s.status === 'ACTIVE').map((s) => s.id)} onWritten={setWritten} />
      <TrialGovernance trialId={trial.id} onChanged={() => refresh({ requestPolicy: 'network-only' })} />
    </section>
  );
}

function TrialSubjects({ trialId, arms, sites, consistentWith }: { trialId: string; arms: string[]; sites: string[]; consistentWith: string | null }) {
  const [search, setSearch] = useState('');
  const [siteId, setSiteId] = useState('');
  const [armCode, setArmCode] = useState('');
  const [status, setStatus] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const filter = { trialId, siteId: siteId || null, armCode: armCode || null, status: status || null, search: search.trim() || null };
  const [{ data, error }] = useQuery({ query: TrialSubjectsQuery, variables: { filter, first: PAGE, after, consistentWith } });
  const reset = () => setCursors([null]);
  const page = data?.subjects;
  return (
    <>
      <h2>Subjects</h2>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="f-search">Search</label>
          <input
            id="f-search"
            type="search"
            value={search}
            placeholder="pseudonym, id or site…"
            title="Subjects whose pseudonym, subject id or site id starts with this (any case)"
            autoComplete="off"
            onChange={(e) => {
              setSearch(e.target.value);
              reset();
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="f-site">Site</label>
          <select
            id="f-site"
            value={siteId}
            onChange={(e) => {
              setSiteId(e.target.value);
              reset();
            }}
          >
            <option value="">all</option>
            {sites.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-arm">Arm</label>
          <select
            id="f-arm"
            value={armCode}
            onChange={(e) => {
              setArmCode(e.target.value);
              reset();
            }}
          >
            <option value="">all</option>
            {arms.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select
            id="f-status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              reset();
            }}
          >
            <option value="">all</option>
            {['enrolled', 'randomised', 'withdrawn'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
      </form>
      <ErrorBanner errors={apiErrors(error)} />
      {page ? (
        <>
          <p data-testid="subject-count">
            {page.totalCount} subjects · page {cursors.length}
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Pseudonym</th>
                <th scope="col">Site</th>
                <th scope="col">Arm</th>
                <th scope="col">Status</th>
                <th scope="col">Enrolled</th>
              </tr>
            </thead>
            <tbody>
              {page.nodes.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link to={`/subjects/${encodeURIComponent(s.id)}`}>{s.pseudonym}</Link>
                  </td>
                  <td>{s.siteId}</td>
                  <td>{s.armCode ?? '—'}</td>
                  <td>{s.status}</td>
                  <td>{s.enrolledAt ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            hasPrevious={cursors.length > 1}
            hasNext={page.pageInfo.hasNextPage}
            onPrevious={() => setCursors(cursors.slice(0, -1))}
            onNext={() => setCursors([...cursors, page.pageInfo.endCursor ?? null])}
          />
        </>
      ) : null}
    </>
  );
}
