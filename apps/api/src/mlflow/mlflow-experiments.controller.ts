// MLflow's experiment routes (protos/service.proto): each one service call through MlflowHttp.serve.
import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Caller } from '../auth/rest-access';
import type { Identity } from '../auth/roles';
import { RestErrors } from '../common/rest-errors';
import { MLFLOW_ERRORS } from './mlflow-errors';
import { MlflowExperimentsService } from './mlflow-experiments.service';
import { MlflowAccess, MlflowHttp } from './mlflow-http';
import { tracking } from './mlflow-routes';

@Controller()
@RestErrors(MLFLOW_ERRORS)
export class MlflowExperimentsController {
  constructor(
    private readonly http: MlflowHttp,
    private readonly experiments: MlflowExperimentsService,
  ) {}

  @Post(tracking('experiments/create'))
  @MlflowAccess('write')
  create(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p, caller) => this.experiments.create(p, caller));
  }

  @Get(tracking('experiments/get'))
  @MlflowAccess('read')
  get(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.experiments.get(p));
  }

  @Get(tracking('experiments/get-by-name'))
  @MlflowAccess('read')
  getByName(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.experiments.getByName(p));
  }

  @Post(tracking('experiments/search'))
  @MlflowAccess('read')
  search(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.experiments.search(p));
  }

  /** GET experiments/search, and the GET experiments/list of MLflow 1.x clients (the npm client uses it). */
  @Get([...tracking('experiments/search'), ...tracking('experiments/list')])
  @MlflowAccess('read')
  searchByQuery(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.search(req, res, caller);
  }

  @Post(tracking('experiments/update'))
  @MlflowAccess('write')
  update(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.experiments.update(p));
  }

  @Post(tracking('experiments/delete'))
  @MlflowAccess('admin')
  remove(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.experiments.remove(p));
  }

  @Post(tracking('experiments/restore'))
  @MlflowAccess('admin')
  restore(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.experiments.restore(p));
  }

  @Post(tracking('experiments/set-experiment-tag'))
  @MlflowAccess('write')
  setTag(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.experiments.setTag(p));
  }

  @Post(tracking('experiments/delete-experiment-tag'))
  @MlflowAccess('write')
  deleteTag(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    return this.http.serve(req, res, caller, (p) => this.experiments.deleteTag(p));
  }
}
