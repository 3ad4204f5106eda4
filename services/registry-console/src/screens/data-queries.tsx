import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { apiErrors, isDenied } from '../client';
import { graphql } from '../gql';
import type { ConsoleDataQueriesQuery, DataQueryFilter, DataQueryStatus } from '../gql/graphql';
import { Field, Receipt, unplaced, useCommandId } from '../ui/command-form';
import { Denied, ErrorBanner } from '../ui/errors';
import { StatusLine } from '../ui/status-line';

const DataQueriesQuery = graphql(`
  query ConsoleDataQueries($filter: DataQueryFilter!, $trialId: ID, $programmeId: ID, $first: Int!, $after: String, $consistentWith: GlobalPosition) {
    dataQueries(filter: $filter, first: $first, after: $after, consistentWith: $consistentWith) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        trialId
        programmeId
        ruleId
        ruleVersion
        ruleKind
        subjectId
        siteId
        measurementId
        field
        message
        status
        answer
        lastReason
        openedAt
        updatedAt
        closedAt
      }
    }
    dataQueryCounts(trialId: $trialId, programmeId: $programmeId, consistentWith: $consistentWith) {
      siteId
      open
      answered
      resolved
      closed
    }
  }
`);

const RulesQuery = graphql(`
  query ConsoleDataQualityRules($trialId: ID, $programmeId: ID) {
    dataQualityRules(trialId: $trialId, programmeId: $programmeId, includeRetired: true) {
      id
      name
      kind
      params
      version
      retired
      updatedAt
    }
  }
`);

const ReportQuery = graphql(`
  query ConsoleDataQualityReport($trialId: ID, $programmeId: ID) {
    dataQualityReport(trialId: $trialId, programmeId: $programmeId) {
      subjects
      completeness {
        overall
      }
      timeliness {
        measurements
        medianDaysScanToRecord
        maxDaysScanToRecord
      }
      validity {
        measurements
        withOpenQuery
        ratio
      }
      consistency {
        subjectBiomarkersWithMethodChange
        methodConsistencyQueries
      }
      uniqueness {
        studies
        duplicateStudyGroups
      }
    }
  }
`);

const AnswerDataQuery = graphql(`
  mutation ConsoleAnswerDataQuery($input: AnswerDataQueryInput!) {
    answerDataQuery(input: $input) {
      id
      globalPosition
      replayed
    }
  }
`);

const CloseDataQuery = graphql(`
  mutation ConsoleCloseDataQuery($input: CloseDataQueryInput!) {
    closeDataQuery(input: $input) {
      id
      globalPosition
      replayed
    }
  }
`);

const ReopenDataQuery = graphql(`
  mutation ConsoleReopenDataQuery($input: ReopenDataQueryInput!) {
    reopenDataQuery(input: $input) {
      id
      globalPosition
      replayed
    }
  }
`);

