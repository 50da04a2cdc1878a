// Run's related fields, batched per request through DataLoaders (CONTRIBUTING.md rule 4).
import { Injectable } from '@nestjs/common';
import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/roles';
import type { KeyValue } from '../experiments/experiment.entity';
import { ExperimentType } from '../experiments/dto/experiment.type';
import { KeyValueType } from '../experiments/dto/key-value.type';
import { toExperimentType } from '../experiments/experiments.mapper';
import { ExperimentsService } from '../experiments/experiments.service';
import { type GraphqlContext, loader } from '../graphql/context';
import { RunType } from './dto/run.type';
import { RunsService } from './runs.service';

@Injectable()
@Resolver(() => RunType)
export class RunFieldsResolver {
  constructor(
    private readonly runs: RunsService,
    private readonly experimentsService: ExperimentsService,
  ) {}

  @Authorized(Role.VIEWER)
  @FieldResolver(() => [KeyValueType], { description: 'Params, by key.' })
  params(@Root() run: RunType, @Ctx() ctx: GraphqlContext): Promise<KeyValue[]> {
    return loader<string, KeyValue[]>(ctx, 'run.params', async (ids) => {
      const m = await this.runs.paramsByRunIds(ids);
      return ids.map((id) => m.get(id) ?? []);
    }).load(run.id);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => [KeyValueType], { description: 'Tags, by key.' })
  tags(@Root() run: RunType, @Ctx() ctx: GraphqlContext): Promise<KeyValue[]> {
    return loader<string, KeyValue[]>(ctx, 'run.tags', async (ids) => {
      const m = await this.runs.tagsByRunIds(ids);
      return ids.map((id) => m.get(id) ?? []);
    }).load(run.id);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => ExperimentType, { description: 'The experiment the run belongs to.' })
  async experiment(@Root() run: RunType, @Ctx() ctx: GraphqlContext): Promise<ExperimentType> {
    const e = await loader<string, ExperimentType>(ctx, 'experiment.byId', async (ids) => {
      const found = new Map((await this.experimentsService.findByIds(ids)).map((x) => [x.id, toExperimentType(x)]));
      return ids.map((id) => found.get(id) ?? new Error(`Experiment "${id}" not found`));
    }).load(run.experimentId);
    return e;
  }
}
