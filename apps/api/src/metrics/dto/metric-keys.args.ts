import { ArgsType, Field, ID, Int } from 'type-graphql';

/** metricKeys: bounded (experiments, search length, page size); checked in MetricsService.metricKeys. */
@ArgsType()
export class MetricKeysArgs {
  @Field(() => [ID], { description: 'Experiments whose non-deleted runs are read (1..20).' })
  experimentIds: string[];

  @Field(() => String, { nullable: true, description: 'Only keys containing this text, ignoring case (at most 256 characters; `%`, `_` and `\\` are literal).' })
  search?: string | null;

  @Field(() => Int, { defaultValue: 100, description: 'Page size, 1..1000 (query complexity counts first × the selection).' })
  first: number;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page: the keys after its last key, in key order.' })
  after?: string | null;
}
