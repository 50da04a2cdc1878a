// Inputs of the worker protocol (shared contract with apps/gpu-worker's agent).
import { GraphQLJSONObject } from 'graphql-scalars';
import { IsInt, IsNumber, IsOptional, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';

@InputType()
export class ClaimEvaluationJobInput {
  @Field(() => ID)
  @IsUUID()
  workerId: string;

  @Field(() => Int, { defaultValue: 60, description: 'Seconds until the lease expires unless heartbeated (10..3600).' })
  @IsInt()
  @Min(10)
  @Max(3600)
  leaseSeconds: number;
}

@InputType()
export class JobProgressInput {
  @Field(() => Int)
  @IsInt()
  @Min(0)
  done: number;

  @Field(() => Int)
  @IsInt()
  @Min(0)
  total: number;

  @Field(() => Float)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  imagesPerSecond: number;

  @Field(() => Float)
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
  @Field(() => ID)
  @IsUUID()
  jobId: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  attempt: number;

  @Field(() => ID, { description: 'The reporting worker (registerWorker\'s id): it must be the one that claimed this attempt, with the same api token.' })
  @IsUUID()
  workerId: string;
}

@InputType()
export class HeartbeatEvaluationJobInput extends JobAttemptInput {
  @Field(() => JobProgressInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  progress?: JobProgressInput;
}

@InputType()
export class CompleteEvaluationJobInput extends JobAttemptInput {
  @Field(() => GraphQLJSONObject, { description: "The pipeline's EvaluationResult." })
  result: Record<string, unknown>;
}

@InputType()
export class FailEvaluationJobInput extends JobAttemptInput {
  @Field()
  @Length(1, 10_000)
  error: string;

  @Field(() => String, { nullable: true, description: 'WorkerError code (MODEL_INVALID, PROVIDER_UNAVAILABLE, CANCELLED, …).' })
  @IsOptional()
  @Length(1, 64)
  code?: string;
}

@InputType()
export class ReleaseEvaluationJobInput extends JobAttemptInput {
  @Field()
  @Length(1, 1000)
  reason: string;
}
