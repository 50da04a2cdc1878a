// Evaluation jobs for people and scripts: queue, cancel, read, list, and follow one job live.
import { Injectable } from '@nestjs/common';
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Role } from '../auth/roles';
import { ConnectionType, connection } from '../graphql/connection.type';
import { type GraphqlContext, serviceOf } from '../graphql/context';
import { CancelEvaluationJobInput, EvaluateModelInput } from './dto/evaluate-model.input';
import { EvaluationJobsArgs } from './dto/evaluation-jobs.args';
import { EvaluationJobType } from './dto/evaluation-job.type';
import { EvaluationJobsService } from './evaluation-jobs.service';
import { toJobType } from './evaluations.mapper';
import { JobUpdateStream } from './job-update-stream';

export const EvaluationJobConnection = ConnectionType(EvaluationJobType, 'EvaluationJobConnection');

@Injectable()
@Resolver(() => EvaluationJobType)
export class EvaluationsResolver {
  constructor(private readonly jobs: EvaluationJobsService) {}

  @Authorized(Role.EDITOR)
  @Mutation(() => EvaluationJobType, { description: 'Queues an evaluation job and creates its evaluation run (kind EVALUATION).' })
  async evaluateModel(@Arg('input', { description: 'What to evaluate, on which dataset, and how.' }) input: EvaluateModelInput, @Ctx() ctx: GraphqlContext): Promise<EvaluationJobType> {
    return toJobType(await this.jobs.evaluateModel(input, ctx.identity!));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => EvaluationJobType, { description: 'QUEUED → CANCELLED at once; RUNNING → cancel requested, the worker stops and the job ends CANCELLED.' })
  async cancelEvaluationJob(@Arg('input', { description: 'The job.' }) input: CancelEvaluationJobInput, @Ctx() ctx: GraphqlContext): Promise<EvaluationJobType> {
    return toJobType(await this.jobs.cancel(input.id, ctx.identity!));
  }

  @Authorized(Role.VIEWER)
  @Query(() => EvaluationJobType, { nullable: true, description: 'One evaluation job by id (null when absent).' })
  async evaluationJob(@Arg('id', () => ID, { description: "The job's id." }) id: string): Promise<EvaluationJobType | null> {
    const job = await this.jobs.get(id);
    return job ? toJobType(job) : null;
  }

  @Authorized(Role.VIEWER)
  @Query(() => EvaluationJobConnection, { description: 'Newest first.' })
  async evaluationJobs(@Args() { filter, first, after }: EvaluationJobsArgs) {
    const page = await this.jobs.list(filter ?? {}, first, after);
    return connection(page.nodes.map(toJobType), page.totalCount, page.endCursor, page.hasNextPage);
  }

  @Authorized(Role.VIEWER)
  @Subscription(() => EvaluationJobType, {
    subscribe: ({ args, context }) => serviceOf(context, JobUpdateStream).stream(args.jobId),
    description: 'One job: first as it is now, then each change after commit (claimed, progress: images done/total, images/s, ETA; re-queued), ending with its final status and result.',
  })
  evaluationJobUpdated(@Root() job: EvaluationJobType, @Arg('jobId', () => ID, { description: 'The job to follow.' }) _jobId: string): EvaluationJobType {
    return job;
  }
}
