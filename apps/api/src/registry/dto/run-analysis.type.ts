// GraphQL shapes of compareRuns, gridAnalysis and promotionReport (the numbers come from @podium/registry as is;
// non-finite values become null because GraphQL Float cannot carry them).
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum GridAggregation {
  LAST = 'LAST',
  MAX = 'MAX',
  MIN = 'MIN',
}
registerEnumType(GridAggregation, { name: 'GridAggregation', description: 'Which value of each run’s metric: LAST (highest step), MAX or MIN.' });

export enum GridGoal {
  MAXIMIZE = 'MAXIMIZE',
  MINIMIZE = 'MINIMIZE',
}
registerEnumType(GridGoal, { name: 'GridGoal', description: 'MAXIMIZE (mAP, precision, recall) or MINIMIZE (losses): which value is best.' });

export enum ReportLocale {
  en = 'en',
  fr = 'fr',
}
registerEnumType(ReportLocale, { name: 'ReportLocale' });

@ObjectType('ComparedRun')
export class ComparedRunType {
  @Field(() => ID)
  id: string;

  @Field()
  shortId: string;

  @Field()
  name: string;
}

@ObjectType('ComparedParam', { description: 'One param across the runs (values in the order of `runs`; null = not set).' })
export class ComparedParamType {
  @Field()
  key: string;

  @Field(() => [String], { nullable: 'items' })
  values: (string | null)[];

  @Field({ description: 'true when the runs do not all hold the same value.' })
  differs: boolean;
}

@ObjectType('RunMetricStats', { description: 'last / min / max of a run’s metric, each with its step (null: not finite or none).' })
export class RunMetricStatsType {
  @Field(() => Float, { nullable: true })
  last: number | null;

  @Field(() => Int)
  lastStep: number;

  @Field(() => Float, { nullable: true })
  min: number | null;

  @Field(() => Int, { nullable: true })
  minStep: number | null;

  @Field(() => Float, { nullable: true })
  max: number | null;

  @Field(() => Int, { nullable: true })
  maxStep: number | null;
}

@ObjectType('ComparedMetric')
export class ComparedMetricType {
  @Field()
  key: string;

  @Field(() => [RunMetricStatsType], { nullable: 'items', description: 'One per run, in the order of `runs`; null where the run never logged it.' })
  summaries: (RunMetricStatsType | null)[];
}

@ObjectType('RunComparison')
export class RunComparisonType {
  @Field(() => [ComparedRunType])
  runs: ComparedRunType[];

  @Field(() => [ComparedParamType])
  params: ComparedParamType[];

  @Field(() => [ComparedMetricType])
  metrics: ComparedMetricType[];
}

@ObjectType('GridParamValue')
export class GridParamValueType {
  @Field(() => String, { nullable: true, description: 'null = the param is not set.' })
  value: string | null;

  @Field(() => Float, { nullable: true })
  mean: number | null;

  @Field(() => Float, { nullable: true, description: 'Sample standard deviation (n − 1); null when n < 2.' })
  std: number | null;

  @Field(() => Int)
  n: number;

  @Field(() => [ID])
  runIds: string[];
}

@ObjectType('GridParamChange', { description: 'From one value to the next: (meanTo − meanFrom) / meanFrom.' })
export class GridParamChangeType {
  @Field(() => String, { nullable: true })
  from: string | null;

  @Field(() => String, { nullable: true })
  to: string | null;

  @Field(() => Float, { nullable: true })
  meanFrom: number | null;

  @Field(() => Float, { nullable: true })
  meanTo: number | null;

  @Field(() => Float, { nullable: true })
  difference: number | null;

  @Field(() => Float, { nullable: true })
  relativeChange: number | null;

  @Field(() => Boolean, { nullable: true, description: '|difference| ≥ 2 × the noise std; null without a noise estimate.' })
  significant: boolean | null;
}

@ObjectType('GridParam')
export class GridParamType {
  @Field()
  key: string;

  @Field({ description: 'A repeat parameter (a seed): its spread is the noise floor, it has no best value.' })
  isRepeat: boolean;

  @Field(() => [GridParamValueType])
  values: GridParamValueType[];

  @Field(() => [GridParamChangeType])
  changes: GridParamChangeType[];

  @Field(() => String, { nullable: true })
  best: string | null;
}

@ObjectType('GridNoiseFloor')
export class GridNoiseFloorType {
  @Field(() => [String])
  repeatParams: string[];

  @Field(() => Float, { nullable: true, description: 'Pooled sample std across groups of runs that differ only in repeat params.' })
  std: number | null;

  @Field(() => Int)
  degreesOfFreedom: number;

  @Field(() => Float, { nullable: true })
  meanRelativeRange: number | null;

  @Field(() => Float, { nullable: true })
  maxRelativeRange: number | null;

  @Field(() => Float, { nullable: true })
  significanceThreshold: number | null;

  @Field(() => [GraphQLJSONObject], { description: 'Each group: params, runIds, values, n, mean, std, range, relativeRange.' })
  groups: Record<string, unknown>[];
}

@ObjectType('GridAnalysis')
export class GridAnalysisType {
  @Field()
  metric: string;

  @Field(() => GridAggregation)
  aggregation: GridAggregation;

  @Field(() => GridGoal)
  goal: GridGoal;

  @Field(() => Int)
  runCount: number;

  @Field(() => [GraphQLJSONObject], { description: 'Each run: runId, runName, value, step, params.' })
  runs: Record<string, unknown>[];

  @Field(() => [GridParamType])
  params: GridParamType[];

  @Field(() => GridNoiseFloorType)
  noise: GridNoiseFloorType;

  @Field(() => [GraphQLJSONObject], { description: 'Combinations of the grid values with no run.' })
  holes: Record<string, unknown>[];

  @Field(() => [GraphQLJSONObject], { description: 'Runs outside the grid (runId, runName, value, reasons), excluded from the means.' })
  outsideGrid: Record<string, unknown>[];

  @Field(() => GraphQLJSONObject, { description: 'The best grid run for the goal.' })
  best: Record<string, unknown>;
}

@ObjectType('PromotionReport', { description: 'The decision document, written from tracked data only.' })
export class PromotionReportType {
  @Field(() => ReportLocale)
  locale: ReportLocale;

  @Field()
  markdown: string;

  @Field(() => GraphQLJSONObject, {
    description: 'The same content as structured fields: objective, constraints, candidate, comparison, observations, risks, decision, nextSteps.',
  })
  sections: Record<string, unknown>;
}
