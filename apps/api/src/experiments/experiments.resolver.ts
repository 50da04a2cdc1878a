import { Injectable } from '@nestjs/common';
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/roles';
import { connection } from '../graphql/connection.type';
import type { GraphqlContext } from '../graphql/context';
import { CreateExperimentInput } from './dto/create-experiment.input';
import { ExperimentConnection } from './dto/experiment-connection.type';
import { ExperimentType } from './dto/experiment.type';
import { ExperimentRefArgs, ExperimentsArgs } from './dto/experiments.args';
import { UpdateExperimentInput } from './dto/update-experiment.input';
import { toExperimentType } from './experiments.mapper';
import { ExperimentsService } from './experiments.service';

@Injectable()
@Resolver(() => ExperimentType)
export class ExperimentsResolver {
  constructor(private readonly service: ExperimentsService) {}

  @Authorized(Role.VIEWER)
  @Query(() => ExperimentType, { nullable: true, description: 'One experiment, by id or by name (exactly one of the two); null when none matches.' })
  async experiment(@Args() ref: ExperimentRefArgs): Promise<ExperimentType | null> {
    const found = await this.service.findByRef(ref);
    return found && toExperimentType(found);
  }

  @Authorized(Role.VIEWER)
  @Query(() => ExperimentConnection, { description: 'Experiments, newest first.' })
  async experiments(@Args() args: ExperimentsArgs): Promise<ExperimentConnection> {
    const page = await this.service.list(args);
    return connection(page.nodes.map(toExperimentType), page.totalCount, page.endCursor, page.hasNextPage);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => ExperimentType, {
    description: "Creates an experiment, a named group of runs: a trainer's first call (then createRun). A name already taken, even by a deleted experiment, is CONFLICT. EDITOR.",
  })
  async createExperiment(@Arg('input', { description: 'The name, and optionally a description and tags.' }) input: CreateExperimentInput, @Ctx() ctx: GraphqlContext): Promise<ExperimentType> {
    return toExperimentType(await this.service.create(input, ctx.identity!));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => ExperimentType, { description: 'Renames an experiment or changes its description or tags (fields left out stay). EDITOR.' })
  async updateExperiment(@Arg('input', { description: 'The experiment and the fields to change.' }) input: UpdateExperimentInput): Promise<ExperimentType> {
    return toExperimentType(await this.service.update(input));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ExperimentType, { description: 'Soft delete: the experiment and its runs stay stored; restoreExperiment undoes it.' })
  async deleteExperiment(@Arg('id', () => ID, { description: "The experiment's id." }) id: string): Promise<ExperimentType> {
    return toExperimentType(await this.service.softDelete(id));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ExperimentType, { description: 'Undoes deleteExperiment: the experiment and its runs are listed again. ADMIN.' })
  async restoreExperiment(@Arg('id', () => ID, { description: "The experiment's id." }) id: string): Promise<ExperimentType> {
    return toExperimentType(await this.service.restore(id));
  }
}
