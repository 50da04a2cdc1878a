// The built page (dist/web, written by `npm run build:web`): where it is, its two HTML files read once, and a static
// file handler for the rest (express.static: content types, ETags, ranges, no dotfiles, no path escapes).
import { Injectable, Logger } from '@nestjs/common';
import express from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { IMMUTABLE, NO_CACHE } from './web-headers';

/** dist/web from the compiled api (dist/apps/api/src/web) and from the sources (apps/api/src/web, tests). */
export function webDir(): string {
  const up = resolve(__dirname, '../../../..');
  return basename(up) === 'dist' ? join(up, 'web') : join(up, 'dist', 'web');
}

@Injectable()
export class WebAssets {
  private readonly logger = new Logger('Web');
  readonly dir = webDir();
  readonly index: Buffer | null;
  readonly graphiql: Buffer | null;
  readonly files: express.RequestHandler;

  constructor() {
    this.index = this.read('index.html');
    this.graphiql = this.read('graphiql.html');
    if (!this.index) this.logger.warn(`The page is not built (${this.dir} has no index.html): run \`npm run build:web\`; / answers 404 until then`);
    this.files = express.static(this.dir, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      fallthrough: true,
      setHeaders: (res, path) => res.setHeader('cache-control', path.includes(`${join(this.dir, 'assets')}/`) ? IMMUTABLE : NO_CACHE),
    });
  }

  private read(name: string): Buffer | null {
    const file = join(this.dir, name);
    return existsSync(file) ? readFileSync(file) : null;
  }
}
