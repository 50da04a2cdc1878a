import { ArrayMaxSize, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { DatasetFormat } from '../dataset-format';

export const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const MAX_DATASET_VERSION = 1_000_000;

@InputType({ description: 'Registers a server-side folder as a dataset (ADMIN, embedded default only).' })
export class ImportDatasetInput {
  @Field({ description: 'Dataset name: letters, digits, . _ - (starting with a letter or digit).' })
  @Matches(DATASET_NAME_PATTERN, { message: 'name must be 1–128 characters of letters, digits, ".", "_" or "-"' })
  name: string;

  @Field({ description: 'Absolute path of the folder on the api host.' })
  @IsString()
  @Length(1, 4096)
  path: string;

  @Field(() => DatasetFormat, { description: 'How the folder is labelled: YOLO or COCO.' })
  format: DatasetFormat;

  @Field(() => Int, { nullable: true, description: 'Defaults to the next version of this name (1 for a new name).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_DATASET_VERSION)
  version?: number;

  @Field(() => [String], { nullable: true, description: 'YOLO class names in index order; ["coco80"] for the 80 COCO names. COCO takes them from its categories.' })
  @IsOptional()
  @ArrayMaxSize(10_000)
  classNames?: string[];
}
