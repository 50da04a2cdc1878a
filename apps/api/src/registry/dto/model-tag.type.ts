import { IsString, Length, MaxLength } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType('ModelTag', { description: 'A key and its string value on a registered model or version.' })
export class ModelTagType {
  @Field({ description: 'The key.' })
  key: string;

  @Field({ description: 'The value.' })
  value: string;
}

@InputType('ModelTagInput', { description: 'A key and its string value on a registered model or version.' })
export class ModelTagInput {
  @Field({ description: 'The key.' })
  @IsString()
  @Length(1, 250)
  key: string;

  @Field({ description: 'The value.' })
  @IsString()
  @MaxLength(5000)
  value: string;
}
