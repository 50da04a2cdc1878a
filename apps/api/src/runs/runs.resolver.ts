import { Injectable } from '@nestjs/common';
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Role } from '../auth/roles';
import { connection } from '../graphql/connection.type';
import type { GraphqlContext } from '../graphql/context';
import { CreateRunInput } from './dto/create-run.input';
import { LogParamsInput, SetRunTagsInput } from './dto/log-params.input';
import { RunConnection } from './dto/run-connection.type';
import { RunType } from './dto/run.type';
import { RunsArgs } from './dto/runs.args';
import { UpdateRunInput } from './dto/update-run.input';
import { RUN_UPDATED, type RunUpdatedEvent } from './run-events';
import { toRunType } from './runs.mapper';
import { RunsService } from './runs.service';

@Injectable()
@Resolver(() => RunType)
export class RunsResolver {
  constructor(private readonly service: RunsService) {}

  @Authorized(Role.VIEWER)
  @Query(() => RunType, { nullable: true, description: 'A run by full id or unique short-id prefix; null when none matches (an ambiguous prefix is BAD_USER_INPUT).' })
  async run(@Arg('id', () => ID, { description: 'Full id or unique short-id prefix.' }) id: string): Promise<RunType | null> {
    const run = await this.service.findRun(id);
    return run && toRunType(run);
  }

  @Authorized(Role.VIEWER)
  @Query(() => RunConnection, { description: "An experiment's runs, newest first (searchRuns filters and sorts)." })
  async runs(@Args() args: RunsArgs): Promise<RunConnection> {
    const page = await this.service.listRuns(args);
    return connection(page.nodes.map(toRunType), page.totalCount, page.endCursor, page.hasNextPage);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => RunType, {
    description:
      'Starts a run in an experiment (status RUNNING unless QUEUED is asked), with its params and tags if given; the trainer then calls logParams, logMetrics and, at the end, updateRun with FINISHED, FAILED or KILLED. Subscribers of runUpdated see it after commit. EDITOR.',
  })
  async createRun(
    @Arg('input', { description: 'The experiment, and optionally name, kind, status, params, tags, parent run and evaluation dataset.' }) input: CreateRunInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RunType> {
    return toRunType(await this.service.createRun(input, ctx.identity!));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => RunType, {
    description: "Moves a run's status (QUEUED → RUNNING → FINISHED | FAILED | KILLED; ending it sets endTime) or renames it. An illegal move is FAILED_PRECONDITION. EDITOR.",
  })
  async updateRun(@Arg('input', { description: 'The run and what to change.' }) input: UpdateRunInput, @Ctx() ctx: GraphqlContext): Promise<RunType> {
    return toRunType(await this.service.updateRun(input, ctx.identity!));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RunType, { description: 'Soft delete (restoreRun undoes it); logging to a deleted run is FAILED_PRECONDITION.' })
  async deleteRun(@Arg('id', () => ID, { description: 'Full id or unique short-id prefix.' }) id: string): Promise<RunType> {
    return toRunType(await this.service.deleteRun(id));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RunType, { description: 'Undoes deleteRun. ADMIN.' })
  async restoreRun(@Arg('id', () => ID, { description: 'Full id or unique short-id prefix.' }) id: string): Promise<RunType> {
    return toRunType(await this.service.restoreRun(id));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => RunType, {
    description:
      'Logs hyper-parameters on a run (string values, up to 1,000 a call). Params are immutable: the same value again is a no-op, a different value is CONFLICT and nothing of the call is written. EDITOR.',
  })
  async logParams(@Arg('input', { description: 'The run and its params.' }) input: LogParamsInput): Promise<RunType> {
    return toRunType(await this.service.logParams(input.runId, input.params));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => RunType, { description: 'Sets tags on a run (a key already set gets the new value). EDITOR.' })
  async setRunTags(@Arg('input', { description: 'The run and its tags.' }) input: SetRunTagsInput): Promise<RunType> {
    return toRunType(await this.service.setTags(input.runId, input.tags));
  }

  @Authorized(Role.VIEWER)
  @Subscription(() => RunType, {
    topics: RUN_UPDATED,
    topicId: ({ args }) => args.experimentId,
    description: 'Runs of one experiment as they are created, change status, are renamed, deleted or restored (after commit).',
  })
  runUpdated(@Root() event: RunUpdatedEvent, @Arg('experimentId', () => ID, { description: 'The experiment whose runs to follow.' }) _experimentId: string): RunType {
    return toRunType(event.run);
  }
}
