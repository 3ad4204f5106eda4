import { useState } from 'react';
import { useQuery } from 'urql';
import { apiErrors, isDenied } from '../client';
import { graphql } from '../gql';
import type { ConsoleProgrammeKpisQuery } from '../gql/graphql';
import { Link } from '../router';
import { Denied, ErrorBanner } from '../ui/errors';
import { StatusLine } from '../ui/status-line';
import { fmt, KpiTile, type Kpi } from './screening';
import { Pager } from './trials';

// Programme and round pages (issue 21): the programme's rounds, its KPIs per round against the EU targets and their
// trends over rounds, and a round's recall and interval-cancer lists (paged). Every figure is the API's
// (screeningKpis, screeningRecalls, intervalCancers); the console only lays them out.

const ProgrammeQuery = graphql(`
  query ConsoleProgramme($id: ID!) {
    screeningProgramme(id: $id) {
      id
      name
      cancerType
      targetPopulation
      ageMin
      ageMax
      intervalMonths
      rounds {
        id
        number
        name
        opensOn
        closesOn
        status
        invited
        screened
        recalled
        screenDetectedCancers
        intervalCancers
      }
    }
  }
`);

const ProgrammeKpisQuery = graphql(`
  query ConsoleProgrammeKpis($programmeId: ID!) {
    screeningKpis(input: { programmeId: $programmeId }) {
      computedAtPosition
      groups {
        roundType
        roundId
        roundName
        roundNumber
        siteId
        kpis {
          kpi
          numerator
          denominator
          estimate
          lower
          upper
          scale
          acceptable
          desirable
          direction
          flag
          note
        }
      }
    }
  }
`);

const RecallsQuery = graphql(`
  query ConsoleRoundRecalls($programmeId: ID!, $roundId: ID!, $first: Int!, $after: String) {
    screeningRecalls(programmeId: $programmeId, roundId: $roundId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        screeningId
        subjectId
        pseudonym
        siteId
        screenedAt
        humanResult
        aiPositive
        recalledAt
        recallReason
        assessmentOutcome
        stage
      }
    }
  }
`);

const IntervalCancersQuery = graphql(`
  query ConsoleRoundIntervalCancers($programmeId: ID!, $roundId: ID!, $first: Int!, $after: String) {
    intervalCancers(programmeId: $programmeId, roundId: $roundId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        reportId
        subjectId
        pseudonym
        diagnosedAt
        source
        stage
        recordedAt
      }
    }
  }
`);

const PAGE = 25;
type Group = ConsoleProgrammeKpisQuery['screeningKpis']['groups'][number];
const roundGroups = (groups: readonly Group[]) => groups.filter((g) => g.roundId && !g.siteId).sort((a, b) => (a.roundNumber ?? 0) - (b.roundNumber ?? 0));
const label = (k: string) => k.replace(/_/g, ' ').toLowerCase();
const programmePath = (id: string) => `/screening/programmes/${encodeURIComponent(id)}`;

/** The programme page: facts, rounds (each linking to its page), KPI tiles over all rounds and the trends over rounds. */
export function ProgrammeScreen({ id }: { id: string }) {
  const [{ data, error, fetching }] = useQuery({ query: ProgrammeQuery, variables: { id } });
  if (isDenied(error)) return <Denied errors={apiErrors(error)} />;
  if (fetching && !data) return <p>Loading…</p>;
  const p = data?.screeningProgramme;
  if (!p) {
    return (
      <section>
        <h1>Programme {id}</h1>
        <ErrorBanner errors={apiErrors(error)} />
        {!error ? <p>No screening programme with this id.</p> : null}
      </section>
    );
  }
  return (
    <section>
      <p>
        <Link to="/screening">← Screening</Link>
      </p>
      <h1>{p.name}</h1>
      <StatusLine />
      <dl className="facts">
        <dt>Id</dt>
        <dd>{p.id}</dd>
        <dt>Cancer</dt>
        <dd>{p.cancerType}</dd>
        <dt>Population</dt>
        <dd>
          {p.targetPopulation}, {p.ageMin}–{p.ageMax} years, every {p.intervalMonths} months
        </dd>
      </dl>
      <h2>Rounds</h2>
      <table data-testid="programme-rounds">
        <thead>
          <tr>
            <th scope="col">Round</th>
            <th scope="col">Opens – closes</th>
            <th scope="col">Status</th>
            <th scope="col">Invited</th>
            <th scope="col">Screened</th>
            <th scope="col">Recalled</th>
            <th scope="col">Screen-detected</th>
            <th scope="col">Interval cancers</th>
          </tr>
        </thead>
        <tbody>
          {p.rounds.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`${programmePath(p.id)}/rounds/${encodeURIComponent(r.id)}`}>{r.name ?? `Round ${r.number ?? r.id}`}</Link>
              </td>
              <td>
                {r.opensOn ?? '—'} – {r.closesOn ?? '—'}
              </td>
              <td>{r.status}</td>
              <td>{r.invited}</td>
              <td>{r.screened}</td>
              <td>{r.recalled}</td>
              <td>{r.screenDetectedCancers}</td>
              <td>{r.intervalCancers}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ProgrammeKpis programmeId={p.id} />
    </section>
  );
}

