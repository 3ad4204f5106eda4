import { Client, fetchExchange, type CombinedError } from 'urql';

/**
 * The GraphQL client: no document cache, so every screen shows what the API answers now (or at its asOf), and a
 * write is read back with the receipt's global position (consistentWith) rather than patched into a cache.
 */
export function createClient(token: string): Client {
  return new Client({
    url: '/graphql',
    exchanges: [fetchExchange],
    requestPolicy: 'network-only',
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
  });
}

/** One refusal as the API states it: a stable code and, for input errors, the offending field. */
export interface ApiError {
  readonly code: string;
  readonly field: string | null;
  readonly message: string;
}

export function apiErrors(error: CombinedError | undefined): ApiError[] {
  if (!error) return [];
  if (error.graphQLErrors.length === 0) return [{ code: 'NETWORK_ERROR', field: null, message: error.message }];
  return error.graphQLErrors.map((e) => ({
    code: String(e.extensions?.['code'] ?? 'ERROR'),
    field: typeof e.extensions?.['field'] === 'string' ? (e.extensions['field'] as string) : null,
    message: e.message,
  }));
}

export function isDenied(error: CombinedError | undefined): boolean {
  return apiErrors(error).some((e) => e.code === 'FORBIDDEN' || e.code === 'UNAUTHENTICATED');
}
