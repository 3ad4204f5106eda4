// The projection engine: the projections that keep the read models, the catch-up subscription that feeds them,
// checkpoints, leadership and lag. Two deployables host it: registry-projector, and registry-api when
// PROJECTOR=embedded (`npm start`: both in one process). Test fixtures stay in ./testing, outside this index.
export * from './projector.module.js';
export * from './projector.service.js';
export * from './projections/projection.js';
export * from './projections/event-type-counts.projection.js';
export * from './subscription/event-batches.js';
export * from './subscription/projection-runner.js';
export * from './rebuild/projection-rebuilder.js';
export * from './leadership/leadership.module.js';
export * from './health/projector-health.module.js';
export * from './snapshot/canonical-snapshot.js';
export * from './snapshot/snapshot-replay.js';
export * from './projections/data-quality.projection.js';
export * from './quality/data-quality-facts.js';
export * from './quality/data-quality-monitor.js';
export * from './quality/data-quality-monitor.service.js';
