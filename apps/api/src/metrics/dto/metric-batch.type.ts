import { Field, ID, Int, ObjectType } from 'type-graphql';
import { MetricPointType } from './metric-point.type';

@ObjectType('MetricBatch', { description: 'Points of one committed batch (or one page of the replay), in sequence order.' })
export class MetricBatchType {
  @Field(() => ID, { description: "The run's full id." })
  runId: string;

  @Field(() => Int, { description: 'Sequence of the last point here: resume with afterSequence set to it.' })
  lastSequence: number;

  @Field(() => [MetricPointType], { description: 'The points, in sequence order.' })
  points: MetricPointType[];
}
