import { useQuery } from 'urql';
import { graphql } from '../gql';

const RegistryStatusQuery = graphql(`
  query ConsoleRegistryStatus {
    registryStatus {
      lastPosition
      eventCount
    }
  }
`);

/**
 * Every screen says which moment it shows: the asOf it asked for (or "now") and the newest log position the
 * registry had when the screen loaded, so two people comparing screens know whether they saw the same log.
 */
export function StatusLine({ asOf, position }: { asOf?: string | null; position?: string | null }) {
  const [{ data }] = useQuery({ query: RegistryStatusQuery });
  const loadedAt = new Date().toISOString();
  return (
    <p className="status-line" data-testid="status-line">
      <span>
        As of: <strong data-testid="as-of">{asOf ?? `now (${loadedAt.slice(0, 19)}Z)`}</strong>
      </span>
      <span>
        Log position: <strong data-testid="log-position">{position ?? data?.registryStatus.lastPosition ?? '…'}</strong>
      </span>
      {data ? <span>{data.registryStatus.eventCount} events in the log</span> : null}
    </p>
  );
}
