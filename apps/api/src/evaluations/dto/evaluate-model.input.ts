import { ArrayMaxSize, IsInt, IsOptional, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { ExecutionProvider } from '../evaluation-job-status';

@InputType('EvaluationDatasetInput', { description: 'A dataset by name; the latest version when version is absent.' })
export class EvaluationDatasetInput {
  @Field({ description: 'Registered dataset name.' })
  @Length(1, 256)
  name: string;

  @Field(() => Int, { nullable: true, description: 'Dataset version; the latest when absent.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

@InputType({ description: 'What to evaluate (runId + artifactPath, or modelName + version), on what, and how.' })
export class EvaluateModelInput {
  @Field(() => ID, { nullable: true, description: 'The run holding the artifact (with artifactPath); full id or unique short-id prefix.' })
  @IsOptional()
  @IsUUID()
  runId?: string;

  @Field(() => String, { nullable: true, description: 'Path of the ONNX artifact under runId, e.g. weights/best.onnx.' })
  @IsOptional()
  @Length(1, 1024)
  artifactPath?: string;

  @Field(() => String, { nullable: true, description: 'A registered model (with version) instead of runId + artifactPath.' })
  @IsOptional()
  @Length(1, 256)
  modelName?: string;

  @Field(() => Int, { nullable: true, description: 'The version of modelName to evaluate.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @Field(() => EvaluationDatasetInput, { description: 'The dataset to evaluate on.' })
  @ValidateNested()
  dataset: EvaluationDatasetInput;

  @Field(() => Int, { nullable: true, description: 'Multiple of 32 in [32, 4096]; default 640.' })
  @IsOptional()
  imgsz?: number;

  @Field(() => Float, { nullable: true, description: 'Default 0.001 (evaluation keeps every candidate).' })
  @IsOptional()
  conf?: number;

  @Field(() => Float, { nullable: true, description: 'NMS IoU; default 0.7.' })
  @IsOptional()
  iou?: number;

  @Field(() => Int, { nullable: true, description: 'Default 300.' })
  @IsOptional()
  maxDet?: number;

  @Field(() => [Int], { nullable: true, description: 'Class ids to keep; absent for a full evaluation.' })
  @IsOptional()
  @ArrayMaxSize(10_000)
  classes?: number[];

  @Field(() => Int, { nullable: true, description: '1..256; absent lets the worker pick.' })
  @IsOptional()
  batch?: number;

  @Field(() => ExecutionProvider, { nullable: true, description: 'Default AUTO.' })
  @IsOptional()
  executionProvider?: ExecutionProvider;

  @Field(() => Int, { nullable: true, description: 'The checkpoint epoch: metrics are logged at this step.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  epoch?: number;
}

@InputType({ description: 'The job to cancel.' })
export class CancelEvaluationJobInput {
  @Field(() => ID, { description: "The evaluation job's id." })
  @IsUUID()
  id: string;
}
