import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { MetricValueScalar } from '../metric-value.scalar';

@ObjectType('MetricPoint', { description: 'One logged point. `sequence` increases with commit order within the run: the cursor for metricLogged.' })
export class MetricPointType {
  @Field(() => ID)
  runId: string;

  @Field({ description: 'Canonical key (Ultralytics aliases are stored under map50, map50_95, precision, recall).' })
  key: string;

  @Field(() => MetricValueScalar)
  value: number;

  @Field(() => Int)
  step: number;

  @Field(() => Float, { description: 'Epoch milliseconds.' })
  timestamp: number;

  @Field(() => Int)
  sequence: number;
}
