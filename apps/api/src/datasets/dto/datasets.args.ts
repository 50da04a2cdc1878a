import { IsOptional, Matches } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
import { DATASET_NAME_PATTERN } from './import-dataset.input';

@ArgsType()
export class DatasetsArgs {
  @Field(() => Int, { nullable: true })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

@ArgsType()
export class DatasetArgs {
  @Field()
  @Matches(DATASET_NAME_PATTERN)
  name: string;

  @Field(() => Int, { nullable: true, description: 'Latest when absent.' })
  @IsOptional()
  version?: number;
}
