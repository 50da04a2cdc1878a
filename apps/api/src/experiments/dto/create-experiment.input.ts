import { ArrayMaxSize, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { KeyValueInput } from './key-value.input';

@InputType({ description: 'A new experiment. The name must be unique (deleted experiments keep theirs reserved).' })
export class CreateExperimentInput {
  @Field({ description: 'Unique name, e.g. "yolo11n-coco128" (1..256 characters).' })
  @IsString()
  @Length(1, 256)
  name: string;

  @Field(() => String, { nullable: true, description: 'Free text shown with the experiment.' })
  @IsOptional()
  @MaxLength(10_000)
  description?: string | null;

  @Field(() => [KeyValueInput], { nullable: true, description: 'Key/value labels (unique keys).' })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  tags?: KeyValueInput[] | null;
}
