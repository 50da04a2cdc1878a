import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { WorkerState } from '../worker-rules';

registerEnumType(WorkerState, {
  name: 'WorkerState',
  description: 'ACTIVE claims jobs; DRAINING finishes its running job and claims no new one; REMOVED can no longer claim or report (its running job went back to the queue).',
});

@ObjectType('Worker', { description: 'A gpu-worker and the capabilities it reported at registration.' })
export class WorkerType {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => [String], { description: 'Execution providers that really load on this worker (e.g. CUDA, CPU).' })
  executionProviders: string[];

  @Field(() => String, { nullable: true })
  gpuName: string | null;

  @Field(() => Int, { nullable: true })
  gpuMemoryMb: number | null;

  @Field(() => Int)
  cpuCores: number;

  @Field(() => String, { nullable: true })
  cpuModel: string | null;

  @Field(() => String, { nullable: true })
  version: string | null;

  @Field(() => WorkerState, { description: 'Set by an ADMIN with drainWorker, removeWorker and resumeWorker.' })
  state: WorkerState;

  @Field(() => Date, { nullable: true, description: 'When an ADMIN last changed the state.' })
  stateChangedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'The ADMIN that last changed the state.' })
  stateChangedBy: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was drained or removed, as the ADMIN said.' })
  stateReason: string | null;

  @Field(() => String, { nullable: true, description: 'The api token that owns this worker name: only it may register, claim and report as this worker.' })
  tokenName: string | null;

  @Field()
  lastHeartbeatAt: Date;

  @Field()
  createdAt: Date;
}
