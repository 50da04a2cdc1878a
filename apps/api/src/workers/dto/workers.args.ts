import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class WorkersArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1..100 (default 20).' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string;
}
