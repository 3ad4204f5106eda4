/**
 * A small multipart parser (RFC 2046 §5.1, as DICOMweb STOW-RS uses it: `multipart/related; type="application/dicom";
 * boundary=…`) and a media-type parser (RFC 9110 §8.3.1) for the STOW-RS route.
 *
 * Why our own: the multipart parsers installed here do not fit. busboy and @fastify/busboy (through multer) accept
 * only multipart/form-data; meros (through the GraphQL code generator) concatenates its whole buffer on every chunk
 * (quadratic on a large body) and trims part bodies by text rules unsafe for binary DICOM; dicer is unmaintained
 * since 2019. STOW-RS bodies are bounded (the route's size limit) and a Part 10 file is parsed whole anyway, so the
 * route buffers the body and this parser splits it with `Buffer.indexOf` in one pass, never copying a part twice.
 */

export type MultipartErrorCode = 'MULTIPART_MALFORMED' | 'MULTIPART_TOO_MANY_PARTS';

export class MultipartError extends Error {
  constructor(
    readonly code: MultipartErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MultipartError';
  }
}

export interface MultipartPart {
  /** Header names in lower case; a repeated header keeps its last value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface MediaType {
  /** `type/subtype`, lower case. */
  readonly type: string;
  /** Parameter names in lower case, values unquoted (case kept: a boundary is case-sensitive). */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Unquoted parameter values: a token, plus '/' because clients commonly send `type=application/dicom` unquoted. */
const LENIENT_VALUE = /^[!#$%&'*+.^_`|~0-9A-Za-z/-]+$/;

/** Parses a Content-Type / part header value; null when it is not `type/subtype` followed by well-formed parameters. */
export function parseMediaType(header: string | undefined): MediaType | null {
  if (!header) return null;
  const semi = header.indexOf(';');
  const type = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
  const [main, sub, ...rest] = type.split('/');
  if (!main || !sub || rest.length || !TOKEN.test(main) || !TOKEN.test(sub)) return null;
  const params: Record<string, string> = {};
  let i = semi < 0 ? header.length : semi;
  while (i < header.length) {
    // At a ';': skip it and whitespace, read name '=' value (token or quoted-string).
    i++;
    while (i < header.length && (header[i] === ' ' || header[i] === '\t')) i++;
    if (i >= header.length) break;
    const eq = header.indexOf('=', i);
    if (eq < 0) return null;
    const name = header.slice(i, eq).trim().toLowerCase();
    if (!TOKEN.test(name)) return null;
    i = eq + 1;
    let value = '';
    if (header[i] === '"') {
      i++;
      for (; i < header.length && header[i] !== '"'; i++) {
        if (header[i] === '\\' && i + 1 < header.length) i++;
        value += header[i];
      }
      if (header[i] !== '"') return null;
      i++;
      while (i < header.length && (header[i] === ' ' || header[i] === '\t')) i++;
      if (i < header.length && header[i] !== ';') return null;
    } else {
      const end = header.indexOf(';', i);
      value = header.slice(i, end < 0 ? header.length : end).trim();
      if (!LENIENT_VALUE.test(value)) return null;
      i = end < 0 ? header.length : end;
    }
    params[name] = value;
  }
  return { type, params };
}

/** RFC 2046 boundary: 1–70 characters of bcharsnospace/space, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

export function isValidBoundary(boundary: string): boolean {
  return BOUNDARY.test(boundary);
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The body parts of a multipart body. The preamble (before the first boundary) and the epilogue (after the closing
 * one) are ignored, as RFC 2046 says; a body without a closing boundary, a delimiter line with other characters than
 * transport padding after the boundary, or a header block that does not end is malformed (nothing is returned, so a
 * request is never half-read).
 */
export function splitMultipart(body: Buffer, boundary: string, maxParts: number): MultipartPart[] {
  if (!isValidBoundary(boundary)) throw new MultipartError('MULTIPART_MALFORMED', 'The boundary parameter is not a valid RFC 2046 boundary');
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const parts: MultipartPart[] = [];
  // The first delimiter may open the body without the CRLF that precedes every later one.
  const startsWithDelimiter = body.subarray(0, delimiter.length - 2).equals(delimiter.subarray(2));
  let at = startsWithDelimiter ? delimiter.length - 2 : -1;
  if (at < 0) {
    const first = body.indexOf(delimiter);
    if (first < 0) throw new MultipartError('MULTIPART_MALFORMED', `No boundary "--${boundary}" in the body`);
    at = first + delimiter.length;
  }
  for (;;) {
    // `at` is just after a delimiter: "--" closes the body, else transport padding and CRLF open a part.
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts;
    const eol = body.indexOf(CRLF, at);
    if (eol < 0 || !/^[ \t]*$/.test(body.toString('latin1', at, eol)))
      throw new MultipartError('MULTIPART_MALFORMED', 'A boundary line has characters after the boundary, or the body ends after it');
    if (parts.length >= maxParts) throw new MultipartError('MULTIPART_TOO_MANY_PARTS', `At most ${maxParts} parts per request`);
    const headerStart = eol + 2;
    let headers: Record<string, string> = {};
    let bodyStart: number;
    if (body[headerStart] === 0x0d && body[headerStart + 1] === 0x0a) {
      bodyStart = headerStart + 2; // no headers (the part's type defaults to text/plain)
    } else {
      const headerEnd = body.indexOf(HEADER_END, headerStart);
      if (headerEnd < 0 || headerEnd - headerStart > MAX_HEADER_BYTES)
        throw new MultipartError('MULTIPART_MALFORMED', `Part ${parts.length + 1}: its header block does not end (or exceeds ${MAX_HEADER_BYTES} bytes)`);
      headers = parseHeaders(body.toString('latin1', headerStart, headerEnd), parts.length + 1);
      bodyStart = headerEnd + 4;
    }
    const next = body.indexOf(delimiter, bodyStart);
    if (next < 0) throw new MultipartError('MULTIPART_MALFORMED', `Part ${parts.length + 1} is not closed by a boundary (the body was cut short?)`);
    parts.push({ headers, body: body.subarray(bodyStart, next) });
    at = next + delimiter.length;
  }
}

function parseHeaders(block: string, part: number): Record<string, string> {
  const headers: Record<string, string> = {};
  let last: string | null = null;
  for (const line of block.split('\r\n')) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      headers[last] = `${headers[last]} ${line.trim()}`; // obsolete line folding
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    if (!TOKEN.test(name)) throw new MultipartError('MULTIPART_MALFORMED', `Part ${part}: a header line is not "Name: value"`);
    headers[name] = line.slice(colon + 1).trim();
    last = name;
  }
  return headers;
}
