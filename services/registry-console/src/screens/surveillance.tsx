import { useState } from 'react';
import { useQuery } from 'urql';
import { apiErrors, isDenied } from '../client';
import { graphql } from '../gql';
import { AuthorizedImage } from '../ui/authorized-image';
import { Denied, ErrorBanner } from '../ui/errors';
import { StatusLine } from '../ui/status-line';

const AlgorithmsQuery = graphql(`
  query ConsoleAlgorithms {
    algorithmVersions(first: 200) {
      nodes {
        id
        manufacturer
        name
        version
      }
    }
  }
`);

const SurveillanceQuery = graphql(`
  query ConsoleSurveillance($algorithmVersionId: ID!) {
    algorithmSurveillance(input: { algorithmVersionId: $algorithmVersionId }) {
      computedAtPosition
      plotUrl
      total {
        readings
        aiPositive
        cancers
      }
      cusum {
        siteId
        metric
        months
        plotUrl
        alarms {
          alarmId
          month
          direction
        }
      }
    }
    surveillanceAlarms(algorithmVersionId: $algorithmVersionId) {
      alarmId
      metric
      siteId
      month
      direction
      statistic
      raisedAt
      raisedBy
    }
  }
`);

/** AI surveillance: per algorithm version, the CUSUM charts by site and month and the alarms raised. */
export function SurveillanceScreen({ token }: { token: string }) {
  const [{ data: list, error: listError }] = useQuery({ query: AlgorithmsQuery });
  const [chosen, setChosen] = useState<string | null>(null);
  const versions = list?.algorithmVersions.nodes ?? [];
  const id = chosen ?? versions[0]?.id ?? null;
  const [{ data, error }] = useQuery({ query: SurveillanceQuery, variables: { algorithmVersionId: id ?? '' }, pause: !id });
  if (isDenied(error)) return <Denied errors={apiErrors(error)} />;
  const s = data?.algorithmSurveillance;
  return (
    <section>
      <h1>AI surveillance</h1>
      <StatusLine position={s?.computedAtPosition ?? null} />
      <ErrorBanner errors={[...apiErrors(listError), ...apiErrors(error)]} />
      {versions.length === 0 && list ? <p>No algorithm version is registered.</p> : null}
      {versions.length > 0 ? (
        <>
          <label htmlFor="algorithm">Algorithm version</label>
          <select id="algorithm" value={id ?? ''} onChange={(e) => setChosen(e.target.value)}>
            {versions.map((v) => (
              <option key={v.id} value={v.id}>
                {v.manufacturer} {v.name} {v.version}
              </option>
            ))}
          </select>
        </>
      ) : null}
      {s ? (
        <>
          <p>
            {s.total.readings} readings, {s.total.aiPositive} AI-positive, {s.total.cancers} cancers
          </p>
          <h2>CUSUM charts</h2>
          {s.cusum.length === 0 ? <p>Not enough months for a CUSUM chart.</p> : null}
          <div className="plots">
            {s.cusum.flatMap((c) =>
              c
                ? [
                    <figure key={`${c.siteId ?? 'all'}-${c.metric}`}>
                      <AuthorizedImage src={c.plotUrl} token={token} alt={`CUSUM of ${c.metric} for ${c.siteId ?? 'all sites'}`} />
                      <figcaption>
                        {c.siteId ?? 'All sites'} · {c.metric} · {c.alarms.length} alarms
                      </figcaption>
                    </figure>,
                  ]
                : [],
            )}
          </div>
          <h2>Alarms raised</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col">Site</th>
                <th scope="col">Metric</th>
                <th scope="col">Direction</th>
                <th scope="col">Raised</th>
              </tr>
            </thead>
            <tbody>
              {(data?.surveillanceAlarms ?? []).map((a) => (
                <tr key={a.alarmId}>
                  <td>{a.month}</td>
                  <td>{a.siteId ?? 'all'}</td>
                  <td>{a.metric}</td>
                  <td>{a.direction}</td>
                  <td>
                    {a.raisedAt} {a.raisedBy ? `by ${a.raisedBy}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
