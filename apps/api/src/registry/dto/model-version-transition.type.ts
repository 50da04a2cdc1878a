import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.type';
import { ModelStage, TransitionKind } from './model-stage';

@ObjectType('PromotionReportRef', { description: 'The promotion report a decision relied on, as it was when the decision was taken.' })
export class PromotionReportRefType {
  @Field()
  locale: string;

  @Field()
  markdown: string;
}

@ObjectType('PromotionDecision', { description: 'Why a transition was made: kept forever with the transition.' })
export class PromotionDecisionType {
  @Field()
  justification: string;

  @Field(() => String, { nullable: true })
  alternatives: string | null;

  @Field(() => String, { nullable: true })
  risks: string | null;

  @Field(() => String, { nullable: true })
  nextSteps: string | null;

  @Field(() => PromotionReportRefType, { nullable: true })
  report: PromotionReportRefType | null;
}

@ObjectType('ModelVersionTransition', { description: 'One entry of a model’s history: who moved which version from where to where, when and why.' })
export class ModelVersionTransitionType {
  @Field(() => Int, { description: 'Gapless position in the model’s history (1, 2, …), in commit order.' })
  seq: number;

  @Field()
  modelName: string;

  @Field(() => Int)
  version: number;

  @Field(() => TransitionKind)
  kind: TransitionKind;

  @Field(() => ModelStage)
  fromStage: ModelStage;

  @Field(() => ModelStage)
  toStage: ModelStage;

  @Field(() => String, { nullable: true, description: 'For an ALIAS transition: the alias moved onto the version.' })
  alias: string | null;

  @Field(() => Int, { nullable: true, description: 'For an ALIAS transition: the version that held the alias before.' })
  aliasPreviousVersion: number | null;

  @Field()
  actor: string;

  @Field()
  at: Date;

  @Field({ description: 'True for a consequence of another transition (the previous PRODUCTION holder archived).' })
  automatic: boolean;

  @Field(() => String, { nullable: true })
  reason: string | null;

  @Field(() => PromotionDecisionType, { nullable: true })
  decision: PromotionDecisionType | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The gates evaluated, each with its evidence (null when the target has none).' })
  gates: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { description: 'Source-run metric summaries and the evaluation evidence at the time.' })
  metricsSnapshot: Record<string, unknown>;
}

export const ModelVersionTransitionConnection = ConnectionType(ModelVersionTransitionType, 'ModelVersionTransitionConnection');

@ObjectType('ModelVersionChange', { description: 'Event: a version of the model changed stage or aliases (published after commit).' })
export class ModelVersionChangeType {
  @Field()
  modelName: string;

  @Field(() => Int)
  version: number;

  @Field(() => ModelStage)
  fromStage: ModelStage;

  @Field(() => ModelStage)
  toStage: ModelStage;

  @Field(() => [String])
  aliasesAdded: string[];

  @Field(() => [String])
  aliasesRemoved: string[];

  @Field()
  actor: string;

  @Field()
  at: Date;
}
