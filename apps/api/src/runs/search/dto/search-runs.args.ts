import { ArrayMaxSize, ArrayMinSize, IsOptional, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';

@ArgsType()
export class SearchRunsArgs {
  @Field(() => [ID], { description: 'Experiments whose runs are searched (at least one).' })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  experimentIds: string[];

  @Field(() => String, {
    nullable: true,
    description:
      "MLflow's filter language plus OR and parentheses, e.g. `max(metrics.map50) > 0.3 and (params.imgsz = '416' or tags.best = 'yes')`. " +
      'Terms: metrics.<key> (aggregation last by default, or min()/max()), params.<key>, tags.<key>, attributes.{status, name, run_name, start_time, end_time, run_id, kind, created_by}; ' +
      'operators =, !=, <, <=, >, >= (numbers for metrics and times), =, !=, LIKE (case-sensitive), ILIKE, IN, NOT IN (quoted strings); keys with special characters in backquotes.',
  })
  @IsOptional()
  @MaxLength(10_000)
  filter?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'e.g. ["max(metrics.map50) DESC", "attributes.start_time"]. NaN sorts after every number and runs without the metric after NaN, in both directions. Ties: start_time DESC, then id.',
  })
  @IsOptional()
  @ArrayMaxSize(10)
  orderBy?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1..100 (default 20).' })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'endCursor of the previous page: an opaque keyset (the sort values of its last run), valid only for the same experimentIds, filter and orderBy.',
  })
  after?: string | null;
}
