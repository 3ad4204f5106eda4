import { ProjectionCheckpoint } from './projection/projection-checkpoint.entity.js';
import { EventTypeCount } from './status/event-type-count.entity.js';

export * from './projection/projection-checkpoint.entity.js';
export * from './status/event-type-count.entity.js';

/** Every read-model entity; the DataSource and the entity/migration drift check use this list. */
export const readModelEntities: (new () => object)[] = [ProjectionCheckpoint, EventTypeCount];
