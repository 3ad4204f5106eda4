import { Inject } from '@nestjs/common';
import { Plugin } from '@nestjs/apollo';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Kind } from 'graphql';
import { DataSource } from 'typeorm';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { PRIVACY_MASTER_KEY, type MasterKey } from '../privacy/master-key.js';
import { accessLogHashKey, recordAccess, scopeIdsOf } from './access-log.writer.js';

/**
 * Records every GraphQL operation in audit.access_log once it is parsed and validated, before it executes:
 * who (from the verified token), which operation and root fields, which trials/programmes it names, when,
 * and a hash of its variables. If the row cannot be written the operation fails rather than run unlogged.
 */
@Plugin()
export class AccessLogPlugin implements ApolloServerPlugin<GraphqlContext> {
  private readonly hashKey: Buffer;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PRIVACY_MASTER_KEY) masterKey: MasterKey,
  ) {
    this.hashKey = accessLogHashKey(masterKey.key);
  }

  async requestDidStart(): Promise<GraphQLRequestListener<GraphqlContext>> {
    // The row is written before the operation runs (a failed write still stops it), but its commit does not wait
    // for the WAL flush: that flush doubled the latency of every mutation, whose own events are flushed anyway.
    // An OS crash can lose the last fraction of a second of access rows; a PostgreSQL crash alone cannot.
    const hashKey = this.hashKey;
    const query = (sql: string, params?: unknown[]) =>
      this.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL synchronous_commit = off`);
        return m.query(sql, params);
      });
    return {
      async didResolveOperation({ contextValue, operation, operationName, document, request }) {
        if (!operation) return;
        const rootFields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
        await recordAccess(query, {
          actorId: contextValue.actor.id,
          actorRole: contextValue.actor.role,
          channel: 'graphql',
          operationType: operation.operation,
          operationName: operationName ?? null,
          rootFields,
          ...scopeIdsOf(document, request.variables),
          variables: request.variables,
          correlationId: contextValue.correlationId,
        }, hashKey);
      },
    };
  }
}