const STATUSES: readonly DataQueryStatus[] = ['OPEN', 'ANSWERED', 'RESOLVED', 'CLOSED'];
const PAGE = 50;
const pct = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)} %`);

/**
 * Data queries (discrepancies the registry's data-quality monitor opened): list and filter them with their per-site
 * counts, and work them — the site answers with a reason, the data manager closes or reopens. The API decides who
 * may do which; the screen offers what a query's status allows.
 */
export function DataQueriesScreen() {
  const [form, setForm] = useState({ kind: 'trial', id: '', siteId: '', subjectId: '', ruleId: '', statuses: ['OPEN', 'ANSWERED'] as DataQueryStatus[] });
  const [filter, setFilter] = useState<DataQueryFilter | null>(null);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [consistentWith, setConsistentWith] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  // The chosen query as last listed: closing (or answering) it can take it out of the filter's page once the list
  // reads the write back, and its forms, with the receipt that says the command was taken, must not vanish then.
  const lastChosen = useRef<ConsoleDataQueriesQuery['dataQueries']['nodes'][number] | null>(null);
  const str = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));
  const scope = { trialId: str(filter?.trialId), programmeId: str(filter?.programmeId) };
  const [{ data, error, fetching }] = useQuery({
    query: DataQueriesQuery,
    variables: { filter: filter!, first: PAGE, after: cursors[cursors.length - 1] ?? null, consistentWith, ...scope },
    pause: !filter,
  });
  if (isDenied(error)) return <Denied errors={apiErrors(error)} />;
  const search = (e: FormEvent) => {
    e.preventDefault();
    setFilter({
      trialId: form.kind === 'trial' ? form.id.trim() : null,
      programmeId: form.kind === 'programme' ? form.id.trim() : null,
      status: form.statuses.length ? form.statuses : null,
      siteId: form.siteId.trim() || null,
      subjectId: form.subjectId.trim() || null,
      ruleId: form.ruleId.trim() || null,
    });
    setCursors([null]);
    setOpen(null);
  };
  const text = (key: 'siteId' | 'subjectId' | 'ruleId', label: string) => (
    <div className="field">
      <label htmlFor={`dq-${key}`}>{label}</label>
      <input id={`dq-${key}`} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
    </div>
  );
  const page = data?.dataQueries;
  const listed = page?.nodes.find((q) => q.id === open) ?? null;
  if (listed) lastChosen.current = listed;
  const chosen = listed ?? (open !== null && lastChosen.current?.id === open ? lastChosen.current : null);
  return (
    <section>
      <h1>Data queries</h1>
      <StatusLine position={consistentWith} />
      <form role="search" onSubmit={search} className="filters">
        <div className="field">
          <label htmlFor="dq-kind">Of a</label>
          <select id="dq-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
            <option value="trial">trial</option>
            <option value="programme">screening programme</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="dq-id">{form.kind === 'trial' ? 'Trial id' : 'Programme id'}</label>
          <input id="dq-id" value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} />
        </div>
        {text('siteId', 'Site')}
        {text('subjectId', 'Subject')}
        {text('ruleId', 'Rule')}
        <fieldset className="field">
          <legend>Status</legend>
          {STATUSES.map((s) => (
            <label key={s} className="inline">
              <input
                type="checkbox"
                checked={form.statuses.includes(s)}
                onChange={(e) => setForm({ ...form, statuses: e.target.checked ? [...form.statuses, s] : form.statuses.filter((x) => x !== s) })}
              />{' '}
              {s}
            </label>
          ))}
        </fieldset>
        <button type="submit">Show</button>
      </form>
      <ErrorBanner errors={apiErrors(error)} />
      {fetching && !data ? <p>Loading…</p> : null}
      {data ? (
        <>
          <h2>By site</h2>
          <table data-testid="dq-counts">
            <thead>
              <tr>
                <th scope="col">Site</th>
                {STATUSES.map((s) => (
                  <th scope="col" key={s}>
                    {s.toLowerCase()}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.dataQueryCounts.map((c) => (
                <tr key={c.siteId ?? '-'}>
                  <td>{c.siteId ?? '(no site)'}</td>
                  <td>{c.open}</td>
                  <td>{c.answered}</td>
                  <td>{c.resolved}</td>
                  <td>{c.closed}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>
            Queries <span data-testid="dq-total">({page?.totalCount ?? 0})</span>
          </h2>
          <table data-testid="dq-list">
            <thead>
              <tr>
                <th scope="col">Query</th>
                <th scope="col">Status</th>
                <th scope="col">Subject / site</th>
                <th scope="col">Rule</th>
                <th scope="col">Finding</th>
                <th scope="col">Answer / last reason</th>
                <th scope="col">Opened</th>
              </tr>
            </thead>
            <tbody>
              {(page?.nodes ?? []).map((q) => (
                <tr key={q.id} data-testid="dq-row">
                  <td>
                    <button type="button" className="link" aria-expanded={open === q.id} onClick={() => setOpen(open === q.id ? null : q.id)}>
                      Work on {q.id.slice(0, 12)}
                    </button>
                  </td>
                  <td data-testid="dq-status">{q.status}</td>
                  <td>
                    {q.subjectId} / {q.siteId ?? '—'}
                  </td>
                  <td>
                    {q.ruleKind} ({q.ruleId} v{q.ruleVersion})
                  </td>
                  <td>
                    <code>{q.field}</code>: {q.message}
                  </td>
                  <td>
                    {q.answer ?? '—'}
                    {q.lastReason ? ` / ${q.lastReason}` : ''}
                  </td>
                  <td>{q.openedAt}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pager" aria-label="Data query pages">
            <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous page
            </button>
            <button type="button" disabled={!page?.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, page?.pageInfo.endCursor ?? null])}>
              Next page
            </button>
          </nav>
          {chosen ? <WorkOnQuery key={chosen.id} query={chosen} onWritten={setConsistentWith} /> : null}
          <Rules trialId={scope.trialId} programmeId={scope.programmeId} />
          <QualityReport trialId={scope.trialId} programmeId={scope.programmeId} />
        </>
      ) : null}
    </section>
  );
}

type Action = 'answer' | 'close' | 'reopen';

/** What a status allows: an open or answered query may be answered (again) or closed; a closed or resolved one reopened. */
const ACTIONS: Record<DataQueryStatus, readonly Action[]> = {
  OPEN: ['answer', 'close'],
  ANSWERED: ['answer', 'close'],
  RESOLVED: ['reopen'],
  CLOSED: ['reopen'],
};

function WorkOnQuery({ query, onWritten }: { query: { id: string; status: DataQueryStatus; message: string }; onWritten: (p: string) => void }) {
  return (
    <section aria-labelledby="dq-work-heading" className="gov-forms" data-testid="dq-work">
      <h2 id="dq-work-heading">Query {query.id}</h2>
      <p>{query.message}</p>
      {ACTIONS[query.status].map((a) => (
        <QueryAction key={a} action={a} queryId={query.id} onWritten={onWritten} />
      ))}
    </section>
  );
}

const LABEL: Record<Action, { title: string; button: string; done: string; reason: string }> = {
  answer: { title: 'Answer (site)', button: 'Answer', done: 'Answered', reason: 'Why the data are right as they are' },
  close: { title: 'Close (data manager)', button: 'Close', done: 'Closed', reason: 'Reason (optional)' },
  reopen: { title: 'Reopen (data manager)', button: 'Reopen', done: 'Reopened', reason: 'Reason' },
};

function QueryAction({ action, queryId, onWritten }: { action: Action; queryId: string; onWritten: (p: string) => void }) {
  const [commandId, nextCommand] = useCommandId();
  const [reason, setReason] = useState('');
  const [receipt, setReceipt] = useState<{ globalPosition?: string | null; replayed: boolean } | null>(null);
  const [answerState, answer] = useMutation(AnswerDataQuery);
  const [closeState, close] = useMutation(CloseDataQuery);
  const [reopenState, reopen] = useMutation(ReopenDataQuery);
  const state = action === 'answer' ? answerState : action === 'close' ? closeState : reopenState;
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (state.fetching) return;
    setReceipt(null);
    let r: { globalPosition?: string | null; replayed: boolean } | undefined;
    switch (action) {
      case 'answer':
        r = (await answer({ input: { commandId, queryId, reason } })).data?.answerDataQuery;
        break;
      case 'close':
        r = (await close({ input: { commandId, queryId, reason: reason || null } })).data?.closeDataQuery;
        break;
      case 'reopen':
        r = (await reopen({ input: { commandId, queryId, reason } })).data?.reopenDataQuery;
        break;
    }
    if (r) {
      setReceipt(r);
      nextCommand();
      if (r.globalPosition) onWritten(r.globalPosition);
    }
  };
  const id = `dq-${action}`;
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-heading`} data-testid={`${id}-form`}>
      <h3 id={`${id}-heading`}>{LABEL[action].title}</h3>
      <Field id={`${id}-reason`} label={LABEL[action].reason} errors={errors} field="reason">
        <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <ErrorBanner errors={unplaced(errors, ['reason'])} />
      <button type="submit" disabled={state.fetching}>
        {LABEL[action].button}
      </button>
      <Receipt receipt={receipt} what={LABEL[action].done} />
    </form>
  );
}

