import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import type { Response } from 'express';
import { Public } from '#runtime';
import { GRAPHIQL_ASSET_ROUTE, GRAPHIQL_ASSETS } from './graphiql-assets.js';

/** The explorer's scripts and style sheet (no token: a browser loads them before anyone can paste one). */
@Controller(GRAPHIQL_ASSET_ROUTE.slice(1))
export class GraphiqlController {
  @Public()
  @Get(':file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    const found = GRAPHIQL_ASSETS.get(file);
    if (!found) throw new NotFoundException(`no GraphiQL asset ${file}`);
    // The files change only with the pinned package versions, so browsers may keep them for a day.
    res.setHeader('content-type', found.contentType);
    res.setHeader('cache-control', 'public, max-age=86400');
    createReadStream(found.path).pipe(res);
  }
}
