// GraphQL shapes of compareRuns, gridAnalysis and promotionReport (the numbers come from @podium/registry as is;
// non-finite values become null because GraphQL Float cannot carry them).
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PromotionReportSectionsType } from './promotion-report.type';

export enum GridAggregation {
  LAST = 'LAST',
  MAX = 'MAX',
  MIN = 'MIN',
}
registerEnumType(GridAggregation, {
  name: 'GridAggregation',
  valuesConfig: { LAST: { description: 'The value at the highest step.' }, MAX: { description: 'The largest value.' }, MIN: { description: 'The smallest value.' } },
  description: 'Which value of each run’s metric: LAST (highest step), MAX or MIN.',
});

export enum GridGoal {
  MAXIMIZE = 'MAXIMIZE',
  MINIMIZE = 'MINIMIZE',
}
registerEnumType(GridGoal, {
  name: 'GridGoal',
  valuesConfig: { MAXIMIZE: { description: 'Higher is better (mAP, precision, recall).' }, MINIMIZE: { description: 'Lower is better (losses).' } },
  description: 'MAXIMIZE (mAP, precision, recall) or MINIMIZE (losses): which value is best.',
});

export enum ReportLocale {
  en = 'en',
  fr = 'fr',
}
registerEnumType(ReportLocale, { name: 'ReportLocale', description: 'Language of a promotion report.', valuesConfig: { en: { description: 'English.' }, fr: { description: 'French.' } } });

@ObjectType('ComparedRun', { description: 'A run of the comparison.' })
export class ComparedRunType {
  @Field(() => ID, { description: "The run's full id." })
  id: string;

  @Field({ description: 'First 8 hex characters of the id.' })
  shortId: string;

  @Field({ description: 'Display name.' })
  name: string;
}

@ObjectType('ComparedParam', { description: 'One param across the runs (values in the order of `runs`; null = not set).' })
export class ComparedParamType {
  @Field({ description: 'The param.' })
  key: string;

  @Field(() => [String], { nullable: 'items', description: "The run's value, in the order of `runs` (null = not set)." })
  values: (string | null)[];

  @Field({ description: 'true when the runs do not all hold the same value.' })
  differs: boolean;
}

@ObjectType('RunMetricStats', { description: 'last / min / max of a run’s metric, each with its step (null: not finite or none).' })
export class RunMetricStatsType {
  @Field(() => Float, { nullable: true, description: 'Value at the highest step.' })
  last: number | null;

  @Field(() => Int, { description: 'Step of last.' })
  lastStep: number;

  @Field(() => Float, { nullable: true, description: 'Smallest finite value.' })
  min: number | null;

  @Field(() => Int, { nullable: true, description: 'Step of min.' })
  minStep: number | null;

  @Field(() => Float, { nullable: true, description: 'Largest finite value.' })
  max: number | null;

  @Field(() => Int, { nullable: true, description: 'Step of max.' })
  maxStep: number | null;
}

@ObjectType('ComparedMetric', { description: 'One metric across the runs.' })
export class ComparedMetricType {
  @Field({ description: 'The metric key as asked.' })
  key: string;

  @Field(() => [RunMetricStatsType], { nullable: 'items', description: 'One per run, in the order of `runs`; null where the run never logged it.' })
  summaries: (RunMetricStatsType | null)[];
}

@ObjectType('RunComparison', { description: 'Runs side by side.' })
export class RunComparisonType {
  @Field(() => [ComparedRunType], { description: 'The runs, in the order asked.' })
  runs: ComparedRunType[];

  @Field(() => [ComparedParamType], { description: 'Every param any run has, by key.' })
  params: ComparedParamType[];

  @Field(() => [ComparedMetricType], { description: 'One entry per metric asked.' })
  metrics: ComparedMetricType[];
}

@ObjectType('GridParamValue', { description: 'One value of a grid param and the runs that hold it.' })
export class GridParamValueType {
  @Field(() => String, { nullable: true, description: 'null = the param is not set.' })
  value: string | null;

  @Field(() => Float, { nullable: true, description: "Mean of the runs' metric values." })
  mean: number | null;

  @Field(() => Float, { nullable: true, description: 'Sample standard deviation (n − 1); null when n < 2.' })
  std: number | null;

  @Field(() => Int, { description: 'Runs with this value.' })
  n: number;

  @Field(() => [ID], { description: 'The runs with this value.' })
  runIds: string[];
}

@ObjectType('GridParamChange', { description: 'From one value to the next: (meanTo − meanFrom) / meanFrom.' })
export class GridParamChangeType {
  @Field(() => String, { nullable: true, description: 'Value before.' })
  from: string | null;

  @Field(() => String, { nullable: true, description: 'Value after.' })
  to: string | null;

  @Field(() => Float, { nullable: true, description: 'Mean at from.' })
  meanFrom: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean at to.' })
  meanTo: number | null;

  @Field(() => Float, { nullable: true, description: 'meanTo − meanFrom.' })
  difference: number | null;

  @Field(() => Float, { nullable: true, description: '(meanTo − meanFrom) / meanFrom.' })
  relativeChange: number | null;

  @Field(() => Boolean, { nullable: true, description: '|difference| ≥ 2 × the noise std; null without a noise estimate.' })
  significant: boolean | null;
}

@ObjectType('GridParam', { description: 'A param that varies across the grid.' })
export class GridParamType {
  @Field({ description: 'The param.' })
  key: string;

  @Field({ description: 'A repeat parameter (a seed): its spread is the noise floor, it has no best value.' })
  isRepeat: boolean;

  @Field(() => [GridParamValueType], { description: 'Each value, in order.' })
  values: GridParamValueType[];

