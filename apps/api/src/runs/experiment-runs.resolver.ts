// Experiment fields read from its runs (run count, last activity, newest run), batched per request through DataLoaders
// (CONTRIBUTING.md rule 4): a page of experiments costs one query per field, not one per experiment.
import { Injectable } from '@nestjs/common';
import { Authorized, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/roles';
import { ExperimentType } from '../experiments/dto/experiment.type';
import { type GraphqlContext, loader } from '../graphql/context';
import { RunType } from './dto/run.type';
import { toRunType } from './runs.mapper';
import { RunsService } from './runs.service';

type Activity = { runCount: number; lastActivity: number | null };

@Injectable()
@Resolver(() => ExperimentType)
export class ExperimentRunsResolver {
  constructor(private readonly runs: RunsService) {}

  private activity(e: ExperimentType, ctx: GraphqlContext): Promise<Activity> {
    return loader<string, Activity>(ctx, 'experiment.activity', (ids) => this.runs.activityByExperimentIds(ids)).load(e.id);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => Int, { description: 'Runs of the experiment (soft-deleted runs not counted).' })
  async runCount(@Root() e: ExperimentType, @Ctx() ctx: GraphqlContext): Promise<number> {
    return (await this.activity(e, ctx)).runCount;
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => Date, { nullable: true, description: 'When a run of the experiment last started or ended (null without runs).' })
  async lastActivityAt(@Root() e: ExperimentType, @Ctx() ctx: GraphqlContext): Promise<Date | null> {
    const { lastActivity } = await this.activity(e, ctx);
    return lastActivity === null ? null : new Date(lastActivity);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => RunType, { nullable: true, description: 'The newest run (the first of `runs`), null without runs.' })
  async latestRun(@Root() e: ExperimentType, @Ctx() ctx: GraphqlContext): Promise<RunType | null> {
    const run = await loader<string, RunType | null>(ctx, 'experiment.latestRun', async (ids) => (await this.runs.latestRunByExperimentIds(ids)).map((r) => r && toRunType(r))).load(e.id);
    return run;
  }
}
