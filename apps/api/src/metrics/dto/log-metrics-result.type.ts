import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('LogMetricsResult', { description: 'What logMetrics stored.' })
export class LogMetricsResultType {
  @Field(() => ID, { description: "The run's full id." })
  runId: string;

  @Field(() => Int, { description: 'Points stored.' })
  count: number;

  @Field(() => Int, { nullable: true, description: 'Sequence of the first point of this batch (null for an empty batch).' })
  firstSequence: number | null;

  @Field(() => Int, { nullable: true, description: 'Sequence of the last point of this batch (null for an empty batch).' })
  lastSequence: number | null;

  @Field(() => [String], { description: 'Canonical keys written, in first-seen order.' })
  keys: string[];
}
