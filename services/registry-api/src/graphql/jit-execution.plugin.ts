import type { ApolloServerPlugin, GraphQLRequestContext, GraphQLResponse } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { GraphqlContext } from './graphql-context.js';

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * Runs queries through graphql-jit, which compiles each operation once into a function that resolves its fields
 * without graphql-js's per-field interpretation (field lookup, argument coercion, completion by type). That was
 * the largest share of a 100-row page or a timeline after the database. Same schema, same resolvers (guards,
 * DataLoaders and scopes run as before), same scalars.
 *
 * Uses Apollo's `responseForOperation` hook, which runs after parsing, validation, the limits and the access log
 * (didResolveOperation). Mutations and introspection stay with graphql-js. Errors are formatted as Apollo would
 * (`formatError`, codes); a request-level error (bad variables: no data at all) is left to Apollo to answer, so it
 * keeps its HTTP 400.
 */
export function jitExecutionPlugin(
  formatError: FormatError,
  stats: { compiled: number; executed: number } = { compiled: 0, executed: 0 },
): ApolloServerPlugin<GraphqlContext> {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

  const compiledFor = (rc: GraphQLRequestContext<GraphqlContext>): CompiledQuery | null => {
    const document = rc.document!;
    const name = rc.operationName ?? '';
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    let query = byName.get(name);
    if (query === undefined) {
      const result = compileQuery(rc.schema, document, rc.operationName ?? undefined);
      query = isCompiledQuery(result) ? result : null;
      stats.compiled++;
      byName.set(name, query);
    }
    return query;
  };

  return {
    async requestDidStart() {
      return {
        async responseForOperation(rc): Promise<GraphQLResponse | null> {
          const operation = rc.operation;
          if (!operation || operation.operation !== 'query' || !rc.document) return null;
          if (operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'))) return null;
          const query = compiledFor(rc);
          if (!query) return null;
          stats.executed++;
          const result = await query.query(undefined, rc.contextValue, rc.request.variables ?? {});
          if (result.errors?.length && result.data === undefined) return null;
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: {
              kind: 'single',
              singleResult: { data: result.data, ...(result.errors?.length ? { errors: result.errors.map((e) => formatted(e, formatError)) } : {}) },
            },
          };
        },
      };
    },
  };
}

/**
 * What Apollo does to an execution error before `formatError` (errorNormalize.ts), from the fields graphql-jit
 * fills (its errors have no `extensions` object): a graphql-js GraphQLError with the resolver's error as
 * `originalError`, and always a code.
 */
function formatted(error: unknown, formatError: FormatError): GraphQLFormattedError {
  const e = error as {
    message?: string;
    path?: readonly (string | number)[];
    locations?: readonly { line: number; column: number }[];
    originalError?: unknown;
    extensions?: Record<string, unknown>;
  };
  const original = e.originalError instanceof Error ? e.originalError : undefined;
  const extensions = { ...(original instanceof GraphQLError ? original.extensions : {}), ...(e.extensions ?? {}) };
  const graphqlError = new GraphQLError(e.message ?? String(error), {
    path: e.path,
    originalError: original,
    extensions: { ...extensions, code: extensions['code'] ?? 'INTERNAL_SERVER_ERROR' },
  });
  try {
    return formatError({ ...graphqlError.toJSON(), ...(e.locations ? { locations: e.locations } : {}) }, graphqlError);
  } catch {
    return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
}
