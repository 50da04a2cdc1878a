// MLflow's experiment routes (protos/service.proto): each one service call through MlflowHttp.serve.
import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MlflowExperimentsService } from './mlflow-experiments.service';
import { MlflowHttp } from './mlflow-http';
import { tracking } from './mlflow-routes';

@Controller()
export class MlflowExperimentsController {
  constructor(
    private readonly http: MlflowHttp,
    private readonly experiments: MlflowExperimentsService,
  ) {}

  @Post(tracking('experiments/create'))
  create(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'write', (p, caller) => this.experiments.create(p, caller));
  }

  @Get(tracking('experiments/get'))
  get(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'read', (p) => this.experiments.get(p));
  }

  @Get(tracking('experiments/get-by-name'))
  getByName(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'read', (p) => this.experiments.getByName(p));
  }

  @Post(tracking('experiments/search'))
  search(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'read', (p) => this.experiments.search(p));
  }

  /** GET experiments/search, and the GET experiments/list of MLflow 1.x clients (the npm client uses it). */
  @Get([...tracking('experiments/search'), ...tracking('experiments/list')])
  searchByQuery(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.search(req, res);
  }

  @Post(tracking('experiments/update'))
  update(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'write', (p, caller) => this.experiments.update(p, caller));
  }

  @Post(tracking('experiments/delete'))
  remove(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'admin', (p) => this.experiments.remove(p));
  }

  @Post(tracking('experiments/restore'))
  restore(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'admin', (p) => this.experiments.restore(p));
  }

  @Post(tracking('experiments/set-experiment-tag'))
  setTag(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'write', (p, caller) => this.experiments.setTag(p, caller));
  }

  @Post(tracking('experiments/delete-experiment-tag'))
  deleteTag(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.http.serve(req, res, 'write', (p, caller) => this.experiments.deleteTag(p, caller));
  }
}
