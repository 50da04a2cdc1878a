// A YOLO dataset read by image: every image in imagesDir is one evaluation image (stem = imageId) with the labels of
// labelsDir/<stem>.txt; no label file = a background image; label files without an image are ignored (orphans).
// Image sizes come from the file headers; boxes are turned into xyxy pixels of the original image.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { extname, join, parse } from 'node:path';
import type { GroundTruthInput } from '../types';
import { readImageSize } from './image-size';
import { parseYoloLabels, yoloRowToXyxy } from './yolo-labels';
import { IMAGE_EXTENSIONS } from '@podium/contracts';

export interface DatasetImage {
  readonly imageId: string | number;
  readonly file: string;
  readonly width: number;
  readonly height: number;
  readonly gt: GroundTruthInput & { readonly boxes: Float64Array; readonly classes: Int32Array };
}

export interface YoloDatasetCounts {
  readonly images: number;
  readonly labelled: number;
  readonly backgrounds: number;
  readonly boxes: number;
  readonly orphanLabels: number;
  readonly duplicatesRemoved: number;
  readonly classes: number;
}

export interface YoloDataset {
  readonly images: DatasetImage[];
  readonly classNames?: readonly string[];
  readonly counts: YoloDatasetCounts;
}

export interface ReadYoloDatasetOptions {
  readonly imagesDir: string;
  readonly labelsDir: string;
  /** Keep only these 0-based classes. */
  readonly classes?: readonly number[];
  readonly classNames?: readonly string[];
}

export function readYoloDataset(options: ReadYoloDatasetOptions): YoloDataset {
  const keep = options.classes ? new Set(options.classes) : null;
  const files = readdirSync(options.imagesDir)
    .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort();
  const stems = new Set(files.map((f) => parse(f).name));
  const labelFiles = existsSync(options.labelsDir) ? readdirSync(options.labelsDir).filter((f) => f.endsWith('.txt')) : [];
  const orphanLabels = labelFiles.filter((f) => !stems.has(parse(f).name)).length;

  const images: DatasetImage[] = [];
  let labelled = 0,
    backgrounds = 0,
    boxes = 0,
    duplicatesRemoved = 0;
  const classSet = new Set<number>();
  for (const f of files) {
    const file = join(options.imagesDir, f);
    const stem = parse(f).name;
    const { width, height } = readImageSize(file);
    const labelFile = join(options.labelsDir, `${stem}.txt`);
    let xyxy = new Float64Array(0);
    let classes = new Int32Array(0);
    if (existsSync(labelFile)) {
      labelled++;
      const rows = parseYoloLabels(readFileSync(labelFile, 'utf8'), labelFile);
      duplicatesRemoved += rows.duplicatesRemoved;
      const kept: number[] = [];
      for (let i = 0; i < rows.classes.length; i++) if (!keep || keep.has(rows.classes[i])) kept.push(i);
      xyxy = new Float64Array(kept.length * 4);
      classes = new Int32Array(kept.length);
      kept.forEach((i, k) => {
        yoloRowToXyxy(rows.xywhn, i, width, height, xyxy, 4 * k);
        classes[k] = rows.classes[i];
        classSet.add(rows.classes[i]);
      });
    }
    if (classes.length === 0) backgrounds++;
    boxes += classes.length;
    images.push({ imageId: stem, file, width, height, gt: { boxes: xyxy, classes } });
  }
  return {
    images,
    classNames: options.classNames,
    counts: { images: images.length, labelled, backgrounds, boxes, orphanLabels, duplicatesRemoved, classes: classSet.size },
  };
}
