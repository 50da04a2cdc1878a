import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { GridAggregation, GridGoal, ReportLocale } from './run-analysis.type';

@ArgsType()
export class CompareRunsArgs {
  @Field(() => [ID], { description: 'Full or short run ids (at most 100).' })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Length(1, 64, { each: true })
  runIds: string[];

  @Field(() => [String], { description: 'Metric keys to summarise (canonical or Ultralytics names).' })
  @ArrayMaxSize(50)
  @MaxLength(250, { each: true })
  metrics: string[];
}

@ArgsType()
export class GridAnalysisArgs {
  @Field(() => [ID], { nullable: true, description: 'The runs of the grid; or give experimentId.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  @Length(1, 64, { each: true })
  runIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'All TRAINING runs of this experiment.' })
  @IsOptional()
  @Length(1, 64)
  experimentId?: string | null;

  @Field({ description: 'Metric key (canonical or Ultralytics name).' })
  @Length(1, 250)
  metric: string;

  @Field(() => GridAggregation, { description: "Which value of each run's metric." })
  aggregation: GridAggregation;

  @Field(() => GridGoal, { nullable: true, description: 'Which value is best; default from the metric (losses MINIMIZE, others MAXIMIZE).' })
  goal?: GridGoal | null;

  @Field(() => [String], { nullable: true, description: 'Params that only repeat a configuration (default: seed-like names).' })
  @IsOptional()
  @ArrayMaxSize(100)
  @MaxLength(250, { each: true })
  repeatParams?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Params to leave out of the analysis.' })
  @IsOptional()
  @ArrayMaxSize(100)
  @MaxLength(250, { each: true })
  ignoreParams?: string[] | null;
}

@ArgsType()
export class PromotionReportArgs {
  @Field({ description: 'The registered model.' })
  @Length(1, 256)
  name: string;

  @Field(() => Int, { description: 'The version.' })
  version: number;

  @Field(() => ReportLocale, { defaultValue: ReportLocale.en, description: 'en (default) or fr.' })
  locale: ReportLocale;

  @Field(() => String, { nullable: true, description: 'Grid metric (default map50).' })
  @IsOptional()
  @Length(1, 250)
  metric?: string | null;

  @Field(() => GridAggregation, { nullable: true, description: 'Grid aggregation (default MAX: each run’s best epoch).' })
  @IsOptional()
  aggregation?: GridAggregation | null;
}
