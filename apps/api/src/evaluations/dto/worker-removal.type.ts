import { Field, ObjectType } from 'type-graphql';
import { WorkerType } from '../../workers/dto/worker.type';
import { EvaluationJobType } from './evaluation-job.type';

@ObjectType('WorkerRemoval', { description: 'A removed worker and the jobs it was running, handed back to the queue (or CANCELLED when a cancel was pending).' })
export class WorkerRemovalType {
  @Field(() => WorkerType, { description: 'The worker, now REMOVED.' }) worker: WorkerType;
  @Field(() => [EvaluationJobType], { description: 'Each QUEUED again (its next claim is a new attempt, not counted as a failure), or CANCELLED.' }) handedBack: EvaluationJobType[];
}
