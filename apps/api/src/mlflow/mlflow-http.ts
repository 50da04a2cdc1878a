// The one way an MLflow JSON route runs: the caller is checked by the REST guard (the route's @MlflowAccess), then the
// request's fields (query string for GET, the JSON body within the body limit otherwise), then one service call;
// success is exactly HTTP 200 with a JSON object, failure MLflow's error shape (the controllers' @RestErrors(MLFLOW_ERRORS)).
import { applyDecorators, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RestRoles, RestWrite } from '../auth/rest-access';
import { type Identity, Role } from '../auth/roles';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { parseMlflowBody, readBodyText } from './mlflow-json';
import { MlflowParams } from './mlflow-params';

export type MlflowHandler = (params: MlflowParams, caller: Identity) => Promise<object>;

/**
 * The roles of GraphQL on MLflow's routes: VIEWER reads, EDITOR writes, ADMIN deletes (WORKER nothing); writes take from
 * the caller's write rate bucket.
 */
export const MlflowAccess = (access: 'read' | 'write' | 'admin') =>
  access === 'read' ? RestRoles(Role.VIEWER) : applyDecorators(RestRoles(access === 'write' ? Role.EDITOR : Role.ADMIN), RestWrite());

@Injectable()
export class MlflowHttp {
  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'bodyLimitBytes'>) {}

  async serve(req: Request, res: Response, caller: Identity, handle: MlflowHandler): Promise<void> {
    const params =
      req.method === 'GET' ? MlflowParams.ofQuery(new URL(req.originalUrl, 'http://x').searchParams) : MlflowParams.ofBody(parseMlflowBody(await readBodyText(req, this.config.bodyLimitBytes)));
    const answer = await handle(params, caller);
    res.status(200).setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer));
  }
}
