// The worker protocol (WORKER tokens; ADMIN passes too): claim, heartbeat, complete, fail, release, wake-ups.
import { Injectable } from '@nestjs/common';
import { Arg, Authorized, Ctx, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { Role } from '../auth/roles';
import type { GraphqlContext } from '../graphql/context';
import { EvaluationJobType } from './dto/evaluation-job.type';
import { JobClaimType, JobLeaseType, JobQueuedSignalType } from './dto/job-claim.type';
import { ClaimEvaluationJobInput, CompleteEvaluationJobInput, FailEvaluationJobInput, HeartbeatEvaluationJobInput, ReleaseEvaluationJobInput } from './dto/job-protocol.input';
import { toJobClaimType, toJobLeaseType, toJobType } from './evaluations.mapper';
import { JobClaimService } from './job-claim.service';
import { EVALUATION_JOB_QUEUED } from './job-events';
import { JobLeaseService } from './job-lease.service';

@Injectable()
@Resolver()
export class JobProtocolResolver {
  constructor(
    private readonly claims: JobClaimService,
    private readonly lease: JobLeaseService,
  ) {}

  @Authorized(Role.WORKER)
  @Mutation(() => JobClaimType, {
    nullable: true,
    description:
      "Worker protocol: called by a gpu-worker (WORKER token) when it is idle. Leases the oldest QUEUED job to this worker (the caller's own, ACTIVE); null when nothing is queued. The attempt is bound to this worker and this api token. FAILED_PRECONDITION (reason WORKER_DRAINING) while an ADMIN drains the worker, FORBIDDEN (WORKER_REMOVED) once it was removed.",
  })
  async claimEvaluationJob(@Arg('input', { description: 'The claiming worker and the lease length.' }) input: ClaimEvaluationJobInput, @Ctx() ctx: GraphqlContext): Promise<JobClaimType | null> {
    const claim = await this.claims.claim(input.workerId, input.leaseSeconds, ctx.identity!);
    return claim ? toJobClaimType(claim) : null;
  }

  @Authorized(Role.WORKER)
  @Mutation(() => JobLeaseType, {
    description:
      'Worker protocol: called by the gpu-worker holding the job, every few seconds while it evaluates. Extends the lease and reports progress. CONFLICT "stale attempt" once the attempt is no longer current; FORBIDDEN from any worker or token but its claimant.',
  })
  async heartbeatEvaluationJob(
    @Arg('input', { description: 'The job, the attempt held, the worker and its progress.' }) input: HeartbeatEvaluationJobInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<JobLeaseType> {
    return toJobLeaseType(await this.lease.heartbeat(input, input.progress ?? null, ctx.identity!));
  }

  @Authorized(Role.WORKER)
  @Mutation(() => EvaluationJobType, {
    description:
      "Worker protocol: called by the gpu-worker holding the job when the evaluation is done. Reports the result; writes the evaluation run. Idempotent per attempt; a stale attempt is CONFLICT; anyone but the attempt's claimant is FORBIDDEN.",
  })
  async completeEvaluationJob(
    @Arg('input', { description: 'The job, the attempt held, the worker and the result.' }) input: CompleteEvaluationJobInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<EvaluationJobType> {
    return toJobType(await this.lease.complete(input, input.result, ctx.identity!));
  }

  @Authorized(Role.WORKER)
  @Mutation(() => EvaluationJobType, {
    description:
      "Worker protocol: called by the gpu-worker holding the job when the evaluation failed or was cancelled. The job failed (code CANCELLED ends it CANCELLED). Only the attempt's claimant may report it.",
  })
  async failEvaluationJob(
    @Arg('input', { description: 'The job, the attempt held, the worker and the error.' }) input: FailEvaluationJobInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<EvaluationJobType> {
    return toJobType(await this.lease.fail(input, input.error, input.code ?? null, ctx.identity!));
  }

  @Authorized(Role.WORKER)
  @Mutation(() => EvaluationJobType, {
    description:
      "Worker protocol: called by the gpu-worker holding the job when it stops before the end. Hands the job back: QUEUED again, not counted as a failure. Only the attempt's claimant may release it.",
  })
  async releaseEvaluationJob(
    @Arg('input', { description: 'The job, the attempt held, the worker and why.' }) input: ReleaseEvaluationJobInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<EvaluationJobType> {
    return toJobType(await this.lease.release(input, input.reason, ctx.identity!));
  }

  @Authorized(Role.WORKER)
  @Subscription(() => JobQueuedSignalType, {
    topics: EVALUATION_JOB_QUEUED,
    description: 'Worker protocol: subscribed by idle gpu-workers. A job became claimable: they wake and claim (they also poll).',
  })
  evaluationJobQueued(@Root() signal: JobQueuedSignalType): JobQueuedSignalType {
    return signal;
  }
}
