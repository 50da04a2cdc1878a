import { IsString, Length, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';

export const MAX_KEY_LENGTH = 250;
export const MAX_VALUE_LENGTH = 6000;

@InputType('KeyValueInput')
export class KeyValueInput {
  @Field()
  @IsString()
  @Length(1, MAX_KEY_LENGTH)
  key: string;

  @Field()
  @IsString()
  @MaxLength(MAX_VALUE_LENGTH)
  value: string;
}
