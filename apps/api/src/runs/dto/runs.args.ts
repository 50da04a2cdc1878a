import { IsUUID } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';

@ArgsType()
export class RunsArgs {
  @Field(() => ID, { description: 'The experiment.' })
  @IsUUID()
  experimentId: string;

  @Field(() => Int, { nullable: true, description: 'Page size, 1..100 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;

  @Field({ defaultValue: false, description: 'Include soft-deleted runs.' })
  includeDeleted: boolean;
}
