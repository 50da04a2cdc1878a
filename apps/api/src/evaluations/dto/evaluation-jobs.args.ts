import { IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { EvaluationJobStatus } from '../evaluation-job-status';

@InputType({ description: 'Narrows evaluationJobs; every given field must match.' })
export class EvaluationJobFilter {
  @Field(() => EvaluationJobStatus, { nullable: true, description: 'Only jobs in this status.' })
  @IsOptional()
  status?: EvaluationJobStatus;

  @Field(() => ID, { nullable: true, description: 'The evaluation run or the evaluated (source) run.' })
  @IsOptional()
  @IsUUID()
  runId?: string;

  @Field(() => String, { nullable: true, description: 'Only jobs evaluating this registered model.' })
  @IsOptional()
  modelName?: string;
}

@ArgsType()
export class EvaluationJobsArgs {
  @Field(() => EvaluationJobFilter, { nullable: true, description: 'Which jobs; all when absent.' })
  @IsOptional()
  @ValidateNested()
  filter?: EvaluationJobFilter;

  @Field(() => Int, { nullable: true, description: 'Page size, 1..100 (default 20).' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string;
}
