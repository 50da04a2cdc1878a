import { Field, ID, ObjectType } from 'type-graphql';
import { KeyValueType } from './key-value.type';

@ObjectType('Experiment', { description: 'A named group of runs (soft-deletable; names stay reserved while deleted).' })
export class ExperimentType {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => [KeyValueType])
  tags: KeyValueType[];

  @Field({ description: 'true after deleteExperiment, until restoreExperiment.' })
  deleted: boolean;

  @Field(() => String, { nullable: true, description: 'Identity that created it.' })
  createdBy: string | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}
