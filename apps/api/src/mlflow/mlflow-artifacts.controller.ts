// MLflow's artifact proxy: PUT streams the body into Podium's artifact store (the body parser is off), GET streams a
// file back, GET without a path lists a folder. Errors in MLflow's shape (mlflow-errors.ts).
import { Controller, Get, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Caller } from '../auth/rest-access';
import type { Identity } from '../auth/roles';
import { RestErrors } from '../common/rest-errors';
import { MlflowArtifactsService } from './mlflow-artifacts.service';
import { MLFLOW_ERRORS } from './mlflow-errors';
import { MlflowAccess, MlflowHttp } from './mlflow-http';
import { MLFLOW_ARTIFACTS_PREFIXES, proxy } from './mlflow-routes';

/** The still percent-encoded path after `/<prefix>/artifacts/`. */
function rawPathOf(req: Request): string {
  const path = req.originalUrl.split('?')[0];
  for (const prefix of MLFLOW_ARTIFACTS_PREFIXES) {
    const head = `/${prefix}/artifacts/`;
    if (path.startsWith(head)) return path.slice(head.length);
  }
  return '';
}

@Controller()
@RestErrors(MLFLOW_ERRORS)
export class MlflowArtifactsController {
  constructor(
    private readonly http: MlflowHttp,
    private readonly artifacts: MlflowArtifactsService,
  ) {}

  @Get(proxy('artifacts'))
  @MlflowAccess('read')
  list(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.artifacts.listProxy(p));
  }

  @Put(proxy('artifacts/*path'))
  @MlflowAccess('write')
  async upload(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    const length = req.headers['content-length'];
    const answer = await this.artifacts.put(rawPathOf(req), req, caller, req.headers['content-type'], length === undefined ? undefined : Number(length));
    res.status(200).json(answer);
  }

  @Get(proxy('artifacts/*path'))
  @MlflowAccess('read')
  async download(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { row, stream } = await this.artifacts.open(rawPathOf(req));
    res.status(200);
    res.setHeader('content-type', row.contentType);
    res.setHeader('content-length', String(row.size));
    res.setHeader('etag', `"${row.sha256}"`);
    res.setHeader('x-podium-sha256', row.sha256);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(row.path.split('/').pop() ?? row.path)}`);
    // pipeline closes the blob when the client goes; a read error cuts the response (the renderer destroys it).
    await pipeline(stream, res);
  }
}
