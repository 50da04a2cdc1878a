import { IsString, Length, MaxLength } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType('ModelTag')
export class ModelTagType {
  @Field()
  key: string;

  @Field()
  value: string;
}

@InputType('ModelTagInput')
export class ModelTagInput {
  @Field()
  @IsString()
  @Length(1, 250)
  key: string;

  @Field()
  @IsString()
  @MaxLength(5000)
  value: string;
}
