import { ArrayMaxSize, IsIn, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { KeyValueInput } from '../../experiments/dto/key-value.input';
import { RunKind, RunStatus } from '../run-kind';

@InputType({ description: "A new run in an experiment; the trainer's first call after createExperiment." })
export class CreateRunInput {
  @Field(() => ID, { description: "The experiment (createExperiment's id)." })
  @IsUUID()
  experimentId: string;

  @Field(() => String, { nullable: true, description: 'Defaults to run-<shortId>.' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  name?: string | null;

  @Field(() => RunKind, { defaultValue: RunKind.TRAINING, description: 'TRAINING (default) for a trainer; EVALUATION runs are created by evaluateModel.' })
  kind: RunKind;

  @Field(() => RunStatus, { defaultValue: RunStatus.RUNNING, description: 'RUNNING (default) or QUEUED.' })
  @IsIn([RunStatus.RUNNING, RunStatus.QUEUED], { message: 'status must be RUNNING or QUEUED when a run is created' })
  status: RunStatus;

  @Field(() => [KeyValueInput], { nullable: true, description: 'Hyper-parameters to log at once (same rules as logParams).' })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  params?: KeyValueInput[] | null;

  @Field(() => [KeyValueInput], { nullable: true, description: 'Tags to set at once.' })
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
