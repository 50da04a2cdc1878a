import { ArrayMaxSize, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { KeyValueInput } from './key-value.input';

@InputType({ description: 'Fields left out stay as they are; tags, when given, replace the whole list.' })
export class UpdateExperimentInput {
  @Field(() => ID, { description: 'The experiment to change.' })
  @IsUUID()
  id: string;

  @Field(() => String, { nullable: true, description: 'New unique name.' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New description.' })
  @IsOptional()
  @MaxLength(10_000)
  description?: string | null;

  @Field(() => [KeyValueInput], { nullable: true, description: 'The new tag list (replaces every tag).' })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  tags?: KeyValueInput[] | null;
}
