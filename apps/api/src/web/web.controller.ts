// Serves the page at / (apps/web, built by Vite): hashed assets cached for a year, index.html for every route of the
// single-page app (never cached), the offline GraphiQL at /graphiql, with a strict CSP and nosniff. Api paths are
// passed on untouched, so /graphql, /artifacts, /datasets and the rest keep priority and their 404s stay JSON.
import { Controller, Get, Next, Req, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RestPublic } from '../auth/rest-access';
import { WebAssets } from './web-assets';
import { GRAPHIQL_CSP, NO_CACHE, PAGE_CSP, securityHeaders } from './web-headers';
import { classify } from './web-routes';

@Controller()
export class WebController {
  constructor(private readonly assets: WebAssets) {}

  // The page and its assets are public (the api calls it makes carry their own token).
  @Get('{*path}')
  @RestPublic()
  serve(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): void {
    const target = classify(req.method, req.path, req.headers.accept);
    if (target.kind === 'api' || target.kind === 'none' || !this.assets.index) return next();
    if (target.kind === 'graphiql') return this.html(res, this.assets.graphiql, GRAPHIQL_CSP, next);
    if (target.kind === 'app') return this.html(res, this.assets.index, PAGE_CSP, next);
    res.set(securityHeaders(PAGE_CSP));
    // A missing file falls through to Nest's JSON 404, never to index.html.
    this.assets.files(req, res, next);
  }

  private html(res: Response, body: Buffer | null, csp: string, next: NextFunction): void {
    if (!body) return next();
    res
      .status(200)
      .set({ ...securityHeaders(csp), 'content-type': 'text/html; charset=utf-8', 'cache-control': NO_CACHE })
      .send(body);
  }
}
