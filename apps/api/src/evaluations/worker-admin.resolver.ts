// ADMIN operations on workers: drain, remove (its running job goes back to the queue), resume.
import { Injectable } from '@nestjs/common';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../auth/roles';
import type { GraphqlContext } from '../graphql/context';
import { DrainWorkerInput, RemoveWorkerInput, ResumeWorkerInput } from '../workers/dto/worker-state.input';
import { WorkerType } from '../workers/dto/worker.type';
import { toWorkerType } from '../workers/workers.mapper';
import { WorkerRemovalType } from './dto/worker-removal.type';
import { toJobType } from './evaluations.mapper';
import { WorkerAdminService } from './worker-admin.service';

@Injectable()
@Resolver()
export class WorkerAdminResolver {
  constructor(private readonly admin: WorkerAdminService) {}

  @Authorized(Role.ADMIN)
  @Mutation(() => WorkerType, { description: 'DRAINING: the worker finishes its running job and claims no new one (its claims get FAILED_PRECONDITION, reason WORKER_DRAINING) until resumeWorker.' })
  async drainWorker(@Arg('input', { description: 'The worker and why.' }) input: DrainWorkerInput, @Ctx() ctx: GraphqlContext): Promise<WorkerType> {
    return toWorkerType(await this.admin.drain(input.id, input.reason ?? null, ctx.identity!));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WorkerRemovalType, {
    description:
      'REMOVED: the worker can no longer claim or report (FORBIDDEN, reason WORKER_REMOVED) nor register its name again until resumeWorker; its running job goes back to the queue as a new attempt, not counted as a failure.',
  })
  async removeWorker(@Arg('input', { description: 'The worker and why.' }) input: RemoveWorkerInput, @Ctx() ctx: GraphqlContext): Promise<WorkerRemovalType> {
    const { worker, handedBack } = await this.admin.remove(input.id, input.reason ?? null, ctx.identity!);
    return { worker: toWorkerType(worker), handedBack: handedBack.map(toJobType) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WorkerType, { description: 'ACTIVE again: a drained or removed worker claims and reports as before.' })
  async resumeWorker(@Arg('input', { description: 'The worker.' }) input: ResumeWorkerInput, @Ctx() ctx: GraphqlContext): Promise<WorkerType> {
    return toWorkerType(await this.admin.resume(input.id, ctx.identity!));
  }
}
