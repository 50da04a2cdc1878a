// The gates a promotion was checked against, each with what it required, what it observed and its evidence.
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ModelStage, TransitionKind } from './model-stage';
import { ParamSettingType } from './run-analysis.type';

@ObjectType('PromotionTarget', { description: 'Where a promotion moves a version: a stage, or an alias onto it.' })
export class PromotionTargetType {
  @Field(() => TransitionKind, { description: 'STAGE or ALIAS.' })
  kind: TransitionKind;

  @Field(() => ModelStage, { nullable: true, description: 'The target stage (kind STAGE).' })
  stage: ModelStage | null;

  @Field(() => String, { nullable: true, description: 'The alias moved (kind ALIAS).' })
  alias: string | null;
}

@ObjectType('GateEvidence', { description: 'An evaluation run used as evidence: its metric value and how it was obtained.' })
export class GateEvidenceType {
  @Field(() => ID, { description: 'The evaluation run.' })
  evaluationRunId: string;

  @Field({ description: 'Its display name.' })
  evaluationRunName: string;

  @Field(() => Int, { nullable: true, description: 'The model version it evaluated.' })
  modelVersion: number | null;

  @Field(() => String, { nullable: true, description: 'The dataset (name:version) it ran on.' })
  dataset: string | null;

  @Field(() => String, { nullable: true, description: 'sha256 of that dataset’s files.' })
  datasetDigest: string | null;

  @Field(() => [ParamSettingType], { description: 'The evaluation settings compared by settingsMustMatch (imgsz, conf, iou, …).' })
  settings: ParamSettingType[];

  @Field(() => String, { nullable: true, description: 'The metric the gate reads.' })
  metric: string | null;

  @Field(() => Float, { nullable: true, description: 'Its value (the evaluation run’s LAST value).' })
  value: number | null;

  @Field(() => Int, { nullable: true, description: 'The step of that value.' })
  step: number | null;
}

@ObjectType('RejectedEvidence', { description: 'An evaluation run that was looked at and not accepted as evidence.' })
export class RejectedEvidenceType {
  @Field(() => ID, { description: 'The evaluation run.' })
  evaluationRunId: string;

  @Field({ description: 'Its display name.' })
  evaluationRunName: string;

  @Field(() => [String], { description: 'Every reason it was refused.' })
  reasons: string[];
}

@ObjectType('GateRequirement', { description: 'What a gate required.' })
export class GateRequirementType {
  @Field({ description: 'PRODUCTION_HOLDER (≥ the holder’s comparable evaluation), FLOOR (≥ the policy floor), EXISTENCE (any usable evaluation) or MIN_SECONDS (time in STAGING).' })
  source: string;

  @Field({ description: 'How observed compares with threshold (>=).' })
  comparator: string;

  @Field(() => Float, { nullable: true, description: 'The value to reach (a metric value or seconds).' })
  threshold: number | null;

  @Field(() => String, { nullable: true, description: 'The metric, for an evaluation gate.' })
  metric: string | null;

  @Field(() => Int, { nullable: true, description: 'PRODUCTION_HOLDER: the version holding PRODUCTION.' })
  holderVersion: number | null;

  @Field(() => GateEvidenceType, { nullable: true, description: 'PRODUCTION_HOLDER: the holder’s evaluation compared against.' })
  holderEvidence: GateEvidenceType | null;
}

@ObjectType('GateResult', { description: 'One gate: passed or not, what it required, what it observed and why.' })
export class GateResultType {
  @Field({ description: 'EVALUATION or MIN_TIME_IN_STAGING.' })
  name: string;

  @Field({ description: 'true when the requirement was met.' })
  passed: boolean;

  @Field(() => GateRequirementType, { description: 'What was required.' })
  required: GateRequirementType;

  @Field(() => Float, { nullable: true, description: 'The metric value, or the seconds spent in STAGING; null when there was nothing to observe.' })
  observed: number | null;

  @Field(() => GateEvidenceType, { nullable: true, description: 'The evaluation used as evidence.' })
  evidence: GateEvidenceType | null;

  @Field(() => [RejectedEvidenceType], { description: 'Evaluations looked at and not accepted, with the reasons.' })
  rejected: RejectedEvidenceType[];

  @Field({ description: 'The outcome in one sentence.' })
  message: string;
}

@ObjectType('GateReport', { description: 'The gates a promotion was checked against, as evaluated at that moment.' })
export class GateReportType {
  @Field(() => PromotionTargetType, { description: 'The target the gates belong to.' })
  target: PromotionTargetType;

  @Field({ description: 'true when every gate passed.' })
  passed: boolean;

  @Field(() => [GateResultType], { description: 'Each gate.' })
  gates: GateResultType[];
}
