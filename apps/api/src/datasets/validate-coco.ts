// Validates a COCO folder: one instances json (images, annotations, categories) and the images it names.
import { badInput } from '../common/app-error';
import { baseOf, dirOf, extOf, isImagePath, oversized } from './dataset-files';
import { type DatasetLayout, ProblemList } from './dataset-layout';
import { type DatasetSource, readWhole } from './dataset-source';

type Id = number | string;
const isId = (v: unknown): v is Id => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The json is parsed whole (COCO has no streaming form), so its size is bounded first: `maxFileBytes`, the cap every
 * label and annotation file has (an extracted archive met it already; a server-side folder is checked here).
 */
export function validateCoco(source: DatasetSource, maxFileBytes: number): DatasetLayout {
  const files = source.files;
  const jsons = files.filter((f) => extOf(f.path) === '.json');
  if (jsons.length !== 1)
    throw badInput(
      `COCO dataset must hold exactly one annotations .json file, found ${jsons.length}${
        jsons.length
          ? ` (${jsons
              .map((j) => j.path)
              .slice(0, 5)
              .join(', ')})`
          : ''
      }`,
    );
  const annotationsPath = jsons[0].path;
  if (jsons[0].size > maxFileBytes) throw oversized(annotationsPath, jsons[0].size, maxFileBytes);
  let coco: Record<string, unknown>;
  try {
    coco = JSON.parse(readWhole(source, jsons[0]).toString('utf8'));
  } catch (e) {
    throw badInput(`${annotationsPath}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(coco) || !Array.isArray(coco.images) || !Array.isArray(coco.annotations) || !Array.isArray(coco.categories)) {
    throw badInput(`${annotationsPath}: expected arrays "images", "annotations" and "categories"`);
  }
  const images = files.filter((f) => isImagePath(f.path));
  const imageDirs = [...new Set(images.map((f) => dirOf(f.path)))];
  if (imageDirs.length !== 1) throw badInput(`COCO dataset must hold its images in one folder, found ${imageDirs.length ? imageDirs.slice(0, 5).join(', ') : 'none'}`);
  const onDisk = new Set(images.map((f) => baseOf(f.path)));
  const problems = new ProblemList();

  const categories: { id: number; name: string }[] = [];
  coco.categories.forEach((c: unknown, i) => {
    if (isObject(c) && typeof c.id === 'number' && Number.isFinite(c.id) && typeof c.name === 'string') categories.push({ id: c.id, name: c.name });
    else problems.add(() => `${annotationsPath}: categories[${i}]: expected { id: number, name: string }`);
  });
  const imageEntries: { id: Id; fileName: string }[] = [];
  coco.images.forEach((im: unknown, i) => {
    if (isObject(im) && isId(im.id) && typeof im.file_name === 'string') imageEntries.push({ id: im.id, fileName: im.file_name });
    else problems.add(() => `${annotationsPath}: images[${i}]: expected { id, file_name: string }`);
  });
  problems.refuse((n) => `dataset has ${n} malformed entr${n === 1 ? 'y' : 'ies'}`);

  categories.sort((a, b) => a.id - b.id);
  const categoryIds = new Set(categories.map((c) => c.id));
  const imageIds = new Set(imageEntries.map((im) => im.id));
  const labelledIds = new Set<Id>();
  const present = new Set<number>();
  let boxes = 0;
  let orphans = 0;
  let crowd = 0;
  coco.annotations.forEach((a: unknown, i) => {
    const where = `${annotationsPath}: annotations[${i}]`;
    if (!isObject(a)) return problems.add(() => `${where}: expected an object`);
    if (!imageIds.has(a.image_id as Id)) {
      orphans++;
      return;
    }
    if (!categoryIds.has(a.category_id as number)) return problems.add(() => `${where}: unknown category_id ${JSON.stringify(a.category_id)}`);
    const bbox = a.bbox;
    if (!Array.isArray(bbox) || bbox.length !== 4 || bbox.some((v) => typeof v !== 'number' || !Number.isFinite(v)) || bbox[2] < 0 || bbox[3] < 0) {
      return problems.add(() => `${where}: bbox must be [x, y, w, h] with w, h ≥ 0`);
    }
    if (a.iscrowd) crowd++;
    labelledIds.add(a.image_id as Id);
    present.add(a.category_id as number);
    boxes++;
  });
  problems.refuse((n) => `dataset has ${n} malformed row(s)`);
  const missingImages = imageEntries.filter((im) => !onDisk.has(baseOf(im.fileName))).length;
  return {
    imagesDir: imageDirs[0],
    labelsDir: null,
    annotationsPath,
    classNames: categories.map((c) => c.name),
    counts: {
      images: imageEntries.length,
      labelled: labelledIds.size,
      backgrounds: imageEntries.length - labelledIds.size,
      orphans,
      boxes,
      classesPresent: present.size,
      missingImages,
      crowd,
    },
  };
}
