// The promotion report's sections as typed fields (the same content as its Markdown, section by section).
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GridHoleType, GridOutsideRunType, ParamSettingType } from './run-analysis.type';

@ObjectType('ReportText', { description: 'A section made of one paragraph.' })
export class ReportTextType {
  @Field({ description: 'Section title, in the report’s locale.' }) title: string;
  @Field({ description: 'The paragraph.' }) text: string;
  @Field({ description: 'The section as Markdown.' }) markdown: string;
}

@ObjectType('ReportList', { description: 'A section made of a list of sentences.' })
export class ReportListType {
  @Field({ description: 'Section title, in the report’s locale.' }) title: string;
  @Field(() => [String], { description: 'The sentences.' }) items: string[];
  @Field({ description: 'The section as Markdown.' }) markdown: string;
}

@ObjectType('ReportOperatingPoint', { description: 'Precision, recall and F1 at one confidence threshold.' })
export class ReportOperatingPointType {
  @Field(() => Float, { nullable: true, description: 'Confidence threshold.' }) confidence: number | null;
  @Field(() => Float, { nullable: true, description: 'Precision there.' }) precision: number | null;
  @Field(() => Float, { nullable: true, description: 'Recall there.' }) recall: number | null;
  @Field(() => Float, { nullable: true, description: 'F1 there.' }) f1: number | null;
}

@ObjectType('ReportMetric', { description: 'A metric of the candidate’s training run: last value and best value with their steps.' })
export class ReportMetricType {
  @Field({ description: 'Metric key.' }) key: string;
  @Field(() => Float, { nullable: true, description: 'Value at the highest step.' }) last: number | null;
  @Field(() => Int, { description: 'Step of last.' }) lastStep: number;
  @Field(() => Float, { nullable: true, description: 'Largest value.' }) max: number | null;
  @Field(() => Int, { nullable: true, description: 'Step of max.' }) maxStep: number | null;
}

@ObjectType('ReportMetricValue', { description: 'A metric of the evaluation run.' })
export class ReportMetricValueType {
  @Field({ description: 'Metric key.' }) key: string;
  @Field(() => Float, { nullable: true, description: 'Its value (null when not finite).' }) value: number | null;
}

@ObjectType('ReportEvaluation', { description: 'The evaluation the report relies on.' })
export class ReportEvaluationType {
  @Field(() => ID, { description: 'The evaluation run.' }) runId: string;
  @Field({ description: 'Its short id.' }) shortId: string;
  @Field({ description: 'Its display name.' }) runName: string;
  @Field(() => String, { nullable: true, description: 'Dataset (name:version).' }) dataset: string | null;
  @Field(() => String, { nullable: true, description: 'sha256 of the dataset’s files.' }) datasetDigest: string | null;
  @Field(() => [ParamSettingType], { description: 'Evaluation settings (imgsz, conf, iou, …).' }) settings: ParamSettingType[];
  @Field(() => [ReportMetricValueType], { description: 'Its metrics.' }) metrics: ReportMetricValueType[];
  @Field(() => ReportOperatingPointType, { description: 'P/R/F1 at the evaluation’s own confidence.' }) operatingPoint: ReportOperatingPointType;
  @Field(() => ReportOperatingPointType, { nullable: true, description: 'P/R/F1 at the F1-optimal confidence.' }) f1Optimal: ReportOperatingPointType | null;
}

@ObjectType('ReportCandidate', { description: 'The version proposed: its run, key params, metrics and evaluation.' })
export class ReportCandidateType {
  @Field({ description: 'Section title.' }) title: string;
  @Field(() => ID, { description: 'The source run.' }) runId: string;
  @Field({ description: 'Its short id.' }) shortId: string;
  @Field({ description: 'Its display name.' }) runName: string;
  @Field(() => Int, { description: 'The model version.' }) version: number;
  @Field(() => [ParamSettingType], { description: 'The params that vary in the grid, with the candidate’s values.' }) keyParams: ParamSettingType[];
  @Field(() => [ReportMetricType], { description: 'Its training metrics.' }) metrics: ReportMetricType[];
  @Field(() => ReportEvaluationType, { nullable: true, description: 'Its evaluation, when there is one.' }) evaluation: ReportEvaluationType | null;
  @Field({ description: 'The section as Markdown.' }) markdown: string;
}

@ObjectType('ReportParamValue', { description: 'One value of a compared param.' })
export class ReportParamValueType {
  @Field(() => String, { nullable: true, description: 'The value; null = not set.' }) value: string | null;
  @Field(() => Float, { nullable: true, description: 'Mean of the runs with it.' }) mean: number | null;
  @Field(() => Float, { nullable: true, description: 'Sample std (null when n < 2).' }) std: number | null;
  @Field(() => Int, { description: 'Runs with it.' }) n: number;
}

@ObjectType('ReportParamChange', { description: 'A change between two values, with its sentence.' })
export class ReportParamChangeType {
  @Field(() => String, { nullable: true, description: 'Value before.' }) from: string | null;
  @Field(() => String, { nullable: true, description: 'Value after.' }) to: string | null;
  @Field(() => Float, { nullable: true, description: 'Mean at from.' }) meanFrom: number | null;
  @Field(() => Float, { nullable: true, description: 'Mean at to.' }) meanTo: number | null;
  @Field(() => Float, { nullable: true, description: 'meanTo − meanFrom.' }) difference: number | null;
  @Field(() => Float, { nullable: true, description: '(meanTo − meanFrom) / meanFrom.' }) relativeChange: number | null;
  @Field(() => Boolean, { nullable: true, description: '|difference| ≥ 2 × the noise std; null without a noise estimate.' }) significant: boolean | null;
  @Field({ description: 'The change as a sentence, e.g. "imgsz 416 vs 320: +11.1 %".' }) text: string;
}

