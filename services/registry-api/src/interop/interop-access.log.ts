import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { accessLogHashKey, recordAccess, type AccessRecord } from '../audit/access-log.writer.js';
import type { VerifiedActor } from '../auth/actor.js';
import { PRIVACY_MASTER_KEY, type MasterKey } from '../privacy/master-key.js';

/** The request's X-Correlation-Id, else a fresh one with the route's prefix (`import-…`, `fhir-…`). */
export function correlationIdOf(req: Request, prefix: string): string {
  const given = req.headers['x-correlation-id'];
  return typeof given === 'string' ? given : `${prefix}-${Date.now().toString(36)}`;
}

/**
 * The access-log row of an import request (POST /import, POST /fhir/Bundle, POST /dicomweb/studies): one row per request, committed before
 * anything of the body is read, as for every GraphQL operation and export. Who sent a document and in which format;
 * what it records are events with their own metadata.
 */
@Injectable()
export class InteropAccessLog {
  private readonly hashKey: Buffer;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PRIVACY_MASTER_KEY) masterKey: MasterKey,
  ) {
    this.hashKey = accessLogHashKey(masterKey.key);
  }

  record(
    actor: VerifiedActor,
    operationName: string,
    variables: Readonly<Record<string, unknown>>,
    correlationId: string,
    route: { readonly channel: AccessRecord['channel']; readonly rootField: string } = { channel: 'http-import', rootField: operationName },
  ): Promise<void> {
    return recordAccess(
      (sql, params) => this.dataSource.query(sql, params),
      {
        actorId: actor.id,
        actorRole: actor.role,
        channel: route.channel,
        operationType: 'mutation',
        operationName,
        rootFields: [route.rootField],
        trialIds: [],
        programmeIds: [],
        variables,
        correlationId,
      },
      this.hashKey,
    );
  }
}
