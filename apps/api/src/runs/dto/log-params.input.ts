import { ArrayMaxSize, ArrayMinSize, IsString, Length, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { KeyValueInput } from '../../experiments/dto/key-value.input';

@InputType({ description: 'Params are immutable: the same value again is a no-op, a different value is CONFLICT.' })
export class LogParamsInput {
  @Field(() => ID, { description: 'Full id or unique short-id prefix.' })
  @IsString()
  @Length(1, 36)
  runId: string;

  @Field(() => [KeyValueInput], { description: 'The params (1..1,000), e.g. {key: "lr0", value: "0.01"}.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  params: KeyValueInput[];
}

@InputType({ description: 'Sets (or overwrites) tags on a run.' })
export class SetRunTagsInput {
  @Field(() => ID, { description: 'Full id or unique short-id prefix.' })
  @IsString()
  @Length(1, 36)
  runId: string;

  @Field(() => [KeyValueInput], { description: 'The tags to set; other tags stay.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  tags: KeyValueInput[];
}
