import type { RowOf } from '../sql/columns.js';
import type { AlgorithmVersionRow, BiomarkerRow } from './catalogue.entities.js';

/**
 * Rows of the catalogue tables as SQL returns them (snake_case): the projector writes them, the API reads them.
 * `Time` is how a timestamp travels: a Date from a TypeORM query, an ISO string in the projector.
 */
export type BiomarkerRecord<Time = Date | string> = RowOf<BiomarkerRow, Time>;

export type AlgorithmRecord<Time = Date | string> = RowOf<AlgorithmVersionRow, Time>;
