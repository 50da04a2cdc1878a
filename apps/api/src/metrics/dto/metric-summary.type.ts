import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MetricValueScalar } from '../metric-value.scalar';

@ObjectType('MetricSummary', { description: 'Per-key summary maintained on write: last (highest step, then latest timestamp), min and max (NaN ignored), count (NaN included).' })
export class MetricSummaryType {
  @Field({ description: 'Canonical key.' })
  key: string;

  @Field(() => MetricValueScalar, { description: 'Value at the highest step.' })
  last: number;

  @Field(() => Int, { description: 'Step of last.' })
  lastStep: number;

  @Field(() => Float, { description: 'Epoch milliseconds of the last point.' })
  lastTimestamp: number;

  @Field(() => MetricValueScalar, { nullable: true, description: 'null when every point is NaN.' })
  min: number | null;

  @Field(() => Int, { nullable: true, description: 'Step of min.' })
  minStep: number | null;

  @Field(() => MetricValueScalar, { nullable: true, description: 'null when every point is NaN.' })
  max: number | null;

  @Field(() => Int, { nullable: true, description: 'Step of max.' })
  maxStep: number | null;

  @Field(() => Int, { description: 'Points logged under this key (NaN included).' })
  count: number;
}
