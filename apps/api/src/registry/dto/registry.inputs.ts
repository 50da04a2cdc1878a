// Inputs of the registry's mutations (class-validator checks shape; @podium/registry checks the rules).
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, InputType, Int } from 'type-graphql';
import { ModelStage } from './model-stage';
import { ModelTagInput } from './model-tag.type';

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

@InputType({ description: 'A new registered model.' })
export class CreateRegisteredModelInput {
  @Field({ description: 'Unique name: letters, digits, . _ - (starting with a letter or digit).' })
  @Length(1, 256)
  @Matches(MODEL_NAME, { message: 'name must start with a letter or digit and contain only letters, digits, ".", "_" and "-"' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Free text.' })
  @IsOptional()
  @MaxLength(20_000)
  description?: string | null;

  @Field(() => [ModelTagInput], { nullable: true, description: 'Key/value labels.' })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ModelTagInput)
  tags?: ModelTagInput[] | null;
}

@InputType({ description: "A run's artifact to register as the model's next version." })
export class CreateModelVersionInput {
  @Field({ description: 'The registered model.' })
  @Length(1, 256)
  name: string;

  @Field({ description: 'The run that produced the artifact (full id or its 8-hex short id).' })
  @Length(1, 64)
  runId: string;

  @Field({ description: 'Path of the artifact under the run, e.g. weights/best.onnx; it must exist.' })
  @Length(1, 1024)
  artifactPath: string;

  @Field(() => String, { nullable: true, description: 'Free text.' })
  @IsOptional()
  @MaxLength(20_000)
  description?: string | null;

  @Field(() => [ModelTagInput], { nullable: true, description: 'Key/value labels.' })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ModelTagInput)
  tags?: ModelTagInput[] | null;
}

@InputType({ description: 'Why a move is made; kept forever with the transition.' })
export class PromotionDecisionInput {
  @Field({ description: 'Why: required (non-blank) to enter STAGING or PRODUCTION.' })
  @IsString()
  @MaxLength(20_000)
  justification: string;

  @Field(() => String, { nullable: true, description: 'What else was considered.' })
  @IsOptional()
  @MaxLength(20_000)
  alternatives?: string | null;

  @Field(() => String, { nullable: true, description: 'Known risks of the move.' })
  @IsOptional()
  @MaxLength(20_000)
  risks?: string | null;

  @Field(() => String, { nullable: true, description: 'What follows.' })
  @IsOptional()
  @MaxLength(20_000)
  nextSteps?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Store the promotion report (promotionReport) with the transition.' })
  @IsOptional()
  @IsBoolean()
  useReport?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Locale of the stored report: en (default) or fr.' })
  @IsOptional()
  @IsIn(['en', 'fr'])
  reportLocale?: string | null;
}

@InputType({ description: 'A stage move or an alias move for one version.' })
export class PromoteModelVersionInput {
  @Field({ description: 'The registered model.' })
  @Length(1, 256)
  name: string;

  @Field(() => Int, { description: 'The version to move.' })
  @IsInt()
  @Min(1)
  version: number;

  @Field(() => ModelStage, { nullable: true, description: 'Give exactly one of stage and alias.' })
  @IsOptional()
  stage?: ModelStage | null;

  @Field(() => String, { nullable: true, description: 'Move this alias (champion, challenger, …) onto the version.' })
  @IsOptional()
  @IsString()
  alias?: string | null;

  @Field(() => PromotionDecisionInput, { nullable: true, description: 'Why (justification required for STAGING and PRODUCTION).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PromotionDecisionInput)
  decision?: PromotionDecisionInput | null;

  @Field(() => Boolean, { nullable: true, description: 'PRODUCTION: archive the current holder (default true); false refuses while one holds it.' })
  @IsOptional()
  @IsBoolean()
  archiveExisting?: boolean | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Compare-and-swap: the version you believe holds PRODUCTION (or the alias) now; 0 = none. A mismatch is CONFLICT.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  expectedCurrentVersion?: number | null;
}

@InputType({ description: "The gates a model's versions must pass to enter a stage." })
export class SetPromotionPolicyInput {
  @Field({ description: 'The registered model.' })
  @Length(1, 256)
  name: string;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'e.g. {"production": {"requireEvaluation": {"dataset": "coco128", "metric": "map50", "floor": 0.3, "compareWithProduction": true, "settingsMustMatch": ["imgsz", "conf", "iou"]}, "minTimeInStagingSeconds": 3600}}; null removes every gate.',
  })
  @IsOptional()
  policy?: Record<string, unknown> | null;
}
