import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catch, Controller, Get, Post, Req, Res, UseFilters, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { capabilityStatement, refusalOutcome, transactionResponse } from '#interop';
import { projectRoot, Public } from '#runtime';
import { actorOf } from '../auth/authentication.middleware.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { verifiedActor } from '../commands/command-origin.js';
import { ApiError, expectedError, restStatusOf } from '../graphql/error-mapping.js';
import { rolesFor } from '../subjects/subject-command.handler.js';
import { FhirBundleImportService, MAX_BUNDLE_MEASUREMENTS } from './fhir-bundle-import.service.js';
import { fhirBodyKind, MAX_FHIR_BUNDLE_BYTES, outcomeOf, parseJson, readBodyText, sendFhir } from './fhir-http.js';
import { correlationIdOf, InteropAccessLog } from './interop-access.log.js';

/** The FHIR issue type of an API error code a guard or limiter raises (401, 403, 429). */
function issueTypeOfApiCode(code: string) {
  switch (code) {
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
      return 'security' as const;
    case 'RATE_LIMITED':
      return 'throttled' as const;
    default:
      return 'processing' as const;
  }
}

/**
 * Refusals before the handler (token, role: the same guard and statuses as /import) and from the rate limiter,
 * answered as an OperationOutcome: a FHIR client reads one body shape whatever went wrong.
 */
@Catch(ApiError)
export class FhirApiErrorFilter implements ExceptionFilter {
  catch(error: ApiError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const retry = error.details?.['retryAfterSeconds'];
    if (typeof retry === 'number') res.setHeader('Retry-After', String(retry));
    sendFhir(res, restStatusOf(error.code), outcomeOf(error.code, error.message, issueTypeOfApiCode(error.code), error.field ?? ''));
  }
}

const started = new Date().toISOString();
let version: string | undefined;
function softwareVersion(): string {
  version ??= (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/**
 * FHIR R4 in (issue 16): `POST /fhir/Bundle` and `POST /fhir` (where FHIR servers take transactions) with a
 * transaction or collection Bundle of imaging measurement Observations, and `GET /fhir/metadata`. Auth, scope,
 * access log and rate-limit charge are /import's: the same guard policy (the roles that may RecordMeasurement,
 * scope checked on each subject), the same access-log row (InteropAccessLog), the batch's charge per item.
 */
@Controller('fhir')
@UseFilters(FhirApiErrorFilter)
export class FhirController {
  constructor(
    private readonly bundles: FhirBundleImportService,
    private readonly accessLog: InteropAccessLog,
  ) {}

  /**
   * Public, as FHIR servers (and SMART on FHIR, which requires it) serve it: a client reads what is supported and how
   * to authenticate before it has a token. It says nothing about the registry's data, only about the endpoint.
   */
  @Get('metadata')
  @Public()
  metadata(@Res() res: Response): void {
    sendFhir(
      res,
      200,
      capabilityStatement({
        softwareVersion: softwareVersion(),
        date: started,
        maxBundleBytes: MAX_FHIR_BUNDLE_BYTES,
        maxMeasurements: MAX_BUNDLE_MEASUREMENTS,
      }),
    );
  }

  @Post()
  @Authorize({ roles: rolesFor('RecordMeasurement'), scope: { inHandler: true } })
  transaction(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.receive(req, res, 'fhir.transaction');
  }

  @Post('Bundle')
  @Authorize({ roles: rolesFor('RecordMeasurement'), scope: { inHandler: true } })
  bundle(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.receive(req, res, 'fhir.Bundle');
  }

  private async receive(req: Request, res: Response, operationName: string): Promise<void> {
    const actor = verifiedActor({ actor: actorOf(req) });
    const kind = fhirBodyKind(req.headers['content-type']);
    if (!kind) {
      req.resume();
      return sendFhir(res, 415, outcomeOf('UNSUPPORTED_MEDIA_TYPE', 'Send the Bundle as application/fhir+json (FHIR R4) or application/json', 'not-supported'));
    }
    const correlationId = correlationIdOf(req, 'fhir');
    await this.accessLog.record(actor, operationName, { contentType: kind }, correlationId);
    let body: unknown;
    if (kind === 'fhir') {
      const text = await readBodyText(req, MAX_FHIR_BUNDLE_BYTES);
      if (!text.ok)
        return sendFhir(res, 413, outcomeOf('BUNDLE_TOO_LARGE', `A Bundle of at most ${MAX_FHIR_BUNDLE_BYTES} bytes per request: split it`, 'too-costly'));
      const parsed = parseJson(text.text);
      if (!parsed.ok) return sendFhir(res, 400, outcomeOf('INVALID_JSON', parsed.message, 'structure'));
      body = parsed.value;
    } else {
      // Parsed by the API's JSON body parser (its errors answered by fhirBodyErrors).
      body = req.body as unknown;
    }
    try {
      const outcome = await this.bundles.submit(body, actor, correlationId);
      switch (outcome.kind) {
        case 'recorded':
          res.setHeader('x-fhir-created', String(outcome.created));
          res.setHeader('x-fhir-replayed', String(outcome.replayed));
          return sendFhir(res, 200, transactionResponse(outcome.entries));
        case 'refused':
          return sendFhir(res, outcome.status, refusalOutcome(outcome.issues));
        default:
          return outcome satisfies never;
      }
    } catch (err) {
      const e = expectedError(err);
      if (!e) throw err;
      const retry = (e.extensions as { retryAfterSeconds?: unknown }).retryAfterSeconds;
      if (typeof retry === 'number') res.setHeader('Retry-After', String(retry));
      return sendFhir(res, restStatusOf(e.extensions.code), outcomeOf(e.extensions.code, e.message, issueTypeOfApiCode(e.extensions.code)));
    }
  }
}
