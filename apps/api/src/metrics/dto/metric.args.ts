import { ArgsType, Field, ID, Int } from 'type-graphql';

@ArgsType()
export class MetricHistoryArgs {
  @Field(() => ID, { description: 'Full id or unique short-id prefix.' })
  runId: string;

  @Field({ description: 'Canonical key or Ultralytics alias.' })
  key: string;

  @Field(() => Int, { nullable: true, description: 'Page size, 1..1000 (default 100): plots want whole curves.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}

@ArgsType()
export class MetricLoggedArgs {
  @Field(() => ID, { description: 'Full id or unique short-id prefix.' })
  runId: string;

  @Field(() => [String], { nullable: true, description: 'Only these keys (canonical or aliases); all keys when absent.' })
  keys?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Replay stored points with a greater sequence first (default 0: all); pass the last sequence seen to resume.' })
  afterSequence?: number | null;

  @Field(() => Int, { nullable: true, description: 'Replay only points at this step or later (live points are not filtered).' })
  fromStep?: number | null;
}

@ArgsType()
export class MetricSeriesArgs {
  @Field(() => ID, { description: 'Full id or unique short-id prefix.' })
  runId: string;

  @Field(() => [String], { description: 'Keys to read (canonical or Ultralytics aliases), 1..100.' })
  keys: string[];

  @Field(() => Int, { defaultValue: 1000, description: 'At most this many points per series, 10..5000 (about the chart’s width in pixels). A key with no more points comes back whole.' })
  maxPoints: number;
}
