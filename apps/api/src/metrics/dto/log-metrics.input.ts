import { ArrayMaxSize, IsString, Length } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { MetricValueScalar } from '../metric-value.scalar';

/** No class-validator decorators here on purpose: a batch is checked with plain loops in MetricsService (ingest speed). */
@InputType({ description: "One point: a key's value at a step." })
export class MetricInput {
  @Field({ description: 'Any key; Ultralytics keys such as metrics/mAP50(B) are stored under canonical keys.' })
  key: string;

  @Field(() => MetricValueScalar, { description: 'A number, or "NaN", "Infinity", "-Infinity".' })
  value: number;

  @Field(() => Int, { description: 'Epoch (or iteration).' })
  step: number;

  @Field(() => Float, { nullable: true, description: 'Epoch milliseconds; defaults to the time the batch arrives.' })
  timestamp?: number | null;
}

@InputType({ description: 'Up to 1,000 points, logged atomically (all or nothing).' })
export class LogMetricsInput {
  @Field(() => ID, { description: 'Full id or unique short-id prefix.' })
  @IsString()
  @Length(1, 36)
  runId: string;

  @Field(() => [MetricInput], { description: 'The points, 1..1,000.' })
  @ArrayMaxSize(1000, { message: 'logMetrics takes at most $constraint1 points a call' })
  metrics: MetricInput[];

  @Field(() => String, {
    nullable: true,
    description:
      'Makes a retry safe: a batch already committed on this run under this key (within PODIUM_METRIC_IDEMPOTENCY_TTL_SECONDS, default 24 h) is not stored again and its first answer is returned; the same key with other content is CONFLICT. 1..128 printable ASCII characters (a UUID per batch, say).',
  })
  idempotencyKey?: string | null;
}
