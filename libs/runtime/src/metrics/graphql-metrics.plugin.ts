import { Plugin } from '@nestjs/apollo';
import { Inject } from '@nestjs/common';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Histogram, Registry } from 'prom-client';
import { HTTP_BUCKETS } from './http-metrics.middleware.js';

type Labels = 'operation_name' | 'operation_type' | 'result';

/** Distinct operation names kept as labels; clients choose names, so the set is bounded. */
const MAX_OPERATION_NAMES = 200;

/**
 * GraphQL latency and outcome per operation. Operation names come from clients: only names of documents that
 * parsed and validated count, they must look like GraphQL names, and past MAX_OPERATION_NAMES they fold into
 * `other`. The result is `ok` or the first error's code (GRAPHQL_VALIDATION_FAILED, FORBIDDEN, …).
 */
@Plugin()
export class GraphqlMetricsPlugin implements ApolloServerPlugin {
  private readonly seconds: Histogram<Labels>;
  private readonly names = new Set<string>();

  constructor(@Inject(Registry) registry: Registry) {
    this.seconds = new Histogram({
      name: 'registry_graphql_request_duration_seconds',
      help: 'GraphQL request latency by operation name, operation type and result (ok or the first error code)',
      labelNames: ['operation_name', 'operation_type', 'result'],
      buckets: HTTP_BUCKETS,
      registers: [registry],
    });
  }

  private nameLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name)) return 'other';
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_OPERATION_NAMES) return 'other';
    this.names.add(name);
    return name;
  }

  async requestDidStart(): Promise<GraphQLRequestListener<Record<string, unknown>>> {
    const end = this.seconds.startTimer();
    let operationName = 'invalid';
    let operationType = 'unknown';
    return {
      didResolveOperation: async (ctx) => {
        operationName = this.nameLabel(ctx.operationName ?? ctx.operation?.name?.value);
        operationType = ctx.operation?.operation ?? 'unknown';
      },
      willSendResponse: async (ctx) => {
        const body = ctx.response.body;
        const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
        const code = errors?.[0]?.extensions?.['code'];
        const result = !errors?.length ? 'ok' : typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : 'error';
        end({ operation_name: operationName, operation_type: operationType, result });
      },
    };
  }
}
