import { ArgsType, Field, Int } from 'type-graphql';

/** Run.metrics: bounded (a run may hold up to PODIUM_MAX_METRIC_KEYS_PER_RUN keys); checked in MetricsService. */
@ArgsType()
export class RunMetricsArgs {
  @Field(() => [String], { nullable: true, description: 'Only these keys (exact keys, canonical or Ultralytics aliases; at most 100).' })
  keys?: string[] | null;

  @Field(() => Int, { defaultValue: 100, description: 'At most this many summaries, in key order (1..1000; query complexity counts first × the selection).' })
  first: number;

  @Field(() => String, { nullable: true, description: 'Only keys after this one (the last key of the previous page): page through a run with many keys.' })
  after?: string | null;
}
