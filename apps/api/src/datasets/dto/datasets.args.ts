import { IsOptional, Matches } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
import { DATASET_NAME_PATTERN } from './import-dataset.input';

@ArgsType()
export class DatasetsArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1..100 (default 20).' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string;
}

@ArgsType()
export class DatasetArgs {
  @Field({ description: 'Dataset name.' })
  @Matches(DATASET_NAME_PATTERN)
  name: string;

  @Field(() => Int, { nullable: true, description: 'Latest when absent.' })
  @IsOptional()
  version?: number;
}
