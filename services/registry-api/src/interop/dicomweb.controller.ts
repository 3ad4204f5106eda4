import { Controller, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { stowFailureReasonFor, stowRsResponse, StowFailureReason, type StowProblem } from '#interop';
import { actorOf } from '../auth/authentication.middleware.js';
import { ApiErrorHttpFilter } from '../auth/api-error.http-filter.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { verifiedActor } from '../commands/command-origin.js';
import { expectedError, restStatusOf } from '../graphql/error-mapping.js';
import { rolesFor } from '../subjects/subject-command.handler.js';
import { InteropAccessLog } from './interop-access.log.js';
import { DicomSrImportService, type SrStoreResult } from './dicom-sr-import.service.js';
import { MultipartError, parseMediaType, splitMultipart } from './multipart-related.parser.js';

/** Largest request body (bytes): a TID 1500 SR of 50 measurements is ≈ 50 kB, so this is thousands of reports. */
export const MAX_STOW_BYTES = 64 * 1024 * 1024;
/** Instances per STOW-RS request. */
export const MAX_STOW_INSTANCES = 1_000;

const DICOM = 'application/dicom';
const DICOM_JSON = 'application/dicom+json';

function errorBody(code: string, message: string, field?: string, details?: unknown) {
  return { errors: [{ message, extensions: { code, ...(field ? { field } : {}), ...(details ? { details } : {}) } }] };
}

class RequestRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** What the request sends: one Part 10 file, or a STOW-RS multipart/related of them. */
export function stowBodyKind(contentType: string | undefined): { kind: 'single' } | { kind: 'multipart'; boundary: string } {
  const media = parseMediaType(contentType);
  if (media?.type === DICOM) return { kind: 'single' };
  if (media?.type === 'multipart/related') {
    const type = media.params['type']?.toLowerCase();
    // PS3.18 §10.5.1: the type parameter names the parts' media type; this origin server stores DICOM Part 10 only.
    if (type !== undefined && type !== DICOM)
      throw new RequestRefusal(415, 'UNSUPPORTED_MEDIA_TYPE', `Only type="${DICOM}" parts are stored (not ${type}): send Part 10 files`, 'content-type');
    const boundary = media.params['boundary'];
    if (!boundary) throw new RequestRefusal(400, 'MULTIPART_MALFORMED', 'multipart/related needs a boundary parameter', 'content-type');
    return { kind: 'multipart', boundary };
  }
  throw new RequestRefusal(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    `Send DICOM SR instances as multipart/related; type="${DICOM}" (STOW-RS) or one file as ${DICOM}`,
    'content-type',
  );
}

/** The response is DICOM JSON; an Accept that excludes it is answered 406 (PS3.18 §8.7). */
export function acceptsDicomJson(accept: string | undefined): boolean {
  if (!accept || !accept.trim()) return true;
  return accept.split(',').some((range) => {
    const media = parseMediaType(range.trim());
    if (!media) return false;
    if (media.params['q'] !== undefined && Number(media.params['q']) === 0) return false;
    return ['*/*', 'application/*', DICOM_JSON, 'application/json'].includes(media.type);
  });
}

/**
 * PS3.18 §10.5.3: 200 when every instance was stored; 202 when some were and others failed; when none was: 400 if
 * none could even be read (bad syntax), else 409 (understood, refused: unsupported class, unmapped, not in scope…).
 */
export function stowStatus(results: readonly SrStoreResult[]): number {
  const failed = results.filter((r) => r.problems !== null);
  if (failed.length === 0) return 200;
  if (failed.length < results.length) return 202;
  return failed.every((r) => stowFailureReasonFor(r.problems!) === StowFailureReason.CANNOT_UNDERSTAND) ? 400 : 409;
}

/**
 * DICOMweb STOW-RS for DICOM SR TID 1500 measurement reports (PS3.18 §10.5): `POST /dicomweb/studies` with
 * `multipart/related; type="application/dicom"; boundary=…` (one Part 10 instance per part), or with
 * `Content-Type: application/dicom` and one Part 10 file as the body. Each instance is mapped and recorded all or
 * nothing (DicomSrImportService) and answered in the standard response (application/dicom+json: Referenced SOP
 * Sequence for stored instances, Failed SOP Sequence with a Failure Reason for refused ones, each refused instance's
 * problem list in a private element, libs/interop stow-rs.response.ts). Same access rules as POST /import: who may
 * record measurements, the subject scope checked per instance, one access-log row per request, the rate limit
 * charged per batch.
 */
@Controller('dicomweb')
@UseFilters(ApiErrorHttpFilter)
export class DicomWebController {
  constructor(
    private readonly reports: DicomSrImportService,
    private readonly accessLog: InteropAccessLog,
  ) {}

  @Post('studies')
  @Authorize({ roles: rolesFor('RecordMeasurement'), scope: { inHandler: true } })
  async storeInstances(@Req() req: Request, @Res() res: Response): Promise<void> {
    const actor = verifiedActor({ actor: actorOf(req) });
    let parts: StowPart[];
    let kind: ReturnType<typeof stowBodyKind>;
    try {
      kind = stowBodyKind(req.headers['content-type']);
      if (!acceptsDicomJson(req.headers.accept))
        throw new RequestRefusal(406, 'NOT_ACCEPTABLE', `The response is ${DICOM_JSON} (or application/json)`, 'accept');
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > MAX_STOW_BYTES)
        throw new RequestRefusal(413, 'STOW_TOO_LARGE', `At most ${MAX_STOW_BYTES} bytes per request: send the instances in several`, 'body');
      const body = await readBody(req, MAX_STOW_BYTES);
      parts = kind.kind === 'single' ? [{ bytes: body }] : partsOf(body, kind.boundary);
    } catch (err) {
      if (!(err instanceof RequestRefusal)) throw err;
      req.resume(); // read what the client still sends, so it gets the answer instead of a reset connection
      return void res.status(err.status).json(errorBody(err.code, err.message, err.field));
    }
    const correlationId = typeof req.headers['x-correlation-id'] === 'string' ? req.headers['x-correlation-id'] : `stow-${Date.now().toString(36)}`;
    // One access-log row per request, before anything is recorded (as for /import and every GraphQL operation).
    await this.accessLog.record(actor, 'stowRs', { bodyKind: kind.kind, instances: parts.length }, correlationId, {
      channel: 'http-dicomweb',
      rootField: 'dicomweb/studies',
    });
    const resolver = this.reports.resolverFor(actor);
    const results: SrStoreResult[] = [];
    try {
      for (const part of parts)
        results.push(
          'bytes' in part
            ? await this.reports.store(part.bytes, actor, correlationId, resolver)
            : { sopClassUid: null, sopInstanceUid: null, problems: [part.refused], measurements: 0, replayed: false },
        );
    } catch (err) {
      const e = expectedError(err);
      if (!e) throw err;
      // Request-level (rate limit, busy): the instances before it are stored; sending the request again is safe.
      return void res
        .status(restStatusOf(e.extensions.code))
        .json(errorBody(e.extensions.code, e.message, e.extensions.field, { stored: results.filter((r) => !r.problems).map((r) => r.sopInstanceUid) }));
    }
    res
      .status(stowStatus(results))
      .type(DICOM_JSON)
      .send(JSON.stringify(stowRsResponse(results, null, { includeProblems: true })));
  }
}

