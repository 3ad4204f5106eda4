import { Controller, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { REFUSED_ROWS_CSV_HEADER, refusedRowCsvLine, type InteropProblem, type RowFormat } from '#interop';
import { actorOf } from '../auth/authentication.middleware.js';
import { ApiErrorHttpFilter } from '../auth/api-error.http-filter.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { expectedError, restStatusOf } from '../graphql/error-mapping.js';
import { verifiedActor } from '../commands/command-origin.js';
import { parseQueryParameters } from '../http/query-parameters.js';
import { rolesFor } from '../subjects/subject-command.handler.js';
import { correlationIdOf, InteropAccessLog } from './interop-access.log.js';
import { MeasurementImportService, type ImportSummary } from './measurement-import.service.js';

/** Largest file one request may send (bytes); bigger files are split, or loaded with `npm run import` in parts. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** The file format a Content-Type names (parameters such as charset ignored), or null. */
export function importFormatOf(contentType: string | undefined): RowFormat | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') return 'ndjson';
  return null;
}

/**
 * The request body as it arrives, up to `limit` bytes: past the limit it ends at the last complete line before it
 * (no row is ever read cut in half) and `overLimit` says so.
 */
export function limitedLines(body: AsyncIterable<Buffer | string>, limit: number): { source: AsyncGenerator<Buffer>; overLimit: () => boolean } {
  let over = false;
  async function* source(): AsyncGenerator<Buffer> {
    let seen = 0;
    for await (const raw of body) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      if (seen + chunk.length <= limit) {
        seen += chunk.length;
        yield chunk;
        continue;
      }
      over = true;
      const head = chunk.subarray(0, limit - seen);
      const nl = head.lastIndexOf(0x0a);
      if (nl >= 0) yield head.subarray(0, nl + 1);
      return;
    }
  }
  return { source: source(), overLimit: () => over };
}

function errorBody(code: string, message: string, field?: string, details?: unknown) {
  return { errors: [{ message, extensions: { code, ...(field ? { field } : {}), ...(details ? { details } : {}) } }] };
}

/**
 * POST /import: one measurement file (text/csv or application/x-ndjson; columns in libs/interop/README.md) streamed
 * into the registry through the recordMeasurements batch path; answers the summary (JSON), or with `?refused=csv`
 * the refused rows as CSV (counts in X-Import-* headers). Row problems are in the summary, never an HTTP error;
 * 4xx only when the request itself is refused (token, role, media type, size, header row).
 */
@Controller('import')
@UseFilters(ApiErrorHttpFilter)
export class ImportController {
  constructor(
    private readonly imports: MeasurementImportService,
    private readonly accessLog: InteropAccessLog,
  ) {}

  @Post()
  @Authorize({ roles: rolesFor('RecordMeasurement'), scope: { inHandler: true } })
  async import(@Req() req: Request, @Res() res: Response): Promise<void> {
    const actor = verifiedActor({ actor: actorOf(req) });
    let refusedCsv = false;
    try {
      const q = parseQueryParameters(req.originalUrl, { refused: 'one' } as const);
      if (q.refused !== undefined && q.refused !== 'csv' && q.refused !== 'json')
        return void res.status(400).json(errorBody('BAD_USER_INPUT', 'refused must be csv or json', 'refused'));
      refusedCsv = q.refused === 'csv';
    } catch (err) {
      const e = expectedError(err);
      if (!e) throw err;
      return void res.status(400).json(errorBody(e.extensions.code, e.message, e.extensions.field));
    }
    const format = importFormatOf(req.headers['content-type']);
    if (!format) {
      return void res
        .status(415)
        .json(errorBody('UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv or application/x-ndjson (columns: libs/interop/README.md)', 'content-type'));
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > MAX_IMPORT_BYTES) {
      return void res.status(413).json(errorBody('IMPORT_TOO_LARGE', `A file of at most ${MAX_IMPORT_BYTES} bytes per request: split it`, 'body'));
    }
    const body = limitedLines(req, MAX_IMPORT_BYTES);
    const correlationId = correlationIdOf(req, 'import');
    // One access-log row per import request, before a row is read.
    await this.accessLog.record(actor, 'import', { format, refused: refusedCsv ? 'csv' : 'json' }, correlationId);
    let summary: ImportSummary;
    try {
      summary = await this.imports.import(body.source, format, actor, correlationId);
    } catch (err) {
      const e = expectedError(err);
      if (!e) throw err;
      // Drain what the client still sends, so it reads the answer instead of a reset connection.
      req.resume();
      return void res
        .status(restStatusOf(e.extensions.code))
        .json(errorBody(e.extensions.code, e.message, e.extensions.field, (e.extensions as { details?: unknown }).details));
    }
    if (body.overLimit()) {
      summary.complete = false;
      req.resume();
    }
    const status = body.overLimit() ? 413 : 200;
    if (refusedCsv) {
      res.status(status);
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      for (const [k, v] of [
        ['accepted', summary.accepted],
        ['replayed', summary.replayed],
        ['refused', summary.refused],
        ['rows', summary.rows],
      ] as const)
        res.setHeader(`x-import-${k}`, String(v));
      res.setHeader('x-import-complete', String(summary.complete));
      res.write(`${REFUSED_ROWS_CSV_HEADER}\r\n`);
      for (const r of summary.refusedRows) {
        const line = refusedRowCsvLine(
          r,
          r.problems.map((p): InteropProblem => ({ code: p.code as InteropProblem['code'], path: p.column, message: p.message })),
        );
        if (!res.write(`${line}\r\n`)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
      return;
    }
    res.status(status).json(
      body.overLimit()
        ? {
            ...summary,
            error: {
              code: 'IMPORT_TOO_LARGE',
              message: `Stopped at ${MAX_IMPORT_BYTES} bytes: the rows after it were not read; send them in another request`,
            },
          }
        : summary,
    );
  }
}
