import { Max, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
import { ModelStage } from './model-stage';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'At most 100 (default 20).' })
  @Min(1)
  @Max(100)
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}

@ArgsType()
export class VersionPageArgs extends PageArgs {
  @Field(() => [ModelStage], { nullable: true, description: 'Only the versions in these stages (all stages when absent; at least one when given).' })
  stages?: ModelStage[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: only the versions some alias names.' })
  withAliases?: boolean | null;
}
