// Inputs of the worker protocol (shared contract with apps/gpu-worker's agent).
import { GraphQLJSONObject } from 'graphql-scalars';
import { IsInt, IsNumber, IsOptional, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'Worker protocol: which worker claims, and for how long.' })
export class ClaimEvaluationJobInput {
  @Field(() => ID, { description: "The claiming worker (registerWorker's id), registered with the same api token." })
  @IsUUID()
  workerId: string;

  @Field(() => Int, { defaultValue: 60, description: 'Seconds until the lease expires unless heartbeated (10..3600).' })
  @IsInt()
  @Min(10)
  @Max(3600)
  leaseSeconds: number;
}

@InputType({ description: 'Worker protocol: how far the evaluation is.' })
export class JobProgressInput {
  @Field(() => Int, { description: 'Images evaluated so far.' })
  @IsInt()
  @Min(0)
  done: number;

  @Field(() => Int, { description: 'Images to evaluate in all.' })
  @IsInt()
  @Min(0)
  total: number;

  @Field(() => Float, { description: 'Current throughput.' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  imagesPerSecond: number;

  @Field(() => Float, { description: 'Estimated seconds until the end.' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  etaSeconds: number;
}

/**
 * Every report names the job, the attempt it holds and the worker sending it: a report from any other attempt is
 * refused (CONFLICT, stale), one from any other worker or api token than the attempt's claimant too (FORBIDDEN).
 */
@InputType('JobAttemptInput')
abstract class JobAttemptInput {
  @Field(() => ID, { description: 'The claimed job.' })
  @IsUUID()
  jobId: string;

  @Field(() => Int, { description: 'The attempt the claim returned (a stale one is CONFLICT).' })
  @IsInt()
  @Min(1)
  attempt: number;

  @Field(() => ID, { description: "The reporting worker (registerWorker's id): it must be the one that claimed this attempt, with the same api token." })
  @IsUUID()
  workerId: string;
}

@InputType({ description: 'Worker protocol: extend the lease and report progress.' })
export class HeartbeatEvaluationJobInput extends JobAttemptInput {
  @Field(() => JobProgressInput, { nullable: true, description: "Progress so far (kept as the job's progress and published)." })
  @IsOptional()
  @ValidateNested()
  progress?: JobProgressInput;
}

@InputType({ description: "Worker protocol: the finished evaluation's result." })
export class CompleteEvaluationJobInput extends JobAttemptInput {
  @Field(() => GraphQLJSONObject, { description: "The pipeline's EvaluationResult. JSON on purpose: the worker's report is checked field by field on arrival and kept whole as EvaluationResult.raw." })
  result: Record<string, unknown>;
}

@InputType({ description: 'Worker protocol: why the attempt failed.' })
export class FailEvaluationJobInput extends JobAttemptInput {
  @Field({ description: 'Human-readable error message.' })
  @Length(1, 10_000)
  error: string;

  @Field(() => String, { nullable: true, description: 'WorkerError code (MODEL_INVALID, PROVIDER_UNAVAILABLE, CANCELLED, …).' })
  @IsOptional()
  @Length(1, 64)
  code?: string;
}

@InputType({ description: 'Worker protocol: hand a claimed job back to the queue.' })
export class ReleaseEvaluationJobInput extends JobAttemptInput {
  @Field({ description: 'Why (e.g. the worker is shutting down).' })
  @Length(1, 1000)
  reason: string;
}
