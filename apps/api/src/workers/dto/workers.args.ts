import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class WorkersArgs {
  @Field(() => Int, { nullable: true })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}
