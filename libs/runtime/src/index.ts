export * from './http/public-route.decorator.js';
