import { IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { EvaluationJobStatus } from '../evaluation-job-status';

@InputType()
export class EvaluationJobFilter {
  @Field(() => EvaluationJobStatus, { nullable: true })
  @IsOptional()
  status?: EvaluationJobStatus;

  @Field(() => ID, { nullable: true, description: 'The evaluation run or the evaluated (source) run.' })
  @IsOptional()
  @IsUUID()
  runId?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  modelName?: string;
}

@ArgsType()
export class EvaluationJobsArgs {
  @Field(() => EvaluationJobFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: EvaluationJobFilter;

  @Field(() => Int, { nullable: true })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}
