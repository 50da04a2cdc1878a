import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.type';
import { ModelStage } from './model-stage';
import { ModelTagType } from './model-tag.type';

@ObjectType('ModelVersion', { description: 'One registered version: a run’s artifact, numbered 1, 2, … per model.' })
export class ModelVersionType {
  @Field(() => ID)
  id: string;

  /** Internal: used by field resolvers, not exposed. */
  modelId: string;

  @Field()
  modelName: string;

  @Field(() => Int)
  version: number;

  @Field(() => ModelStage)
  stage: ModelStage;

  @Field({ description: 'When the version entered its current stage.' })
  stageEnteredAt: Date;

  @Field(() => String, { nullable: true, description: 'The training run the artifact comes from.' })
  sourceRunId: string | null;

  @Field()
  artifactPath: string;

  @Field(() => String, { nullable: true })
  artifactSha256: string | null;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => [ModelTagType])
  tags: ModelTagType[];

  @Field(() => String, { nullable: true })
  createdBy: string | null;

  @Field()
  createdAt: Date;
}

export const ModelVersionConnection = ConnectionType(ModelVersionType, 'ModelVersionConnection');

@ObjectType('ModelVersionMetric', { description: 'A metric summary of the version’s source run (null values: not finite or never logged).' })
export class ModelVersionMetricType {
  @Field()
  key: string;

  @Field(() => Number, { nullable: true })
  last: number | null;

  @Field(() => Int)
  lastStep: number;

  @Field(() => Number, { nullable: true })
  min: number | null;

  @Field(() => Int, { nullable: true })
  minStep: number | null;

  @Field(() => Number, { nullable: true })
  max: number | null;

  @Field(() => Int, { nullable: true })
  maxStep: number | null;
}
