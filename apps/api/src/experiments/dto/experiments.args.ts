import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class ExperimentsArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1..100 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;

  @Field({ defaultValue: false, description: 'Include soft-deleted experiments.' })
  includeDeleted: boolean;
}

@ArgsType()
export class ExperimentRefArgs {
  @Field(() => String, { nullable: true, description: 'The experiment\'s id.' })
  id?: string | null;

  @Field(() => String, { nullable: true, description: 'The experiment\'s exact name.' })
  name?: string | null;
}
