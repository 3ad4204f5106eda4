import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ValidationRule } from 'graphql';

/**
 * Static limits checked before execution (GraphQL Armor): an operation over any of them is refused with
 * GRAPHQL_VALIDATION_FAILED (the token limit: GRAPHQL_PARSE_FAILED) with `extensions.limit` naming the limit, and never
 * reaches a resolver. Sized for the registry's real queries (a subject
 * timeline with measurements and lesions is depth ~7); raise one here, with the query that needs it.
 */
export const GRAPHQL_LIMITS = Object.freeze({
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 3_000,
  // A full-width 100-row `measurements` page (the biostatistician's analysis table) costs about 6,300.
  maxCost: 20_000,
});

export function graphqlProtection(): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[] } {
  const armor = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    // Enforced by the parser itself (graphql-api.module.ts parseOptions): armor's plugin answered syntax errors 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5, ignoreIntrospection: true },
    // "Did you mean …" suggestions reveal the schema even with introspection off.
    blockFieldSuggestion: { enabled: true },
  });
  const { plugins, validationRules } = armor.protect();
  // Armor's typings point at @apollo/server's CommonJS types, ours at its ES module types: same objects at run time.
  return { plugins: plugins as unknown as ApolloServerPlugin[], validationRules };
}