function Rules({ trialId, programmeId }: { trialId: string | null; programmeId: string | null }) {
  const [{ data, error }] = useQuery({ query: RulesQuery, variables: { trialId, programmeId } });
  return (
    <section aria-labelledby="dq-rules-heading">
      <h2 id="dq-rules-heading">Data-quality rules</h2>
      <ErrorBanner errors={apiErrors(error)} />
      {data && data.dataQualityRules.length === 0 ? <p>No rules defined.</p> : null}
      {data && data.dataQualityRules.length > 0 ? (
        <table data-testid="dq-rules">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Kind</th>
              <th scope="col">Parameters</th>
              <th scope="col">Version</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {data.dataQualityRules.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.name} <code>{r.id}</code>
                </td>
                <td>{r.kind}</td>
                <td>
                  <code>{r.params}</code>
                </td>
                <td>{r.version}</td>
                <td>{r.retired ? 'retired' : 'active'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function QualityReport({ trialId, programmeId }: { trialId: string | null; programmeId: string | null }) {
  const [{ data, error }] = useQuery({ query: ReportQuery, variables: { trialId, programmeId } });
  const r = data?.dataQualityReport;
  return (
    <section aria-labelledby="dq-report-heading">
      <h2 id="dq-report-heading">Quality report (EHDS dimensions)</h2>
      {isDenied(error) ? <p>The quality report is not released to your role.</p> : <ErrorBanner errors={apiErrors(error)} />}
      {r ? (
        <dl className="facts" data-testid="dq-report">
          <dt>Subjects</dt>
          <dd>{r.subjects}</dd>
          <dt>Completeness</dt>
          <dd>{pct(r.completeness.overall)}</dd>
          <dt>Timeliness</dt>
          <dd>
            median {r.timeliness.medianDaysScanToRecord ?? '—'} days scan → record (max {r.timeliness.maxDaysScanToRecord ?? '—'}), {r.timeliness.measurements}{' '}
            measurements
          </dd>
          <dt>Validity</dt>
          <dd>
            {pct(r.validity.ratio)} ({r.validity.withOpenQuery} of {r.validity.measurements} measurements with an open query)
          </dd>
          <dt>Consistency</dt>
          <dd>
            {r.consistency.subjectBiomarkersWithMethodChange} subject biomarkers with a method change, {r.consistency.methodConsistencyQueries} queries
          </dd>
          <dt>Uniqueness</dt>
          <dd>
            {r.uniqueness.duplicateStudyGroups} duplicate groups among {r.uniqueness.studies} studies
          </dd>
        </dl>
      ) : null}
    </section>
  );
}
