import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { MetricValueScalar } from '../metric-value.scalar';

@ObjectType('MetricPoint', { description: 'One logged point. `sequence` increases with commit order within the run: the cursor for metricLogged.' })
export class MetricPointType {
  @Field(() => ID, { description: "The run's full id." })
  runId: string;

  @Field({ description: 'Canonical key (Ultralytics aliases are stored under map50, map50_95, precision, recall).' })
  key: string;

  @Field(() => MetricValueScalar, { description: 'A number, or "NaN", "Infinity", "-Infinity".' })
  value: number;

  @Field(() => Int, { description: 'Epoch (or iteration).' })
  step: number;

  @Field(() => Float, { description: 'Epoch milliseconds.' })
  timestamp: number;

  @Field(() => Int, { description: "Position in the run's commit order (1, 2, …): resume streams after it." })
  sequence: number;
}
