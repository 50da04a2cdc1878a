// Every other path under the MLflow prefixes answers MLflow's ENDPOINT_NOT_FOUND (404), which its client takes to mean
// "not served here" (it then tries an alternative endpoint where it has one). Registered after the real routes.
import { All, Controller, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { endpointNotFound } from './mlflow-errors';
import { MlflowHttp } from './mlflow-http';
import { MLFLOW_ARTIFACTS_PREFIXES, MLFLOW_PREFIXES } from './mlflow-routes';

@Controller()
export class MlflowFallbackController {
  constructor(private readonly http: MlflowHttp) {}

  @All([...MLFLOW_PREFIXES, ...MLFLOW_ARTIFACTS_PREFIXES].flatMap((p) => [p, `${p}/*path`]))
  notFound(@Req() req: Request, @Res() res: Response): void {
    this.http.fail(req, res, endpointNotFound(req.method, req.originalUrl.split('?')[0]));
  }
}
