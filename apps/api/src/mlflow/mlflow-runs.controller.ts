// MLflow's run, metric and artifact-listing routes (protos/service.proto): each one service call through MlflowHttp.serve.
import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Caller } from '../auth/rest-access';
import type { Identity } from '../auth/roles';
import { RestErrors } from '../common/rest-errors';
import { MLFLOW_ERRORS } from './mlflow-errors';
import { MlflowArtifactsService } from './mlflow-artifacts.service';
import { MlflowAccess, MlflowHttp } from './mlflow-http';
import { MlflowRunReads } from './mlflow-run-reads.service';
import { tracking } from './mlflow-routes';
import { MlflowRunsService } from './mlflow-runs.service';

/**
 * `Idempotency-Key` of a metric-logging request: a client that retries a batch whose answer it lost (MLflow's client
 * retries 429 and 5xx) sends the same key, and a batch already committed under it is not stored twice (as the
 * `idempotencyKey` of logMetrics; docs/mlflow.md). MLflow's own clients send none unless a header provider adds it.
 */
function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.headers['idempotency-key'];
  return typeof key === 'string' ? key : undefined;
}

@Controller()
@RestErrors(MLFLOW_ERRORS)
export class MlflowRunsController {
  constructor(
    private readonly http: MlflowHttp,
    private readonly runs: MlflowRunsService,
    private readonly reads: MlflowRunReads,
    private readonly artifacts: MlflowArtifactsService,
  ) {}

  @Post(tracking('runs/create'))
  @MlflowAccess('write')
  create(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p, caller) => this.runs.create(p, caller));
  }

  @Get(tracking('runs/get'))
  @MlflowAccess('read')
  get(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.reads.get(p));
  }

  @Post(tracking('runs/update'))
  @MlflowAccess('write')
  update(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p, caller) => this.runs.update(p, caller));
  }

  @Post(tracking('runs/delete'))
  @MlflowAccess('admin')
  remove(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.runs.remove(p));
  }

  @Post(tracking('runs/restore'))
  @MlflowAccess('admin')
  restore(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.runs.restore(p));
  }

  @Post(tracking('runs/search'))
  @MlflowAccess('read')
  search(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.reads.searchRuns(p));
  }

  @Get(tracking('runs/search'))
  @MlflowAccess('read')
  searchByQuery(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.search(req, res, caller);
  }

  @Post(tracking('runs/log-metric'))
  @MlflowAccess('write')
  logMetric(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p, caller) => this.runs.logMetric(p, caller, idempotencyKeyOf(req)));
  }

  @Post(tracking('runs/log-parameter'))
  @MlflowAccess('write')
  logParam(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p, caller) => this.runs.logParam(p, caller));
  }

  @Post(tracking('runs/log-batch'))
  @MlflowAccess('write')
  logBatch(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p, caller) => this.runs.logBatchRequest(p, caller, idempotencyKeyOf(req)));
  }

  @Post(tracking('runs/set-tag'))
  @MlflowAccess('write')
  setTag(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p, caller) => this.runs.setTag(p, caller));
  }

  @Post(tracking('runs/delete-tag'))
  @MlflowAccess('write')
  deleteTag(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.runs.deleteTag(p));
  }

  @Post(tracking('runs/log-inputs'))
  @MlflowAccess('write')
  logInputs(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.runs.logInputs(p));
  }

  @Get(tracking('metrics/get-history'))
  @MlflowAccess('read')
  history(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.reads.history(p));
  }

  @Get(tracking('artifacts/list'))
  @MlflowAccess('read')
  listArtifacts(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.artifacts.listTracking(p));
  }
}
