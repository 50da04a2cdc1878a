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
  @Query(() => RunType, { description: 'A run by full id or unique short-id prefix (an ambiguous prefix is BAD_USER_INPUT).' })
  async run(@Arg('id', () => ID) id: string): Promise<RunType> {
    return toRunType(await this.service.getRun(id));
  }

  @Authorized(Role.VIEWER)
  @Query(() => RunConnection, { description: "An experiment's runs, newest first (searchRuns filters and sorts)." })
  async runs(@Args() args: RunsArgs): Promise<RunConnection> {
    const page = await this.service.listRuns(args);
    return connection(page.nodes.map(toRunType), page.totalCount, page.endCursor, page.hasNextPage);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => RunType)
  async createRun(@Arg('input') input: CreateRunInput, @Ctx() ctx: GraphqlContext): Promise<RunType> {
    return toRunType(await this.service.createRun(input, ctx.identity!));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => RunType)
  async updateRun(@Arg('input') input: UpdateRunInput, @Ctx() ctx: GraphqlContext): Promise<RunType> {
    return toRunType(await this.service.updateRun(input, ctx.identity!));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RunType, { description: 'Soft delete (restoreRun undoes it); logging to a deleted run is FAILED_PRECONDITION.' })
  async deleteRun(@Arg('id', () => ID) id: string): Promise<RunType> {
    return toRunType(await this.service.deleteRun(id));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RunType)
  async restoreRun(@Arg('id', () => ID) id: string): Promise<RunType> {
    return toRunType(await this.service.restoreRun(id));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => RunType)
  async logParams(@Arg('input') input: LogParamsInput): Promise<RunType> {
    return toRunType(await this.service.logParams(input.runId, input.params));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => RunType)
  async setRunTags(@Arg('input') input: SetRunTagsInput): Promise<RunType> {
    return toRunType(await this.service.setTags(input.runId, input.tags));
  }

  @Authorized(Role.VIEWER)
  @Subscription(() => RunType, {
    topics: RUN_UPDATED,
    topicId: ({ args }) => args.experimentId,
    description: "Runs of one experiment as they are created, change status, are renamed, deleted or restored (after commit).",
  })
  runUpdated(@Root() event: RunUpdatedEvent, @Arg('experimentId', () => ID) _experimentId: string): RunType {
    return toRunType(event.run);
  }
}
