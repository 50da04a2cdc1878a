import { IsOptional, IsUUID, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Exactly one of id or name (name matches the active token of that name).' })
export class RevokeApiTokenInput {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  id?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 128)
  name?: string | null;
}
