import type { ApolloServerPlugin } from '@apollo/server';
import { HTTP_STATUS_OF_CODE } from './error-mapping.js';

/**
 * Gives a GraphQL answer the HTTP status its errors' codes call for (error-mapping.ts, HTTP_STATUS_OF_CODE), after
 * every path has formatted them: graphql-js execution, graphql-jit (jit-execution.plugin.ts) and the request-level
 * errors of the access log (didResolveOperation). Without it a database outage came back as 200 or 500 depending on
 * where it struck; now it is one status with `Retry-After`, whichever path it took.
 */
export function httpStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          let chosen: { status: number; retryAfterSeconds?: number } | undefined;
          for (const error of response.body.singleResult.errors ?? []) {
            const head = HTTP_STATUS_OF_CODE[String(error.extensions?.['code'])];
            if (!head) continue;
            // An error may say when to come back (BUSY: the runner's estimate); else the code's default.
            const own = Number(error.extensions?.['retryAfterSeconds']);
            const retryAfterSeconds = Number.isFinite(own) && own > 0 ? Math.ceil(own) : head.retryAfterSeconds;
            if (!chosen || head.status > chosen.status || (head.status === chosen.status && (retryAfterSeconds ?? 0) > (chosen.retryAfterSeconds ?? 0))) {
              chosen = { status: head.status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
            }
          }
          if (!chosen) return;
          response.http.status = chosen.status;
          if (chosen.retryAfterSeconds !== undefined) response.http.headers.set('retry-after', String(chosen.retryAfterSeconds));
        },
      };
    },
  };
}
