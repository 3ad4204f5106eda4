import { useState } from 'react';
import { useQuery } from 'urql';
import { apiErrors, isDenied } from '../client';
import { graphql } from '../gql';
import type { ConsoleScreeningKpisQuery } from '../gql/graphql';
import { Link } from '../router';
import { AuthorizedImage } from '../ui/authorized-image';
import { Denied, ErrorBanner } from '../ui/errors';
import { StatusLine } from '../ui/status-line';

const ProgrammesQuery = graphql(`
  query ConsoleProgrammes {
    screeningProgrammes(first: 100) {
      nodes {
        id
        name
        cancerType
        intervalMonths
        rounds {
          id
          number
          name
          status
          invited
          screened
          recalled
          screenDetectedCancers
          intervalCancers
        }
      }
    }
  }
`);

const KpisQuery = graphql(`
  query ConsoleScreeningKpis($programmeId: ID!) {
    screeningKpis(input: { programmeId: $programmeId }) {
      programmeName
      computedAtPosition
      plotUrl
      groups {
        roundType
        roundId
        roundName
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

export type Kpi = ConsoleScreeningKpisQuery['screeningKpis']['groups'][number]['kpis'][number];

/** Programme and round pages: per-round counts, KPI tiles against the programme's targets, and the trend plot. */
export function ScreeningScreen({ token }: { token: string }) {
  const [{ data, error }] = useQuery({ query: ProgrammesQuery });
  const [chosen, setChosen] = useState<string | null>(null);
  if (isDenied(error)) return <Denied errors={apiErrors(error)} />;
  const programmes = data?.screeningProgrammes.nodes ?? [];
  const programme = programmes.find((p) => p.id === chosen) ?? programmes[0];
  return (
    <section>
      <h1>Screening</h1>
      <StatusLine />
      <ErrorBanner errors={apiErrors(error)} />
      {programmes.length === 0 && data ? <p>No screening programme you may see.</p> : null}
      {programmes.length > 0 ? (
        <>
          <label htmlFor="programme">Programme</label>
          <select id="programme" value={programme?.id ?? ''} onChange={(e) => setChosen(e.target.value)}>
            {programmes.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.id})
              </option>
            ))}
          </select>
        </>
      ) : null}
      {programme ? (
        <>
          <p>
            <Link to={`/screening/programmes/${encodeURIComponent(programme.id)}`}>Programme page of {programme.name}</Link> (per-round KPIs, trends, recall and
            interval-cancer lists)
          </p>
          <h2>Rounds</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Round</th>
                <th scope="col">Status</th>
                <th scope="col">Invited</th>
                <th scope="col">Screened</th>
                <th scope="col">Recalled</th>
                <th scope="col">Screen-detected</th>
                <th scope="col">Interval cancers</th>
              </tr>
            </thead>
            <tbody>
              {programme.rounds.map((r) => (
                <tr key={r.id}>
                  <td>{r.name ?? r.number ?? r.id}</td>
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
          <Kpis programmeId={programme.id} token={token} />
        </>
      ) : null}
    </section>
  );
}

function Kpis({ programmeId, token }: { programmeId: string; token: string }) {
  const [{ data, error }] = useQuery({ query: KpisQuery, variables: { programmeId } });
  if (error) return <ErrorBanner errors={apiErrors(error)} />;
  if (!data) return <p>Computing KPIs…</p>;
  const k = data.screeningKpis;
  const overall = k.groups.find((g) => g.roundType === 'ALL' && !g.roundId && !g.siteId) ?? k.groups[0];
  return (
    <>
      <h2>KPIs against the EU targets (all rounds)</h2>
      <p>Computed at log position {k.computedAtPosition ?? '—'}</p>
      <ul className="tiles" data-testid="kpi-tiles">
        {(overall?.kpis ?? []).map((kpi) => (
          <KpiTile key={kpi.kpi} kpi={kpi} />
        ))}
      </ul>
      <h2>Trend over rounds (recall rate)</h2>
      <AuthorizedImage src={k.plotUrl} token={token} alt={`Recall rate per round of ${k.programmeName}`} />
    </>
  );
}

export const fmt = (v: number | null | undefined, scale: number) =>
  v === null || v === undefined ? '—' : scale === 1000 ? `${v.toFixed(1)}‰` : `${(v * 100).toFixed(1)} %`;

/** One KPI: estimate with its CI drawn over the acceptable and desirable bands (the API says which flag applies). */
export function KpiTile({ kpi }: { kpi: Kpi }) {
  const max = Math.max(kpi.upper ?? 0, kpi.desirable ?? 0, kpi.acceptable ?? 0, kpi.estimate ?? 0) * 1.2 || 1;
  const x = (v: number) => (v / max) * 200;
  const atLeast = kpi.direction === 'at_least';
  return (
    <li className={`tile flag-${kpi.flag.toLowerCase()}`}>
      <h3>{kpi.kpi.replace(/_/g, ' ').toLowerCase()}</h3>
      <p className="estimate">{fmt(kpi.estimate, kpi.scale)}</p>
      <p>
        95 % CI {fmt(kpi.lower, kpi.scale)} – {fmt(kpi.upper, kpi.scale)} · {kpi.numerator ?? '—'}/{kpi.denominator ?? '—'}
      </p>
      <p>
        <strong>{kpi.flag.replace(/_/g, ' ').toLowerCase()}</strong>
        {kpi.acceptable !== null && kpi.acceptable !== undefined
          ? ` · acceptable ${atLeast ? '≥' : '≤'} ${fmt(kpi.acceptable, kpi.scale)}, desirable ${atLeast ? '≥' : '≤'} ${fmt(kpi.desirable, kpi.scale)}`
          : ''}
      </p>
      <svg width="200" height="20" role="img" aria-label={`${kpi.kpi} estimate and confidence interval against the target bands`}>
        {kpi.acceptable !== null && kpi.acceptable !== undefined && kpi.desirable !== null && kpi.desirable !== undefined ? (
          atLeast ? (
            <>
              <rect x={x(kpi.acceptable)} y={0} width={Math.max(0, x(kpi.desirable) - x(kpi.acceptable))} height={20} fill="#fde68a" />
              <rect x={x(kpi.desirable)} y={0} width={Math.max(0, 200 - x(kpi.desirable))} height={20} fill="#bbf7d0" />
            </>
          ) : (
            <>
              <rect x={0} y={0} width={x(kpi.desirable)} height={20} fill="#bbf7d0" />
              <rect x={x(kpi.desirable)} y={0} width={Math.max(0, x(kpi.acceptable) - x(kpi.desirable))} height={20} fill="#fde68a" />
            </>
          )
        ) : null}
        {kpi.lower !== null && kpi.lower !== undefined && kpi.upper !== null && kpi.upper !== undefined ? (
          <line x1={x(kpi.lower)} x2={x(kpi.upper)} y1={10} y2={10} stroke="#1f2937" strokeWidth={2} />
        ) : null}
        {kpi.estimate !== null && kpi.estimate !== undefined ? <circle cx={x(kpi.estimate)} cy={10} r={4} fill="#1f2937" /> : null}
      </svg>
      {kpi.note ? <p className="meta">{kpi.note}</p> : null}
    </li>
  );
}
