import { useState } from 'react';
import { useQuery } from 'urql';
import { apiErrors, isDenied } from '../client';
import { graphql } from '../gql';
import { Link } from '../router';
import { Denied, ErrorBanner } from '../ui/errors';
import { StatusLine } from '../ui/status-line';

const TrialsQuery = graphql(`
  query ConsoleTrials($first: Int!, $after: String, $filter: TrialFilter) {
    trials(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        title
        phase
        status
        locked
        arms {
          code
          actualSize
        }
        sites {
          id
          enrolled
        }
        enrolment {
          enrolled
          randomised
          withdrawn
        }
      }
    }
  }
`);

const PAGE = 25;

/** Trials the signed-in actor may see, with enrolment by arm and site; cursor-paged. */
export function TrialsScreen() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [titleContains, setTitleContains] = useState('');
  const after = cursors[cursors.length - 1] ?? null;
  const [{ data, error, fetching }] = useQuery({
    query: TrialsQuery,
    variables: { first: PAGE, after, filter: titleContains ? { titleContains } : null },
  });
  if (isDenied(error)) return <Denied errors={apiErrors(error)} />;
  const page = data?.trials;
  return (
    <section>
      <h1>Trials</h1>
      <StatusLine />
      <label htmlFor="trial-search">Search titles</label>
      <input
        id="trial-search"
        type="search"
        value={titleContains}
        onChange={(e) => {
          setTitleContains(e.target.value);
          setCursors([null]);
        }}
      />
      <ErrorBanner errors={apiErrors(error)} />
      {fetching && !page ? <p>Loading…</p> : null}
      {page ? (
        <>
          <p>{page.totalCount} trials</p>
          <table>
            <thead>
              <tr>
                <th scope="col">Trial</th>
                <th scope="col">Phase</th>
                <th scope="col">Status</th>
                <th scope="col">Enrolled / randomised / withdrawn</th>
                <th scope="col">By arm</th>
                <th scope="col">By site</th>
              </tr>
            </thead>
            <tbody>
              {page.nodes.map((t) => (
                <tr key={t.id}>
                  <td>
                    <Link to={`/trials/${encodeURIComponent(t.id)}`}>{t.title}</Link> <small>({t.id})</small>
                  </td>
                  <td>{t.phase}</td>
                  <td>
                    {t.status}
                    {t.locked ? ' · locked' : ''}
                  </td>
                  <td>
                    {t.enrolment.enrolled} / {t.enrolment.randomised} / {t.enrolment.withdrawn}
                  </td>
                  <td>{t.arms.map((a) => `${a.code}: ${a.actualSize}`).join(', ')}</td>
                  <td>{t.sites.map((s) => `${s.id}: ${s.enrolled}`).join(', ')}</td>
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
    </section>
  );
}

export function Pager(props: { hasPrevious: boolean; hasNext: boolean; onPrevious: () => void; onNext: () => void; label?: string }) {
  return (
    <nav className="pager" aria-label={props.label ?? 'Pages'}>
      <button type="button" disabled={!props.hasPrevious} onClick={props.onPrevious}>
        Previous page
      </button>
      <button type="button" disabled={!props.hasNext} onClick={props.onNext}>
        Next page
      </button>
    </nav>
  );
}
