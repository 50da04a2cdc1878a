import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.type';
import { GateReportType } from './gate-report.type';
import { ModelStage, TransitionKind } from './model-stage';

@ObjectType('PromotionReportRef', { description: 'The promotion report a decision relied on, as it was when the decision was taken.' })
export class PromotionReportRefType {
  @Field({ description: 'en or fr.' })
  locale: string;

  @Field({ description: 'The report as it was rendered.' })
  markdown: string;
}

@ObjectType('PromotionDecision', { description: 'Why a transition was made: kept forever with the transition.' })
export class PromotionDecisionType {
  @Field({ description: 'Why the move was made.' })
  justification: string;

  @Field(() => String, { nullable: true, description: 'What else was considered.' })
  alternatives: string | null;

  @Field(() => String, { nullable: true, description: 'Known risks of the move.' })
  risks: string | null;

  @Field(() => String, { nullable: true, description: 'What follows.' })
  nextSteps: string | null;

  @Field(() => PromotionReportRefType, { nullable: true, description: 'The promotion report stored with the decision, when asked for.' })
  report: PromotionReportRefType | null;
}

@ObjectType('ModelVersionTransition', { description: 'One entry of a model’s history: who moved which version from where to where, when and why.' })
export class ModelVersionTransitionType {
  @Field(() => Int, { description: 'Gapless position in the model’s history (1, 2, …), in commit order.' })
  seq: number;

  @Field({ description: 'The registered model.' })
  modelName: string;

  @Field(() => Int, { description: 'The version moved.' })
  version: number;

  @Field(() => TransitionKind, { description: 'STAGE or ALIAS.' })
  kind: TransitionKind;

  @Field(() => ModelStage, { description: 'Stage before.' })
  fromStage: ModelStage;

  @Field(() => ModelStage, { description: 'Stage after (the same for an ALIAS move).' })
  toStage: ModelStage;

  @Field(() => String, { nullable: true, description: 'For an ALIAS transition: the alias moved onto the version.' })
  alias: string | null;

  @Field(() => Int, { nullable: true, description: 'For an ALIAS transition: the version that held the alias before.' })
  aliasPreviousVersion: number | null;

  @Field({ description: 'Name of the identity that made the move.' })
  actor: string;

  @Field({ description: 'Commit time.' })
  at: Date;

  @Field({ description: 'True for a consequence of another transition (the previous PRODUCTION holder archived).' })
  automatic: boolean;

  @Field(() => String, { nullable: true, description: 'Why an automatic transition happened.' })
  reason: string | null;

  @Field(() => PromotionDecisionType, { nullable: true, description: 'The recorded decision (justification, alternatives, risks, …).' })
  decision: PromotionDecisionType | null;

  @Field(() => GateReportType, { nullable: true, description: 'The gates evaluated, each with its evidence (null when the target has none).' })
  gates: GateReportType | null;

  @Field(() => GraphQLJSONObject, {
    description:
      'Source-run metric summaries and the evaluation evidence at the time. JSON on purpose: a frozen record whose keys are the run’s own metric keys (any number of them); the gates field carries the evidence typed.',
  })
  metricsSnapshot: Record<string, unknown>;
}

export const ModelVersionTransitionConnection = ConnectionType(ModelVersionTransitionType, 'ModelVersionTransitionConnection');

@ObjectType('ModelVersionChange', { description: 'Event: a version of the model changed stage or aliases (published after commit).' })
export class ModelVersionChangeType {
  @Field({ description: 'The registered model.' })
  modelName: string;

  @Field(() => Int, { description: 'The version that changed.' })
  version: number;

  @Field(() => ModelStage, { description: 'Stage before.' })
  fromStage: ModelStage;

  @Field(() => ModelStage, { description: 'Stage after.' })
  toStage: ModelStage;

  @Field(() => [String], { description: 'Aliases moved onto the version.' })
  aliasesAdded: string[];

  @Field(() => [String], { description: 'Aliases that left the version.' })
  aliasesRemoved: string[];

  @Field({ description: 'Name of the identity that made the change.' })
  actor: string;

  @Field({ description: 'Commit time.' })
  at: Date;
}