  @Field(() => [GridParamChangeType], { description: 'From each value to the next.' })
  changes: GridParamChangeType[];

  @Field(() => String, { nullable: true, description: 'The value with the best mean for the goal (null for a repeat param).' })
  best: string | null;
}

@ObjectType('ParamSetting', { description: 'A param and the value a run (or a group of runs) holds.' })
export class ParamSettingType {
  @Field({ description: 'The param.' })
  key: string;

  @Field(() => String, { nullable: true, description: 'Its value; null = the param is not set.' })
  value: string | null;
}

@ObjectType('GridRun', { description: 'A grid run and its value of the analysed metric.' })
export class GridRunType {
  @Field(() => ID, { description: 'The run.' })
  runId: string;

  @Field({ description: 'Its display name.' })
  runName: string;

  @Field(() => Float, { nullable: true, description: 'The metric as aggregated (null when not finite).' })
  value: number | null;

  @Field(() => Int, { nullable: true, description: 'The step of that value (null for an aggregation without one).' })
  step: number | null;

  @Field(() => [ParamSettingType], { description: 'The run’s params, by key.' })
  params: ParamSettingType[];
}

@ObjectType('GridHole', { description: 'A combination of the grid values that no run tried.' })
export class GridHoleType {
  @Field(() => [ParamSettingType], { description: 'The values of the combination, by param.' })
  params: ParamSettingType[];
}

@ObjectType('GridOutsideRun', { description: 'A run left out of the means: it tried a value at a single point of the other params.' })
export class GridOutsideRunType {
  @Field(() => ID, { description: 'The run.' })
  runId: string;

  @Field({ description: 'Its display name.' })
  runName: string;

  @Field(() => Float, { nullable: true, description: 'The metric as aggregated (null when not finite).' })
  value: number | null;

  @Field(() => [ParamSettingType], { description: 'Why: each param = value off the grid.' })
  reasons: ParamSettingType[];
}

@ObjectType('GridNoiseGroup', { description: 'Runs that differ only in repeat params (seeds): their spread is noise.' })
export class GridNoiseGroupType {
  @Field(() => [ParamSettingType], { description: 'The non-repeat params every run of the group shares.' })
  params: ParamSettingType[];

  @Field(() => [ID], { description: 'The runs of the group.' })
  runIds: string[];

  @Field(() => [Float], { description: 'Their metric values, in runIds order (non-finite values left out).' })
  values: number[];

  @Field(() => Int, { description: 'Runs in the group.' })
  n: number;

  @Field(() => Float, { nullable: true, description: 'Mean of the values.' })
  mean: number | null;

  @Field(() => Float, { nullable: true, description: 'Sample standard deviation (n − 1).' })
  std: number | null;

  @Field(() => Float, { nullable: true, description: 'max − min.' })
  range: number | null;

  @Field(() => Float, { nullable: true, description: '(max − min) / mean; null when the mean is 0.' })
  relativeRange: number | null;
}

@ObjectType('GridNoiseFloor', { description: 'The spread between runs that differ only in repeat params (seeds): how big a change must be to mean something.' })
export class GridNoiseFloorType {
  @Field(() => [String], { description: 'The params treated as repeats.' })
  repeatParams: string[];

  @Field(() => Float, { nullable: true, description: 'Pooled sample std across groups of runs that differ only in repeat params.' })
  std: number | null;

  @Field(() => Int, { description: 'Degrees of freedom of the pooled std.' })
  degreesOfFreedom: number;

  @Field(() => Float, { nullable: true, description: 'Mean over groups of (max − min) / mean.' })
  meanRelativeRange: number | null;

  @Field(() => Float, { nullable: true, description: 'Largest (max − min) / mean over groups.' })
  maxRelativeRange: number | null;

  @Field(() => Float, { nullable: true, description: '2 × std: a difference at least this big is significant.' })
  significanceThreshold: number | null;

  @Field(() => [GridNoiseGroupType], { description: 'Each group of runs that differ only in repeat params.' })
  groups: GridNoiseGroupType[];
}

@ObjectType('GridAnalysis', { description: 'What each param of a grid does to a metric, against the seed noise.' })
export class GridAnalysisType {
  @Field({ description: 'The metric analysed.' })
  metric: string;

  @Field(() => GridAggregation, { description: "Which value of each run's metric was used." })
  aggregation: GridAggregation;

  @Field(() => GridGoal, { description: 'Which value is best.' })
  goal: GridGoal;

  @Field(() => Int, { description: 'Runs in the grid.' })
  runCount: number;

  @Field(() => [GridRunType], { description: 'Each grid run with its value and params.' })
  runs: GridRunType[];

  @Field(() => [GridParamType], { description: 'Each varying param.' })
  params: GridParamType[];

  @Field(() => GridNoiseFloorType, { description: 'The noise floor from repeat params.' })
  noise: GridNoiseFloorType;

  @Field(() => [GridHoleType], { description: 'Combinations of the grid values with no run.' })
  holes: GridHoleType[];

  @Field(() => [GridOutsideRunType], { description: 'Runs outside the grid, excluded from the means, with the reasons.' })
  outsideGrid: GridOutsideRunType[];

  @Field(() => GridRunType, { description: 'The best grid run for the goal.' })
  best: GridRunType;
}

@ObjectType('PromotionReport', { description: 'The decision document, written from tracked data only.' })
export class PromotionReportType {
  @Field(() => ReportLocale, { description: 'en or fr.' })
  locale: ReportLocale;

  @Field({ description: 'The report as Markdown.' })
  markdown: string;

  @Field(() => PromotionReportSectionsType, { description: 'The same content as typed sections: objective, constraints, candidate, comparison, observations, risks, decision, nextSteps.' })
  sections: PromotionReportSectionsType;
}
