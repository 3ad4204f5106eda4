import { EventStore1764230000000 } from './1764230000000-event-store.js';

/** Every migration, in order. New migrations are added here and committed; `synchronize` stays off. */
export const migrations = [EventStore1764230000000];
