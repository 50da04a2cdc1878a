import { ArrayMaxSize, IsIn, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { KeyValueInput } from '../../experiments/dto/key-value.input';
import { RunKind, RunStatus } from '../run-kind';

@InputType()
export class CreateRunInput {
  @Field(() => ID)
  @IsUUID()
  experimentId: string;

  @Field(() => String, { nullable: true, description: 'Defaults to run-<shortId>.' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  name?: string | null;

  @Field(() => RunKind, { defaultValue: RunKind.TRAINING })
  kind: RunKind;

  @Field(() => RunStatus, { defaultValue: RunStatus.RUNNING, description: 'RUNNING (default) or QUEUED.' })
  @IsIn([RunStatus.RUNNING, RunStatus.QUEUED], { message: 'status must be RUNNING or QUEUED when a run is created' })
  status: RunStatus;

  @Field(() => [KeyValueInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  params?: KeyValueInput[] | null;

  @Field(() => [KeyValueInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  tags?: KeyValueInput[] | null;

  @Field(() => ID, { nullable: true, description: 'The parent run (a grid or sweep).' })
  @IsOptional()
  @IsUUID()
  parentRunId?: string | null;

  @Field(() => String, { nullable: true, description: 'Continuous evaluation: evaluate every epoch checkpoint on this dataset.' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  evaluationDataset?: string | null;
}
