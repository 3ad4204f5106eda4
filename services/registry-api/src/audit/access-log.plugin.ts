import { Inject } from '@nestjs/common';
import { Plugin } from '@nestjs/apollo';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Kind } from 'graphql';
import { DataSource } from 'typeorm';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { PRIVACY_MASTER_KEY, type MasterKey } from '../privacy/master-key.js';
import { AccessLogBatcher, accessLogHashKey, scopeIdsOf } from './access-log.writer.js';

/**
 * Records every GraphQL operation in audit.access_log once it is parsed and validated, before it executes:
 * who (from the verified token), which operation and root fields, which trials/programmes it names, when,
 * and a hash of its variables. If the row cannot be written the operation fails rather than run unlogged.
 */
@Plugin()
export class AccessLogPlugin implements ApolloServerPlugin<GraphqlContext> {
  private readonly log: AccessLogBatcher;

  constructor(dataSource: DataSource, @Inject(PRIVACY_MASTER_KEY) masterKey: MasterKey) {
    // The row is written before the operation runs (a failed write still stops it), but its commit does not wait
    // for the WAL flush: that flush doubled the latency of every mutation, whose own events are flushed anyway.
    this.log = new AccessLogBatcher((sql, params) => dataSource.query(sql, params), accessLogHashKey(masterKey.key));
  }

  async requestDidStart(): Promise<GraphQLRequestListener<GraphqlContext>> {
    const log = this.log;
    return {
      async didResolveOperation({ contextValue, operation, operationName, document, request }) {
        if (!operation) return;
        const rootFields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
        await log.record({
          actorId: contextValue.actor.id,
          actorRole: contextValue.actor.role,
          channel: 'graphql',
          operationType: operation.operation,
          operationName: operationName ?? null,
          rootFields,
          ...scopeIdsOf(document, request.variables),
          variables: request.variables,
          correlationId: contextValue.correlationId,
        });
      },
    };
  }
}
