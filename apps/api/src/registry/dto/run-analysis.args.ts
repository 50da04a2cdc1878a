import { ArrayMaxSize, ArrayMinSize, IsOptional, Length } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { GridAggregation, GridGoal, ReportLocale } from './run-analysis.type';

@ArgsType()
export class CompareRunsArgs {
  @Field(() => [ID], { description: 'Full or short run ids (at most 100).' })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  runIds: string[];

  @Field(() => [String], { description: 'Metric keys to summarise (canonical or Ultralytics names).' })
  @ArrayMaxSize(50)
  metrics: string[];
}

@ArgsType()
export class GridAnalysisArgs {
  @Field(() => [ID], { nullable: true, description: 'The runs of the grid; or give experimentId.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  runIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'All TRAINING runs of this experiment.' })
  @IsOptional()
  experimentId?: string | null;

  @Field()
  @Length(1, 250)
  metric: string;

  @Field(() => GridAggregation)
  aggregation: GridAggregation;

  @Field(() => GridGoal, { nullable: true })
  goal?: GridGoal | null;

  @Field(() => [String], { nullable: true, description: 'Params that only repeat a configuration (default: seed-like names).' })
  @IsOptional()
  repeatParams?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Params to leave out of the analysis.' })
  @IsOptional()
  ignoreParams?: string[] | null;
}

@ArgsType()
export class PromotionReportArgs {
  @Field()
  @Length(1, 256)
  name: string;

  @Field(() => Int)
  version: number;

  @Field(() => ReportLocale, { defaultValue: ReportLocale.en })
  locale: ReportLocale;

  @Field(() => String, { nullable: true, description: 'Grid metric (default map50).' })
  @IsOptional()
  metric?: string | null;

  @Field(() => GridAggregation, { nullable: true, description: 'Grid aggregation (default MAX: each run’s best epoch).' })
  @IsOptional()
  aggregation?: GridAggregation | null;
}
