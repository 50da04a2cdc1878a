// Every other path under the MLflow prefixes answers MLflow's ENDPOINT_NOT_FOUND (404), which its client takes to mean
// "not served here" (it then tries an alternative endpoint where it has one). Registered after the real routes; public,
// so that a client without a token learns the route is not served rather than that it lacks one.
import { All, Controller, Req } from '@nestjs/common';
import type { Request } from 'express';
import { RestPublic } from '../auth/rest-access';
import { RestErrors } from '../common/rest-errors';
import { endpointNotFound, MLFLOW_ERRORS } from './mlflow-errors';
import { MLFLOW_ARTIFACTS_PREFIXES, MLFLOW_PREFIXES } from './mlflow-routes';

@Controller()
@RestErrors(MLFLOW_ERRORS)
export class MlflowFallbackController {
  @All([...MLFLOW_PREFIXES, ...MLFLOW_ARTIFACTS_PREFIXES].flatMap((p) => [p, `${p}/*path`]))
  @RestPublic()
  notFound(@Req() req: Request): never {
    throw endpointNotFound(req.method, req.originalUrl.split('?')[0]);
  }
}
