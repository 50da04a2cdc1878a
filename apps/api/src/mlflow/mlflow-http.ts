// The one way an MLflow JSON route runs: the caller (mlflow-auth.ts), then the request's fields (query string for GET,
// the JSON body within the body limit otherwise), then one service call; success is exactly HTTP 200 with a JSON
// object, failure MLflow's error shape (mlflow-errors.ts).
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Identity } from '../auth/roles';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { type MlflowAccess, MlflowAuth } from './mlflow-auth';
import { renderMlflowError } from './mlflow-errors';
import { parseMlflowBody, readBodyText } from './mlflow-json';
import { MlflowParams } from './mlflow-params';

export type MlflowHandler = (params: MlflowParams, caller: Identity) => Promise<object>;

@Injectable()
export class MlflowHttp {
  private readonly logger = new Logger('MLflow');

  constructor(
    private readonly auth: MlflowAuth,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'bodyLimitBytes'>,
  ) {}

  async serve(req: Request, res: Response, access: MlflowAccess, handle: MlflowHandler): Promise<void> {
    try {
      const caller = await this.auth.caller(req, access);
      const params = req.method === 'GET' ? MlflowParams.ofQuery(new URL(req.originalUrl, 'http://x').searchParams) : MlflowParams.ofBody(parseMlflowBody(await readBodyText(req, this.config.bodyLimitBytes)));
      const answer = await handle(params, caller);
      res.status(200).setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer));
    } catch (e) {
      this.fail(req, res, e);
    }
  }

  /** Answers an error of an MLflow route (the JSON routes and the artifact proxy alike). */
  fail(req: Request, res: Response, e: unknown): void {
    renderMlflowError(req, res, e, this.logger);
  }
}
