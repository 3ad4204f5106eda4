import { ProjectionCheckpoint } from './projection/projection-checkpoint.entity.js';
import { EventTypeCount } from './status/event-type-count.entity.js';
import { AccessLogEntry } from './audit/access-log.entity.js';
import { PseudonymKey, SubjectKey } from './privacy/subject-key.entity.js';

export * from './projection/projection-checkpoint.entity.js';
export * from './status/event-type-count.entity.js';
export * from './audit/access-log.entity.js';
export * from './privacy/subject-key.entity.js';

/** Every read-model entity; the DataSource and the entity/migration drift check use this list. */
export const readModelEntities: (new () => object)[] = [ProjectionCheckpoint, EventTypeCount, AccessLogEntry, SubjectKey, PseudonymKey];
