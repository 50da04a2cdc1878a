import { Field, ID, Int, ObjectType } from 'type-graphql';
import { MetricValueScalar } from '../metric-value.scalar';

@ObjectType('MetricSeries', {
  description:
    "One key's curve as a chart draws it: steps ascending, one value per step (a step logged twice shows its later value). Two parallel lists rather than a list of points: a few thousand numbers, no object each.",
})
export class MetricSeriesType {
  @Field({ description: 'Canonical key (Ultralytics aliases are stored under map50, map50_95, precision, recall).' })
  key: string;

  @Field(() => Int, { description: 'Points stored for the key up to lastSequence (a step logged twice counts twice); 0 when the run has none.' })
  totalCount: number;

  @Field({
    description:
      'Whether the curve was reduced: its steps were cut into ⌊maxPoints / 5⌋ buckets of equal width, each keeping its first and last point, the first point of its minimum and of its maximum, and its first NaN. False: every step is here.',
  })
  downsampled: boolean;

  @Field(() => [Int], { description: 'Steps, ascending.' })
  steps: number[];

  @Field(() => [MetricValueScalar], { description: 'The value at each step (same order): a number, or "NaN" (a gap), "Infinity", "-Infinity".' })
  values: number[];
}

@ObjectType('RunMetricSeries', { description: "A run's downsampled series and the committed sequence they cover." })
export class RunMetricSeriesType {
  @Field(() => ID, { description: "The run's full id." })
  runId: string;

  @Field(() => Int, {
    description:
      "The run's last committed sequence when read: the series hold every point up to it and none after. Subscribe to metricBatchLogged with afterSequence set to it to go on live with no gap and no duplicate.",
  })
  lastSequence: number;

  @Field(() => [MetricSeriesType], { description: 'One series per distinct canonical key asked for, in the order asked (empty for a key the run has not logged).' })
  series: MetricSeriesType[];
}
