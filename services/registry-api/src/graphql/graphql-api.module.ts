import { join } from 'node:path';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { createLogger, projectRoot } from '#runtime';
import { GRAPHQL_LIMITS, graphqlProtection } from '../hardening/graphql-limits.js';
import { literalInputRule } from '../hardening/input-sanitation.js';
import { formatGraphqlError } from './error-mapping.js';
import { httpStatusPlugin } from './http-status.plugin.js';
import { jitExecutionPlugin } from './jit-execution.plugin.js';
import { buildContext } from './graphql-context.js';
import { DateTimeScalar, GlobalPositionScalar } from './scalars.js';
import { GraphiqlController } from './graphiql/graphiql.controller.js';
import { graphiqlLandingPagePlugin } from './graphiql/graphiql-landing-page.plugin.js';

export interface GraphqlApiOptions {
  readonly introspection: boolean;
  readonly logLevel: string;
}

/**
 * `totalCount` of a connection is a promise the count query fills only when selected. graphql-js awaits a
 * promise-valued property, graphql-jit (jit-execution.plugin.ts) reads properties as plain values: an explicit
 * resolver makes both await it.
 */
function resolveLazyCounts(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const field = type.getFields()['totalCount'];
    if (field && !field.resolve) field.resolve = (source: { totalCount: unknown }) => source.totalCount;
  }
  return schema;
}

@Module({})
export class GraphqlApiModule {
  static forRoot(options: GraphqlApiOptions): DynamicModule {
    const logger = createLogger(options.logLevel, 'graphql');
    // Depth, cost, alias, directive and token limits + no field suggestions (hardening/graphql-limits.ts).
    const protection = graphqlProtection();
    const formatError = formatGraphqlError(logger);
    return {
      module: GraphqlApiModule,
      controllers: options.introspection ? [GraphiqlController] : [],
      // The schema (GraphQLSchemaHost) for plain routes that coerce input by its types (plots' `q`).
      global: true,
      exports: [GraphQLModule],
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          // Schema-first: graphql/*.graphql is the contract; resolvers bind to it by name.
          typePaths: [join(projectRoot(), 'graphql', '**', '*.graphql')],
          resolvers: { GlobalPosition: GlobalPositionScalar, DateTime: DateTimeScalar },
          path: '/graphql',
          introspection: options.introspection,
          // Nest's GraphiQL loads React and GraphiQL from unpkg.com (blank on an offline network): off, and ours,
          // served from the installed packages, takes the landing page instead (graphiql/graphiql-assets.ts).
          graphiql: false,
          // Field-level guards must run on @ResolveField too (architecture.md §9).
          fieldResolverEnhancers: ['guards', 'interceptors', 'filters'],
          context: buildContext,
          formatError,
          transformSchema: resolveLazyCounts,
          includeStacktraceInErrorResponses: false,
          // Apollo installs its cache-control plugin by default; it hooks every resolved field (a tenth of a large
          // page's time) to compute HTTP cache hints this API never gives: registry answers are not cacheable.
          plugins: [
            ...protection.plugins,
            ApolloServerPluginCacheControlDisabled(),
            jitExecutionPlugin(formatError),
            httpStatusPlugin(),
            ...(options.introspection ? [graphiqlLandingPagePlugin('/graphql')] : []),
          ],
          // Literals are checked first, so their refusal names the argument (hardening/input-sanitation.ts).
          validationRules: [literalInputRule, ...protection.validationRules],
          // The token limit is graphql-js's own parser option: a refusal is a 400 parse error. graphql-armor's
          // version re-parsed in a plugin hook, where any syntax error became HTTP 500.
          parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
          // Nest resets every response with `data` to HTTP 200 after all plugins; retryable codes (BUSY) must reach
          // clients and proxies as 503 + Retry-After (http-status.plugin.ts). No error sets
          // extensions.http, so nothing else changes status.
          preserveHttpStatusForExecutionErrors: false,
          allowBatchedHttpRequests: false,
        }),
      ],
    };
  }
}
