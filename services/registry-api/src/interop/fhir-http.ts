import type { NextFunction, Request, Response } from 'express';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { refusalOutcome, type FhirIssue } from '#interop';

/** Largest Bundle read from an application/fhir+json body (a full Bundle of 1,000 measurements is ≈ 2 MB). */
export const MAX_FHIR_BUNDLE_BYTES = 8 * 1024 * 1024;

export const FHIR_JSON = 'application/fhir+json';

/**
 * Which body a Content-Type names: `fhir` (application/fhir+json, read here as it arrives), `json` (application/json,
 * already parsed by the API's JSON body parser, 1 MB), or null (415). Parameters (charset, fhirVersion) are ignored
 * but a fhirVersion other than R4 is refused.
 */
export function fhirBodyKind(contentType: string | undefined): 'fhir' | 'json' | null {
  const [type, ...params] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  const version = params.find((p) => p.startsWith('fhirversion='))?.slice('fhirversion='.length);
  if (version && !/^"?4\.0(\.\d+)?"?$/.test(version)) return null;
  if (type === FHIR_JSON) return 'fhir';
  if (type === 'application/json') return 'json';
  return null;
}

/** Sends a FHIR resource with the FHIR JSON media type. */
export function sendFhir(res: Response, status: number, resource: object): void {
  res.status(status).setHeader('content-type', `${FHIR_JSON}; charset=utf-8`);
  res.json(resource);
}

export function outcomeOf(code: string, message: string, type: FhirIssue['type'], expression = ''): OperationOutcome {
  return refusalOutcome([{ code, expression, message, type }]);
}

export type BodyText = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly status: 413 };

/** The request body as text, up to `limit` bytes; past it the rest is drained (the client reads the 413) and not kept. */
export async function readBodyText(req: Request, limit: number): Promise<BodyText> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return { ok: false, status: 413 };
  }
  const chunks: Buffer[] = [];
  let seen = 0;
  for await (const raw of req as AsyncIterable<Buffer | string>) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    seen += chunk.length;
    if (seen > limit) {
      req.resume();
      return { ok: false, status: 413 };
    }
    chunks.push(chunk);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

/** JSON.parse that answers instead of throwing: a body that is not JSON is the client's mistake (400). */
export function parseJson(text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, message: `The body is not JSON: ${(err as Error).message}` };
  }
}

/** body-parser's error types (http-errors `type`) a FHIR client gets as an OperationOutcome. */
const BODY_ERRORS: Readonly<Record<string, { status: number; code: string; type: FhirIssue['type']; message: string }>> = {
  'entity.parse.failed': { status: 400, code: 'INVALID_JSON', type: 'structure', message: 'The body is not JSON' },
  'entity.too.large': {
    status: 413,
    code: 'BUNDLE_TOO_LARGE',
    type: 'too-costly',
    message: `An application/json body may be at most 1 MB: send larger Bundles as ${FHIR_JSON} (at most ${MAX_FHIR_BUNDLE_BYTES} bytes)`,
  },
  'encoding.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', type: 'not-supported', message: 'Unsupported content encoding' },
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', type: 'not-supported', message: 'Send the Bundle as UTF-8' },
  'request.size.invalid': { status: 400, code: 'BAD_REQUEST', type: 'structure', message: 'The body is shorter or longer than its Content-Length' },
};

/**
 * Express error middleware for /fhir, mounted right after the API's JSON body parser (bootstrap.ts): an
 * application/json body that does not parse or is too large is answered as a FHIR server answers it, with an
 * OperationOutcome, instead of the API's GraphQL-shaped error body. Everything else goes on to the API's filter.
 */
export function fhirBodyErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const type = (err as { type?: unknown } | null)?.type;
  const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  if (!known || res.headersSent) return next(err);
  sendFhir(res, known.status, outcomeOf(known.code, known.message, known.type));
}
