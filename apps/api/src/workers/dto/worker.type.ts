import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { WorkerState } from '../worker-rules';

registerEnumType(WorkerState, {
  name: 'WorkerState',
  valuesConfig: { ACTIVE: { description: 'Claims jobs.' }, DRAINING: { description: 'Finishes its running job, claims no new one.' }, REMOVED: { description: 'Can no longer claim or report.' } },
  description: 'ACTIVE claims jobs; DRAINING finishes its running job and claims no new one; REMOVED can no longer claim or report (its running job went back to the queue).',
});

@ObjectType('Worker', { description: 'A gpu-worker and the capabilities it reported at registration.' })
export class WorkerType {
  @Field(() => ID, { description: "The worker's id." })
  id: string;

  @Field({ description: 'Stable name given at registration.' })
  name: string;

  @Field(() => [String], { description: 'Execution providers that really load on this worker (e.g. CUDA, CPU).' })
  executionProviders: string[];

  @Field(() => String, { nullable: true, description: 'GPU model, when there is one.' })
  gpuName: string | null;

  @Field(() => Int, { nullable: true, description: 'GPU memory in MiB.' })
  gpuMemoryMb: number | null;

  @Field(() => Int, { description: 'CPU cores available to the worker.' })
  cpuCores: number;

  @Field(() => String, { nullable: true, description: 'CPU model name.' })
  cpuModel: string | null;

  @Field(() => String, { nullable: true, description: 'gpu-worker version.' })
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

  @Field({ description: 'Last registration, claim or heartbeat.' })
  lastHeartbeatAt: Date;

  @Field({ description: 'First registration.' })
  createdAt: Date;
}
