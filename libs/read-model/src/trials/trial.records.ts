import type { RowOf } from '../sql/columns.js';
import type { TrialRow } from './trial.entities.js';

/**
 * A trials row as SQL returns it (snake_case): the projector writes it, the API reads it. `Time` is how a
 * timestamp travels: a Date from a TypeORM query, an ISO string in the projector.
 */
export type TrialRecord<Time = Date | string> = RowOf<TrialRow, Time>;