@ObjectType('ReportComparedParam', { description: 'A param of the grid as compared in the report.' })
export class ReportComparedParamType {
  @Field({ description: 'The param.' }) key: string;
  @Field({ description: 'A repeat param (a seed).' }) isRepeat: boolean;
  @Field(() => [ReportParamValueType], { description: 'Each value.' }) values: ReportParamValueType[];
  @Field(() => [ReportParamChangeType], { description: 'From each value to the next.' }) changes: ReportParamChangeType[];
  @Field(() => String, { nullable: true, description: 'The best value for the goal.' }) best: string | null;
}

@ObjectType('ReportComparison', { description: 'The grid the candidate comes from, against the seed noise.' })
export class ReportComparisonType {
  @Field({ description: 'Section title.' }) title: string;
  @Field(() => String, { nullable: true, description: 'The grid metric.' }) metric: string | null;
  @Field(() => String, { nullable: true, description: 'Its aggregation.' }) aggregation: string | null;
  @Field(() => Int, { description: 'Runs in the grid.' }) runCount: number;
  @Field(() => Float, { nullable: true, description: 'Noise floor (pooled seed std).' }) noiseStd: number | null;
  @Field(() => Float, { nullable: true, description: '2 × noiseStd.' }) significanceThreshold: number | null;
  @Field(() => [ReportComparedParamType], { description: 'Each varying param.' }) params: ReportComparedParamType[];
  @Field(() => [GridOutsideRunType], { description: 'Runs outside the grid.' }) outsideGrid: GridOutsideRunType[];
  @Field(() => [GridHoleType], { description: 'Combinations with no run.' }) holes: GridHoleType[];
  @Field({ description: 'The section as Markdown.' }) markdown: string;
}

@ObjectType('ReportObservation', { description: 'Something the data shows.' })
export class ReportObservationType {
  @Field({ description: 'SEED_VARIANCE, NO_REPEATS, WITHIN_NOISE, CONVERGENCE, LOW_PRECISION_THRESHOLD, LOW_PRECISION or CANDIDATE_RANK.' }) kind: string;
  @Field({ description: 'The observation as a sentence.' }) text: string;
  @Field(() => [ParamSettingType], { description: 'The figures behind it, by name (as strings).' }) data: ParamSettingType[];
}

@ObjectType('ReportObservations', { description: 'What the data shows.' })
export class ReportObservationsType {
  @Field({ description: 'Section title.' }) title: string;
  @Field(() => [ReportObservationType], { description: 'Each observation.' }) items: ReportObservationType[];
  @Field({ description: 'The section as Markdown.' }) markdown: string;
}

@ObjectType('ReportRisk', { description: 'A risk of the promotion and how to reduce it.' })
export class ReportRiskType {
  @Field({ description: 'WITHIN_NOISE, FEW_REPEATS, UNDERTRAINED, THRESHOLD, TRAIN_EQUALS_EVAL or STATED.' }) kind: string;
  @Field({ description: 'The risk.' }) risk: string;
  @Field(() => String, { nullable: true, description: 'How to reduce it.' }) mitigation: string | null;
}

@ObjectType('ReportRisks', { description: 'Risks of the promotion.' })
export class ReportRisksType {
  @Field({ description: 'Section title.' }) title: string;
  @Field(() => [ReportRiskType], { description: 'Each risk.' }) items: ReportRiskType[];
  @Field({ description: 'The section as Markdown.' }) markdown: string;
}

@ObjectType('ReportGate', { description: 'A gate as the decision section lists it.' })
export class ReportGateType {
  @Field({ description: 'Gate name.' }) name: string;
  @Field({ description: 'Whether it passed.' }) passed: boolean;
  @Field({ description: 'The outcome in one sentence.' }) message: string;
}

@ObjectType('ReportDecision', { description: 'The verdict and why.' })
export class ReportDecisionType {
  @Field({ description: 'Section title.' }) title: string;
  @Field({ description: 'PROMOTE, BLOCKED or NO_GATES.' }) verdict: string;
  @Field({ description: 'The verdict as a sentence.' }) verdictText: string;
  @Field(() => String, { nullable: true, description: 'The stated justification.' }) justification: string | null;
  @Field(() => String, { nullable: true, description: 'The stated alternatives.' }) alternatives: string | null;
  @Field(() => [ReportGateType], { description: 'The gates and their outcomes.' }) gates: ReportGateType[];
  @Field({ description: 'The section as Markdown.' }) markdown: string;
}

@ObjectType('PromotionReportSections', { description: 'The report section by section.' })
export class PromotionReportSectionsType {
  @Field(() => ReportTextType, { description: 'What the model is for.' }) objective: ReportTextType;
  @Field(() => ReportListType, { description: 'The constraints it must meet.' }) constraints: ReportListType;
  @Field(() => ReportCandidateType, { description: 'The version proposed.' }) candidate: ReportCandidateType;
  @Field(() => ReportComparisonType, { description: 'The grid it comes from.' }) comparison: ReportComparisonType;
  @Field(() => ReportObservationsType, { description: 'What the data shows.' }) observations: ReportObservationsType;
  @Field(() => ReportRisksType, { description: 'The risks.' }) risks: ReportRisksType;
  @Field(() => ReportDecisionType, { description: 'The verdict.' }) decision: ReportDecisionType;
  @Field(() => ReportListType, { description: 'What to do next.' }) nextSteps: ReportListType;
}
