/**
 * Lists a dataset's images with their ground truth, paired by image: YOLO label folders (normalised `cls xc yc w h`
 * rows; an image without a label file is a background, a label file without an image is an orphan and ignored) or
 * a COCO instances json (categories sorted by id give the 0-based class index, as Ultralytics' COCO-80 mapping).
 * YOLO boxes are turned into pixels once the image is decoded and its size known.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve, sep } from 'node:path';
import { MetricsError, parseYoloLabels, yoloRowToXyxy } from '@podium/metrics';
import { WorkerError } from '../errors/worker-error';
import type { GroundTruth } from './metrics-adapter';
import { IMAGE_EXTENSIONS } from '@podium/contracts';

export type DatasetSpec = { format: 'YOLO'; imagesDir: string; labelsDir: string; classNames?: string[] } | { format: 'COCO'; imagesDir: string; annotationsPath: string };

export interface DatasetItem {
  imageId: string;
  file: string;
  /** Builds the ground truth in original pixels once width and height are known. */
  groundTruth(width: number, height: number): GroundTruth;
}

/**
 * The ids a COCO results file uses for this dataset (predictions-writer.ts): a COCO json's own image and category
 * ids; for a YOLO dataset, the image's file stem and the 0-based class index (what `npm run metrics` reads with a
 * label folder).
 */
export interface PredictionIds {
  /** Image ids are the COCO json's numbers (DatasetItem.imageId holds them as text). */
  numericImageIds: boolean;
  /** Category id of each class index; absent: the class index itself. */
  categoryIds?: number[];
}

export interface Dataset {
  items: DatasetItem[];
  predictionIds: PredictionIds;
  classNames?: string[];
  /** Number of classes the dataset defines (names or categories), or the highest label index + 1 without names. */
  numClasses: number;
  /** True when numClasses is only a lower bound taken from the labels. */
  numClassesIsLowerBound: boolean;
}

export function readDataset(spec: DatasetSpec): Dataset {
  return spec.format === 'YOLO' ? readYolo(spec) : readCoco(spec);
}

function listImages(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new WorkerError('DATASET_INVALID', `images directory ${dir} does not exist`);
  const files = readdirSync(dir)
    .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort();
  if (files.length === 0) throw new WorkerError('DATASET_INVALID', `images directory ${dir} holds no images`);
  return files;
}

function readYolo(spec: Extract<DatasetSpec, { format: 'YOLO' }>): Dataset {
  const files = listImages(spec.imagesDir);
  if (!existsSync(spec.labelsDir)) throw new WorkerError('DATASET_INVALID', `labels directory ${spec.labelsDir} does not exist`);
  let maxClass = -1;
  const items = files.map((file): DatasetItem => {
    const stem = basename(file, extname(file));
    const labelPath = join(spec.labelsDir, `${stem}.txt`);
    const rows = existsSync(labelPath) ? readLabels(labelPath) : { classes: new Int32Array(0), xywh: new Float64Array(0) };
    for (const c of rows.classes) maxClass = Math.max(maxClass, c);
    return {
      imageId: stem,
      file: join(spec.imagesDir, file),
      groundTruth: (width, height) => {
        const boxes = new Float64Array(rows.xywh.length);
        for (let i = 0; i < rows.classes.length; i++) yoloRowToXyxy(rows.xywh, i, width, height, boxes, 4 * i);
        return { boxes, classes: rows.classes };
      },
    };
  });
  const names = spec.classNames;
  return { items, predictionIds: { numericImageIds: false }, classNames: names, numClasses: names ? names.length : maxClass + 1, numClassesIsLowerBound: !names };
}

/**
 * One label file, read as Ultralytics reads it (@podium/metrics: float32 values, polygon rows as their bounding box,
 * duplicate rows dropped); a row it cannot read fails the dataset, named by file and line.
 */
function readLabels(path: string): { classes: Int32Array; xywh: Float64Array } {
  try {
    const rows = parseYoloLabels(readFileSync(path, 'utf8'), path);
    return { classes: rows.classes, xywh: rows.xywhn };
  } catch (error) {
    if (!(error instanceof MetricsError) || error.details.line === undefined) throw error;
    const at = `${path}:${error.details.line}: `;
    const why = error.message.startsWith(at) ? error.message.slice(at.length) : error.message;
    throw new WorkerError('DATASET_INVALID', `${at}malformed label row (${why})`);
  }
}

/** An image's path from its `file_name`; one that climbs out of the images folder is refused, as archive paths are. */
function insideImagesDir(spec: Extract<DatasetSpec, { format: 'COCO' }>, fileName: string): string {
  const root = resolve(spec.imagesDir);
  const file = resolve(root, String(fileName));
  if (!file.startsWith(root + sep)) throw new WorkerError('DATASET_INVALID', `${spec.annotationsPath}: image file_name ${fileName} leaves the images directory`);
  return file;
}

interface CocoJson {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: { image_id: number; category_id: number; bbox: [number, number, number, number]; iscrowd?: number; area?: number }[];
  categories: { id: number; name: string }[];
}

function readCoco(spec: Extract<DatasetSpec, { format: 'COCO' }>): Dataset {
  let json: CocoJson;
  try {
    json = JSON.parse(readFileSync(spec.annotationsPath, 'utf8')) as CocoJson;
  } catch (error) {
    throw new WorkerError('DATASET_INVALID', `${spec.annotationsPath}: not a readable COCO json (${(error as Error).message})`);
  }
  if (!Array.isArray(json.images) || !Array.isArray(json.annotations) || !Array.isArray(json.categories)) {
    throw new WorkerError('DATASET_INVALID', `${spec.annotationsPath}: a COCO json needs images, annotations and categories`);
  }
  const categories = [...json.categories].sort((a, b) => a.id - b.id);
  const classOf = new Map(categories.map((c, i) => [c.id, i]));
  const byImage = new Map<number, CocoJson['annotations']>();
  for (const a of json.annotations) {
    if (!classOf.has(a.category_id)) throw new WorkerError('DATASET_INVALID', `${spec.annotationsPath}: annotation on image ${a.image_id} has unknown category ${a.category_id}`);
    const list = byImage.get(a.image_id) ?? [];
    list.push(a);
    byImage.set(a.image_id, list);
  }
  // The json's own image order and its xywh numbers untouched, as `npm run metrics` reads the same json: the two
  // agree to the last bit (and pycocotools' `coco` protocol reads xywh too).
  const items = json.images.map((image): DatasetItem => {
    const anns = byImage.get(image.id) ?? [];
    const boxes = new Float64Array(anns.length * 4);
    anns.forEach((a, i) => boxes.set(a.bbox, 4 * i));
    const gt: GroundTruth = {
      boxes,
      format: 'xywh',
      classes: Int32Array.from(anns, (a) => classOf.get(a.category_id)!),
      iscrowd: Uint8Array.from(anns, (a) => (a.iscrowd ? 1 : 0)),
      areas: Float64Array.from(anns, (a) => a.area ?? a.bbox[2] * a.bbox[3]),
    };
    return { imageId: String(image.id), file: insideImagesDir(spec, image.file_name), groundTruth: () => gt };
  });
  if (items.length === 0) throw new WorkerError('DATASET_INVALID', `${spec.annotationsPath} lists no images`);
  return {
    items,
    predictionIds: { numericImageIds: true, categoryIds: categories.map((c) => c.id) },
    classNames: categories.map((c) => c.name),
    numClasses: categories.length,
    numClassesIsLowerBound: false,
  };
}
