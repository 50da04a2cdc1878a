// Validates a COCO folder: one instances json (images, annotations, categories) and the images it names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { badInput } from '../common/app-error';
import { baseOf, type DatasetFile, dirOf, extOf, IMAGE_EXTENSIONS } from './dataset-files';
import { type DatasetLayout, refuseProblems } from './dataset-layout';

interface CocoJson {
  images?: { id: number; file_name: string }[];
  annotations?: { image_id: number; category_id: number; bbox: number[]; iscrowd?: number }[];
  categories?: { id: number; name: string }[];
}

export function validateCoco(root: string, files: DatasetFile[]): DatasetLayout {
  const jsons = files.filter((f) => extOf(f.path) === '.json');
  if (jsons.length !== 1) throw badInput(`COCO dataset must hold exactly one annotations .json file, found ${jsons.length}${jsons.length ? ` (${jsons.map((j) => j.path).slice(0, 5).join(', ')})` : ''}`);
  const annotationsPath = jsons[0].path;
  let coco: CocoJson;
  try {
    coco = JSON.parse(readFileSync(join(root, annotationsPath), 'utf8')) as CocoJson;
  } catch (e) {
    throw badInput(`${annotationsPath}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(coco.images) || !Array.isArray(coco.annotations) || !Array.isArray(coco.categories)) {
    throw badInput(`${annotationsPath}: expected arrays "images", "annotations" and "categories"`);
  }
  const images = files.filter((f) => IMAGE_EXTENSIONS.has(extOf(f.path)));
  const imageDirs = [...new Set(images.map((f) => dirOf(f.path)))];
  if (imageDirs.length !== 1) throw badInput(`COCO dataset must hold its images in one folder, found ${imageDirs.length ? imageDirs.slice(0, 5).join(', ') : 'none'}`);
  const onDisk = new Set(images.map((f) => baseOf(f.path)));
  const categories = [...coco.categories].sort((a, b) => a.id - b.id);
  const categoryIds = new Set(categories.map((c) => c.id));
  const imageIds = new Set(coco.images.map((im) => im.id));
  const problems: string[] = [];
  const labelledIds = new Set<number>();
  const present = new Set<number>();
  let boxes = 0;
  let orphans = 0;
  let crowd = 0;
  coco.annotations.forEach((a, i) => {
    const where = `${annotationsPath}: annotations[${i}]`;
    if (!imageIds.has(a.image_id)) {
      orphans++;
      return;
    }
    if (!categoryIds.has(a.category_id)) return void problems.push(`${where}: unknown category_id ${a.category_id}`);
    if (!Array.isArray(a.bbox) || a.bbox.length !== 4 || a.bbox.some((v) => typeof v !== 'number' || !Number.isFinite(v)) || a.bbox[2] < 0 || a.bbox[3] < 0) {
      return void problems.push(`${where}: bbox must be [x, y, w, h] with w, h ≥ 0`);
    }
    if (a.iscrowd) crowd++;
    labelledIds.add(a.image_id);
    present.add(a.category_id);
    boxes++;
  });
  refuseProblems(problems);
  const missingImages = coco.images.filter((im) => !onDisk.has(baseOf(im.file_name))).length;
  return {
    imagesDir: imageDirs[0],
    labelsDir: null,
    annotationsPath,
    classNames: categories.map((c) => c.name),
    counts: {
      images: coco.images.length,
      labelled: labelledIds.size,
      backgrounds: coco.images.length - labelledIds.size,
      orphans,
      boxes,
      classesPresent: present.size,
      missingImages,
      crowd,
    },
  };
}