function ProgrammeKpis({ programmeId }: { programmeId: string }) {
  const [{ data, error }] = useQuery({ query: ProgrammeKpisQuery, variables: { programmeId } });
  if (error) return <ErrorBanner errors={apiErrors(error)} />;
  if (!data) return <p>Computing KPIs…</p>;
  const groups = data.screeningKpis.groups;
  const overall = groups.find((g) => g.roundType === 'ALL' && !g.roundId && !g.siteId);
  const rounds = roundGroups(groups);
  return (
    <>
      <h2>KPIs against the EU targets (all rounds)</h2>
      <p>Computed at log position {data.screeningKpis.computedAtPosition ?? '—'}</p>
      <ul className="tiles" data-testid="kpi-tiles">
        {(overall?.kpis ?? []).map((kpi) => (
          <KpiTile key={kpi.kpi} kpi={kpi} />
        ))}
      </ul>
      <h2>Trends over rounds</h2>
      <p className="meta">Each point is a round (oldest left) with its 95 % CI; green is the desirable band, amber the acceptable one.</p>
      <ul className="tiles" data-testid="kpi-trends">
        {(overall?.kpis ?? []).map((k) => (
          <KpiTrend key={k.kpi} name={k.kpi} rounds={rounds} />
        ))}
      </ul>
      <table data-testid="kpi-trend-table">
        <caption>KPI per round (estimate, 95 % CI, the API's flag)</caption>
        <thead>
          <tr>
            <th scope="col">KPI</th>
            {rounds.map((g) => (
              <th scope="col" key={g.roundId}>
                {g.roundName ?? `Round ${g.roundNumber ?? g.roundId}`}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(overall?.kpis ?? []).map((k) => (
            <tr key={k.kpi}>
              <th scope="row">{label(k.kpi)}</th>
              {rounds.map((g) => {
                const v = g.kpis.find((x) => x.kpi === k.kpi);
                return <td key={g.roundId}>{v ? `${fmt(v.estimate, v.scale)} (${fmt(v.lower, v.scale)}–${fmt(v.upper, v.scale)}) ${label(v.flag)}` : '—'}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** One KPI over the rounds: estimate and CI per round drawn over the target bands (at_least: higher is better). */
function KpiTrend({ name, rounds }: { name: Kpi['kpi']; rounds: readonly Group[] }) {
  const values = rounds.map((g) => g.kpis.find((k) => k.kpi === name) ?? null);
  const any = values.find((v) => v !== null) ?? null;
  const W = 220;
  const H = 90;
  const max = Math.max(...values.flatMap((v) => [v?.upper ?? 0, v?.estimate ?? 0, v?.acceptable ?? 0, v?.desirable ?? 0])) * 1.15 || 1;
  const y = (v: number) => H - (v / max) * H;
  const x = (i: number) => (rounds.length <= 1 ? W / 2 : 15 + (i * (W - 30)) / (rounds.length - 1));
  const acc = any?.acceptable;
  const des = any?.desirable;
  const atLeast = any?.direction === 'at_least';
  const described = values
    .map((v, i) => `${rounds[i]!.roundName ?? `round ${rounds[i]!.roundNumber ?? i + 1}`}: ${v ? fmt(v.estimate, v.scale) : 'no data'}`)
    .join(', ');
  return (
    <li className="tile">
      <h3>{label(name)}</h3>
      <svg width={W} height={H} role="img" aria-label={`${label(name)} per round: ${described}`}>
        {acc !== null && acc !== undefined && des !== null && des !== undefined ? (
          atLeast ? (
            <>
              <rect x={0} y={y(des)} width={W} height={Math.max(0, y(acc) - y(des))} fill="#fde68a" />
              <rect x={0} y={0} width={W} height={Math.max(0, y(des))} fill="#bbf7d0" />
            </>
          ) : (
            <>
              <rect x={0} y={y(des)} width={W} height={Math.max(0, H - y(des))} fill="#bbf7d0" />
              <rect x={0} y={y(acc)} width={W} height={Math.max(0, y(des) - y(acc))} fill="#fde68a" />
            </>
          )
        ) : null}
        <polyline
          fill="none"
          stroke="#1f2937"
          strokeWidth={1}
          points={values.flatMap((v, i) => (v?.estimate !== null && v?.estimate !== undefined ? [`${x(i)},${y(v.estimate)}`] : [])).join(' ')}
        />
        {values.map((v, i) =>
          v && v.estimate !== null && v.estimate !== undefined ? (
            <g key={i}>
              {v.lower !== null && v.lower !== undefined && v.upper !== null && v.upper !== undefined ? (
                <line x1={x(i)} x2={x(i)} y1={y(v.lower)} y2={y(v.upper)} stroke="#1f2937" strokeWidth={2} />
              ) : null}
              <circle cx={x(i)} cy={y(v.estimate)} r={4} fill="#1f2937" />
            </g>
          ) : null,
        )}
      </svg>
    </li>
  );
}

/** A round's page: its counts, its KPI tiles, its recall list and its interval-cancer list. */
export function RoundScreen({ programmeId, roundId }: { programmeId: string; roundId: string }) {
  const [{ data, error, fetching }] = useQuery({ query: ProgrammeQuery, variables: { id: programmeId } });
  if (isDenied(error)) return <Denied errors={apiErrors(error)} />;
  if (fetching && !data) return <p>Loading…</p>;
  const p = data?.screeningProgramme;
  const round = p?.rounds.find((r) => r.id === roundId);
  if (!p || !round) {
    return (
      <section>
        <h1>Round {roundId}</h1>
        <ErrorBanner errors={apiErrors(error)} />
        {!error ? <p>No such round in programme {programmeId}.</p> : null}
      </section>
    );
  }
  return (
    <section>
      <p>
        <Link to={programmePath(p.id)}>← {p.name}</Link>
      </p>
      <h1>
        {p.name}: {round.name ?? `round ${round.number ?? round.id}`}
      </h1>
      <StatusLine />
      <dl className="facts">
        <dt>Status</dt>
        <dd>{round.status}</dd>
        <dt>Opens – closes</dt>
        <dd>
          {round.opensOn ?? '—'} – {round.closesOn ?? '—'}
        </dd>
        <dt>Invited / screened</dt>
        <dd>
          {round.invited} / {round.screened}
        </dd>
        <dt>Recalled</dt>
        <dd>{round.recalled}</dd>
        <dt>Cancers (screen-detected / interval)</dt>
        <dd>
          {round.screenDetectedCancers} / {round.intervalCancers}
        </dd>
      </dl>
      <RoundKpis programmeId={p.id} roundId={round.id} />
      <RecallList programmeId={p.id} roundId={round.id} />
      <IntervalCancerList programmeId={p.id} roundId={round.id} />
    </section>
  );
}

function RoundKpis({ programmeId, roundId }: { programmeId: string; roundId: string }) {
  const [{ data, error }] = useQuery({ query: ProgrammeKpisQuery, variables: { programmeId } });
  if (error) return <ErrorBanner errors={apiErrors(error)} />;
  if (!data) return <p>Computing KPIs…</p>;
  const group = roundGroups(data.screeningKpis.groups).find((g) => g.roundId === roundId);
  return (
    <>
      <h2>KPIs of this round against the EU targets</h2>
      <p>
        Computed at log position {data.screeningKpis.computedAtPosition ?? '—'} · targets of a {group?.roundType === 'FIRST' ? 'first' : 'subsequent'} round
      </p>
      <ul className="tiles" data-testid="round-kpi-tiles">
        {(group?.kpis ?? []).map((kpi) => (
          <KpiTile key={kpi.kpi} kpi={kpi} />
        ))}
      </ul>
    </>
  );
}

/** Cursor paging state: the stack of `after` cursors of the pages seen, so "previous" goes back one. */
function useCursors(): [string | null, number, (next: string | null) => void, () => void] {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return [cursors.at(-1) ?? null, cursors.length, (next) => setCursors([...cursors, next]), () => setCursors(cursors.slice(0, -1))];
}

function RecallList({ programmeId, roundId }: { programmeId: string; roundId: string }) {
  const [after, page, next, previous] = useCursors();
  const [{ data, error }] = useQuery({ query: RecallsQuery, variables: { programmeId, roundId, first: PAGE, after } });
  const list = data?.screeningRecalls;
  return (
    <section aria-labelledby="recalls-heading" data-testid="recall-list">
      <h2 id="recalls-heading">Recall list</h2>
      <ErrorBanner errors={apiErrors(error)} />
      {list ? (
        <>
          <p data-testid="recall-count">
            {list.totalCount} recalled · page {page}
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Participant</th>
                <th scope="col">Site</th>
                <th scope="col">Screened</th>
                <th scope="col">Reading (AI)</th>
                <th scope="col">Recalled</th>
                <th scope="col">Reason</th>
                <th scope="col">Assessment</th>
              </tr>
            </thead>
            <tbody>
              {list.nodes.map((r) => (
                <tr key={r.screeningId}>
                  <td>
                    <Link to={`/subjects/${encodeURIComponent(r.subjectId)}`}>{r.pseudonym}</Link>
                  </td>
                  <td>{r.siteId}</td>
                  <td>{r.screenedAt.slice(0, 10)}</td>
                  <td>
                    {r.humanResult}
                    {r.aiPositive === null || r.aiPositive === undefined ? '' : ` (AI ${r.aiPositive ? 'positive' : 'negative'})`}
                  </td>
                  <td>{r.recalledAt.slice(0, 10)}</td>
                  <td>{r.recallReason ?? '—'}</td>
                  <td>{r.assessmentOutcome ? `${r.assessmentOutcome}${r.stage ? `, stage ${r.stage}` : ''}` : 'outstanding'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            label="Recall list pages"
            hasPrevious={page > 1}
            hasNext={list.pageInfo.hasNextPage}
            onPrevious={previous}
            onNext={() => next(list.pageInfo.endCursor ?? null)}
          />
        </>
      ) : null}
    </section>
  );
}

function IntervalCancerList({ programmeId, roundId }: { programmeId: string; roundId: string }) {
  const [after, page, next, previous] = useCursors();
  const [{ data, error }] = useQuery({ query: IntervalCancersQuery, variables: { programmeId, roundId, first: PAGE, after } });
  const list = data?.intervalCancers;
  return (
    <section aria-labelledby="interval-heading" data-testid="interval-cancer-list">
      <h2 id="interval-heading">Interval cancers after this round</h2>
      <ErrorBanner errors={apiErrors(error)} />
      {list ? (
        <>
          <p data-testid="interval-count">
            {list.totalCount} interval cancers · page {page}
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Participant</th>
                <th scope="col">Diagnosed</th>
                <th scope="col">Source</th>
                <th scope="col">Stage</th>
                <th scope="col">Reported to the registry</th>
              </tr>
            </thead>
            <tbody>
              {list.nodes.map((c) => (
                <tr key={c.reportId}>
                  <td>
                    <Link to={`/subjects/${encodeURIComponent(c.subjectId)}`}>{c.pseudonym}</Link>
                  </td>
                  <td>{c.diagnosedAt.slice(0, 10)}</td>
                  <td>{c.source.replace(/_/g, ' ')}</td>
                  <td>{c.stage ?? '—'}</td>
                  <td>{c.recordedAt.slice(0, 19)}Z</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            label="Interval-cancer list pages"
            hasPrevious={page > 1}
            hasNext={list.pageInfo.hasNextPage}
            onPrevious={previous}
            onNext={() => next(list.pageInfo.endCursor ?? null)}
          />
        </>
      ) : null}
    </section>
  );
}
