import { Field, ID, Int, ObjectType } from 'type-graphql';

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

  @Field()
  lastHeartbeatAt: Date;

  @Field()
  createdAt: Date;
}
