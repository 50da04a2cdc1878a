import { Field, ID, ObjectType } from 'type-graphql';
import { KeyValueType } from './key-value.type';

@ObjectType('Experiment', { description: 'A named group of runs (soft-deletable; names stay reserved while deleted).' })
export class ExperimentType {
  @Field(() => ID, { description: "The experiment's id (createRun takes it)." })
  id: string;

  @Field({ description: 'Unique name.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Free text given at creation or by updateExperiment.' })
  description: string | null;

  @Field(() => [KeyValueType], { description: 'Key/value labels, by key.' })
  tags: KeyValueType[];

  @Field({ description: 'true after deleteExperiment, until restoreExperiment.' })
  deleted: boolean;

  @Field(() => String, { nullable: true, description: 'Identity that created it.' })
  createdBy: string | null;

  @Field({ description: 'When it was created.' })
  createdAt: Date;

  @Field({ description: 'Last change to its name, description, tags or deletion.' })
  updatedAt: Date;
}
