import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';

@InputType({ description: 'Worker protocol: what a gpu-worker reports about itself when it starts.' })
export class RegisterWorkerInput {
  @Field({ description: 'Stable name; registering the same name again updates that worker.' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, { message: 'name must be 1–128 characters of letters, digits, ".", "_", ":", "@" or "-"' })
  name: string;

  @Field(() => [String], { description: 'Execution providers that really load here (e.g. CUDA, CPU).' })
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @IsString({ each: true })
  @Length(1, 32, { each: true })
  executionProviders: string[];

  @Field(() => String, { nullable: true, description: 'GPU model, when there is one.' })
  @IsOptional()
  @Length(1, 256)
  gpuName?: string;

  @Field(() => Int, { nullable: true, description: 'GPU memory in MiB.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  gpuMemoryMb?: number;

  @Field(() => Int, { description: 'CPU cores available to the worker.' })
  @IsInt()
  @Min(1)
  @Max(100_000)
  cpuCores: number;

  @Field(() => String, { nullable: true, description: 'CPU model name.' })
  @IsOptional()
  @Length(1, 256)
  cpuModel?: string;

  @Field(() => String, { nullable: true, description: 'gpu-worker version.' })
  @IsOptional()
  @Length(1, 64)
  version?: string;
}
