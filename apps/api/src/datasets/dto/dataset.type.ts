import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DatasetFormat } from '../dataset-format';

@ObjectType('DatasetCounts', { description: 'What validation counted when the dataset was registered.' })
export class DatasetCountsType {
  @Field(() => Int, { description: 'Images in the dataset.' })
  images: number;

  @Field(() => Int, { description: 'Images with at least one box.' })
  labelled: number;

  @Field(() => Int, { description: 'Images without boxes.' })
  backgrounds: number;

  @Field(() => Int, { description: 'YOLO label files without an image; COCO annotations pointing at no image.' })
  orphans: number;

  @Field(() => Int, { description: 'Labelled boxes in all.' })
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
  @Field(() => ID, { description: "The dataset version's id." })
  id: string;

  @Field({ description: 'Dataset name (shared by its versions).' })
  name: string;

  @Field(() => Int, { description: 'Version number, 1, 2, … per name.' })
  version: number;

  @Field(() => DatasetFormat, { description: 'YOLO or COCO.' })
  format: DatasetFormat;

  @Field({ description: 'sha256 over the sorted relative paths and bytes of the files.' })
  digest: string;

  @Field(() => [String], { description: 'Class names in index order.' })
  classNames: string[];

  @Field(() => DatasetCountsType, { description: 'What validation counted at registration.' })
  counts: DatasetCountsType;

  @Field({ description: 'HTTP GET path of the normalised tar (bearer token: WORKER or VIEWER+).' })
  archiveUrl: string;

  @Field(() => Int, { description: 'Size of the stored files in bytes.' })
  sizeBytes: number;

  @Field({ description: 'Relative path of the images folder inside the archive.' })
  imagesDir: string;

  @Field(() => String, { nullable: true, description: 'YOLO: relative path of the label files inside the archive.' })
  labelsDir: string | null;

  @Field(() => String, { nullable: true, description: 'COCO: relative path of the instances json inside the archive.' })
  annotationsPath: string | null;

  @Field(() => String, { nullable: true, description: 'Name of the identity that registered it.' })
  createdBy: string | null;

  @Field({ description: 'When it was registered.' })
  createdAt: Date;
}
