// MLflow's run, metric and artifact-listing routes (protos/service.proto): each one service call through MlflowHttp.serve.
import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MlflowArtifactsService } from './mlflow-artifacts.service';
import { MlflowHttp } from './mlflow-http';
import { MlflowRunReads } from './mlflow-run-reads.service';
import { tracking } from './mlflow-routes';
import { MlflowRunsService } from './mlflow-runs.service';

@Controller()
export class MlflowRunsController {
  constructor(
    private readonly http: MlflowHttp,
    private readonly runs: MlflowRunsService,
    private readonly reads: MlflowRunReads,
    private readonly artifacts: MlflowArtifactsService,
  ) {}

  @Post(tracking('runs/create'))
  create(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'write', (p, caller) => this.runs.create(p, caller));
  }

  @Get(tracking('runs/get'))
  get(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'read', (p) => this.reads.get(p));
  }

  @Post(tracking('runs/update'))
  update(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'write', (p, caller) => this.runs.update(p, caller));
  }

  @Post(tracking('runs/delete'))
  remove(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'admin', (p) => this.runs.remove(p));
  }

  @Post(tracking('runs/restore'))
  restore(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'admin', (p) => this.runs.restore(p));
  }

  @Post(tracking('runs/search'))
  search(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'read', (p) => this.reads.searchRuns(p));
  }

  @Get(tracking('runs/search'))
  searchByQuery(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.search(req, res);
  }

  @Post(tracking('runs/log-metric'))
  logMetric(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'write', (p, caller) => this.runs.logMetric(p, caller));
  }

  @Post(tracking('runs/log-parameter'))
  logParam(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'write', (p, caller) => this.runs.logParam(p, caller));
  }

  @Post(tracking('runs/log-batch'))
  logBatch(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'write', (p, caller) => this.runs.logBatchRequest(p, caller));
  }

  @Post(tracking('runs/set-tag'))
  setTag(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'write', (p, caller) => this.runs.setTag(p, caller));
  }

  @Post(tracking('runs/delete-tag'))
  deleteTag(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'write', (p) => this.runs.deleteTag(p));
  }

  @Post(tracking('runs/log-inputs'))
  logInputs(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'write', (p) => this.runs.logInputs(p));
  }

  @Get(tracking('metrics/get-history'))
  history(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'read', (p) => this.reads.history(p));
  }

  @Get(tracking('artifacts/list'))
  listArtifacts(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'read', (p) => this.artifacts.listTracking(p));
  }
}
