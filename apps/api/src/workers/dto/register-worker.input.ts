import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';

@InputType()
export class RegisterWorkerInput {
  @Field({ description: 'Stable name; registering the same name again updates that worker.' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, { message: 'name must be 1–128 characters of letters, digits, ".", "_", ":", "@" or "-"' })
  name: string;

  @Field(() => [String])
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @IsString({ each: true })
  @Length(1, 32, { each: true })
  executionProviders: string[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 256)
  gpuName?: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  gpuMemoryMb?: number;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(100_000)
  cpuCores: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 256)
  cpuModel?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 64)
  version?: string;
}
