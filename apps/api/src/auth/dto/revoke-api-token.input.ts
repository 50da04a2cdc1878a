import { IsOptional, IsUUID, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Exactly one of id or name (name matches the active token of that name).' })
export class RevokeApiTokenInput {
  @Field(() => ID, { nullable: true, description: "The token's id." })
  @IsOptional()
  @IsUUID()
  id?: string | null;

  @Field(() => String, { nullable: true, description: 'The active token of this name.' })
  @IsOptional()
  @Length(1, 128)
  name?: string | null;
}
