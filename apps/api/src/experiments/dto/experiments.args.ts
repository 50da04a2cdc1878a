import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class ExperimentsArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1..100 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;

  @Field({ defaultValue: false, description: 'Include soft-deleted experiments.' })
  includeDeleted: boolean;

  @Field(() => String, { nullable: true, description: 'Only experiments whose name contains this text (any case; % and _ are plain characters). totalCount counts the matches.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  search?: string | null;
}

@ArgsType()
export class ExperimentRefArgs {
  @Field(() => String, { nullable: true, description: "The experiment's id." })
  id?: string | null;

  @Field(() => String, { nullable: true, description: "The experiment's exact name." })
  name?: string | null;
}
