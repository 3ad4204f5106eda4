// What every deployable (API, projector) and the migration runner share: configuration, database preparation,
// the embedded PostgreSQL, logging with redaction, health and metrics.
export * from './config/app-config.js';
export * from './config/cli-database.js';
export * from './config/database.js';
export * from './config/database-roles.js';
export * from './config/logging.js';
export * from './config/private-file.js';
export * from './config/project-root.js';
export * from './embedded-postgres/embedded-database.js';
export * from './embedded-postgres/postmaster-pid.js';
export * from './embedded-postgres/postmaster.supervisor.js';
export * from './health/health.module.js';
export * from './http/public-route.decorator.js';
export * from './metrics/command-metrics.js';
export * from './metrics/metrics.module.js';
