import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DatasetFormat } from '../dataset-format';

@ObjectType('DatasetCounts', { description: 'What validation counted when the dataset was registered.' })
export class DatasetCountsType {
  @Field(() => Int)
  images: number;

  @Field(() => Int, { description: 'Images with at least one box.' })
  labelled: number;

  @Field(() => Int, { description: 'Images without boxes.' })
  backgrounds: number;

  @Field(() => Int, { description: 'YOLO label files without an image; COCO annotations pointing at no image.' })
  orphans: number;

  @Field(() => Int)
  boxes: number;

  @Field(() => Int, { description: 'Distinct classes present in the labels.' })
  classesPresent: number;

  @Field(() => Int, { nullable: true, description: 'COCO: images named by the json but missing from the folder.' })
  missingImages: number | null;

  @Field(() => Int, { nullable: true, description: 'COCO: annotations flagged iscrowd.' })
  crowd: number | null;
}

@ObjectType('Dataset', { description: 'A registered dataset version; its files are served as a tar at archiveUrl.' })
export class DatasetType {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => Int)
  version: number;

  @Field(() => DatasetFormat)
  format: DatasetFormat;

  @Field({ description: 'sha256 over the sorted relative paths and bytes of the files.' })
  digest: string;

  @Field(() => [String])
  classNames: string[];

  @Field(() => DatasetCountsType)
  counts: DatasetCountsType;

  @Field({ description: 'HTTP GET path of the normalised tar (bearer token: WORKER or VIEWER+).' })
  archiveUrl: string;

  @Field(() => Int)
  sizeBytes: number;

  @Field({ description: 'Relative path of the images folder inside the archive.' })
  imagesDir: string;

  @Field(() => String, { nullable: true })
  labelsDir: string | null;

  @Field(() => String, { nullable: true })
  annotationsPath: string | null;

  @Field(() => String, { nullable: true })
  createdBy: string | null;

  @Field()
  createdAt: Date;
}
