import { IsString, Length, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';

export const MAX_KEY_LENGTH = 250;
export const MAX_VALUE_LENGTH = 6000;

@InputType('KeyValueInput', { description: 'A key and its string value (a param or a tag).' })
export class KeyValueInput {
  @Field({ description: '1..250 characters.' })
  @IsString()
  @Length(1, MAX_KEY_LENGTH)
  key: string;

  @Field({ description: 'Up to 6,000 characters; numbers are sent as strings.' })
  @IsString()
  @MaxLength(MAX_VALUE_LENGTH)
  value: string;
}