/** A part to store, or (another media type than application/dicom) the reason it fails as 0xC000 "cannot understand". */
type StowPart = { readonly bytes: Uint8Array } | { readonly refused: StowProblem };

function partsOf(body: Buffer, boundary: string): StowPart[] {
  let parts;
  try {
    parts = splitMultipart(body, boundary, MAX_STOW_INSTANCES);
  } catch (err) {
    if (err instanceof MultipartError) throw new RequestRefusal(err.code === 'MULTIPART_TOO_MANY_PARTS' ? 413 : 400, err.code, err.message, 'body');
    throw err;
  }
  if (parts.length === 0) throw new RequestRefusal(400, 'NO_INSTANCES', 'The request holds no instance', 'body');
  return parts.map((p, i): StowPart => {
    const type = parseMediaType(p.headers['content-type'])?.type ?? '(none)';
    if (type === DICOM) return { bytes: p.body };
    return { refused: { code: 'NOT_DICOM', path: `part ${i + 1}`, message: `Part ${i + 1} is ${type}, not ${DICOM}` } };
  });
}

async function readBody(req: Request, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const raw of req) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
    size += chunk.length;
    if (size > limit) throw new RequestRefusal(413, 'STOW_TOO_LARGE', `At most ${limit} bytes per request: send the instances in several`, 'body');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
