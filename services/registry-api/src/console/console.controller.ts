import { Controller, Get, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig, Public } from '#runtime';
import { consoleDirectory } from './console-files.js';

// Files whose names carry a content hash (Vite's `assets/…-<hash>.js`) never change: browsers may keep them a year.
const HASHED_ASSET = /^assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/**
 * The web console (services/registry-console), a static single-page app: its assets by name and index.html for
 * every other path under /console, so a reloaded or bookmarked screen opens. Public: a browser loads the page
 * before anyone has signed in; every GraphQL request it then makes carries the user's token.
 */
@Controller('console')
export class ConsoleController {
  private readonly root: string | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.root = consoleDirectory(config.CONSOLE_DIR);
  }

  @Public()
  @Get()
  index(@Res() res: Response): void {
    this.sendIndex(res);
  }

  @Public()
  @Get('{*path}')
  file(@Req() req: Request, @Res() res: Response): void {
    const path = decodeURIComponent(req.path.replace(/^\/console\/?/, ''));
    if (!this.root) return this.notBuilt();
    if (path.startsWith('assets/')) {
      res.setHeader('cache-control', HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      // `root` makes send refuse `..` and absolute paths (403), so nothing outside the console's folder is reachable.
      return res.sendFile(path, { root: this.root, dotfiles: 'deny' }, (err) => {
        if (err && !res.headersSent)
          res.status(404).json({ errors: [{ message: `No console file ${path}`, extensions: { code: 'NOT_FOUND', field: 'path' } }] });
      });
    }
    this.sendIndex(res);
  }

  private sendIndex(res: Response): void {
    if (!this.root) return this.notBuilt();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile('index.html', { root: this.root });
  }

  private notBuilt(): never {
    throw new NotFoundException('The console is not built: run `npm run build:console` (npm start and npm run build do it)');
  }
}
