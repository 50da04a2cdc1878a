// Dataset formats and the counts that validation reports.
import { registerEnumType } from 'type-graphql';

export enum DatasetFormat {
  YOLO = 'YOLO',
  COCO = 'COCO',
}
registerEnumType(DatasetFormat, {
  name: 'DatasetFormat',
  valuesConfig: { YOLO: { description: 'One txt label file per image (`class xc yc w h`, normalised).' }, COCO: { description: 'One instances json for the whole set.' } },
  description: 'YOLO (txt labels `class xc yc w h`, normalised) or COCO (instances json).',
});

export interface DatasetCounts {
  /** Images in the dataset (YOLO: files in imagesDir; COCO: entries of `images` in the json). */
  images: number;
  /** Images with at least one box. */
  labelled: number;
  /** Images without boxes (YOLO: no label file or an empty one). */
  backgrounds: number;
  /** YOLO label files without an image; COCO annotations pointing at no image. */
  orphans: number;
  boxes: number;
  /** Distinct class ids present in the labels. */
  classesPresent: number;
  /** COCO only: image entries whose file is missing from imagesDir. */
  missingImages?: number;
  /** COCO only: annotations flagged iscrowd. */
  crowd?: number;
}
