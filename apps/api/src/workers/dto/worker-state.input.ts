// Inputs of the ADMIN operations on a worker: drain, remove, resume.
import { IsOptional, IsUUID, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType('WorkerRefInput')
abstract class WorkerRefInput {
  @Field(() => ID, { description: "The worker's id." })
  @IsUUID()
  id: string;
}

@InputType('WorkerStateChangeInput')
abstract class WorkerStateChangeInput extends WorkerRefInput {
  @Field(() => String, { nullable: true, description: 'Why (shown on the worker and in its logs).' })
  @IsOptional()
  @Length(1, 1000)
  reason?: string;
}

@InputType({ description: 'A worker to drain: it finishes its running job and claims no new one until resumed.' })
export class DrainWorkerInput extends WorkerStateChangeInput {}

@InputType({ description: 'A worker to remove: it can no longer claim or report; its running job goes back to the queue.' })
export class RemoveWorkerInput extends WorkerStateChangeInput {}

@InputType({ description: 'A drained or removed worker to make ACTIVE again.' })
export class ResumeWorkerInput extends WorkerRefInput {}
