export * from './event-store.js';
export * from './event-store.errors.js';
export * from './event-validation.js';
export * from './hash-chain.js';
export * from './verify-chains.js';
export * from './in-memory/in-memory-event-store.js';
export * from './postgres/postgres-event-store.js';
export * from './handle-command.js';
