import { ArrayMaxSize, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { KeyValueInput } from './key-value.input';

@InputType()
export class CreateExperimentInput {
  @Field()
  @IsString()
  @Length(1, 256)
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(10_000)
  description?: string | null;

  @Field(() => [KeyValueInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  tags?: KeyValueInput[] | null;
}
