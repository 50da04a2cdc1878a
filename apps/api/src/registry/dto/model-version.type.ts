import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.type';
import { ModelStage } from './model-stage';
import { ModelTagType } from './model-tag.type';

@ObjectType('ModelVersion', { description: 'One registered version: a run’s artifact, numbered 1, 2, … per model.' })
export class ModelVersionType {
  @Field(() => ID, { description: "The version's id." })
  id: string;

  /** Internal: used by field resolvers, not exposed. */
  modelId: string;

  @Field({ description: 'The registered model.' })
  modelName: string;

  @Field(() => Int, { description: 'Version number, 1, 2, … per model.' })
  version: number;

  @Field(() => ModelStage, { description: 'Current stage.' })
  stage: ModelStage;

  @Field({ description: 'When the version entered its current stage.' })
  stageEnteredAt: Date;

  @Field(() => String, { nullable: true, description: 'The training run the artifact comes from.' })
  sourceRunId: string | null;

  @Field({ description: 'Path of the artifact under the source run.' })
  artifactPath: string;

  @Field(() => String, { nullable: true, description: 'sha256 of the artifact when it was registered.' })
  artifactSha256: string | null;

  @Field(() => String, { nullable: true, description: 'Free text.' })
  description: string | null;

  @Field(() => [ModelTagType], { description: 'Key/value labels.' })
  tags: ModelTagType[];

  @Field(() => String, { nullable: true, description: 'Name of the identity that registered it.' })
  createdBy: string | null;

  @Field({ description: 'When it was registered.' })
  createdAt: Date;
}

export const ModelVersionConnection = ConnectionType(ModelVersionType, 'ModelVersionConnection');

@ObjectType('ModelVersionMetric', { description: 'A metric summary of the version’s source run (null values: not finite or never logged).' })
export class ModelVersionMetricType {
  @Field({ description: 'Canonical key.' })
  key: string;

  @Field(() => Number, { nullable: true, description: 'Value at the highest step.' })
  last: number | null;

  @Field(() => Int, { description: 'Step of last.' })
  lastStep: number;

  @Field(() => Number, { nullable: true, description: 'Smallest finite value.' })
  min: number | null;

  @Field(() => Int, { nullable: true, description: 'Step of min.' })
  minStep: number | null;

  @Field(() => Number, { nullable: true, description: 'Largest finite value.' })
  max: number | null;

  @Field(() => Int, { nullable: true, description: 'Step of max.' })
  maxStep: number | null;
}
