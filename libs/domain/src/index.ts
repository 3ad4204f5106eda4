export * from './decider.js';
export * from './domain.errors.js';
