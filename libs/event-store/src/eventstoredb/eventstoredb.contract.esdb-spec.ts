import { randomBytes } from 'node:crypto';
import { runEventStoreContract } from '../testing/event-store.contract.js';
import { eventStoreDbFromEnv } from './eventstoredb-event-store.js';

/*
 * The shared contract suite against a live EventStoreDB / KurrentDB server. Run with
 *   EVENTSTORE_CONNECTION_STRING='esdb://localhost:2113?tls=false' npm run test:eventstoredb
 * Each run writes under its own stream-name prefix, so runs against a long-lived server do not collide.
 */
if (!process.env['EVENTSTORE_CONNECTION_STRING']) {
  throw new Error(
    'EVENTSTORE_CONNECTION_STRING is not set. `npm run test:eventstoredb` runs the event-store contract against a live ' +
      "EventStoreDB/KurrentDB server, e.g. EVENTSTORE_CONNECTION_STRING='esdb://localhost:2113?tls=false' " +
      '(docker compose -f infra/compose.yaml up eventstore1 eventstore2 eventstore3, see infra/README.md).',
  );
}

const runPrefix = `run${randomBytes(4).toString('hex')}_`;

runEventStoreContract('eventstoredb', async () => {
  const store = eventStoreDbFromEnv(process.env, { streamPrefix: runPrefix });
  return { store, cleanup: () => store.close() };
});
