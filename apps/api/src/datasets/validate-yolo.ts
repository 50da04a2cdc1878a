// Validates a YOLO folder (Ultralytics layout: images/<split>/x.jpg paired with labels/<split>/x.txt by stem).
import { badInput } from '../common/app-error';
import { type DatasetFile, dirOf, extOf, isImagePath, stemOf } from './dataset-files';
import { type DatasetLayout, ProblemList } from './dataset-layout';
import { MAX_LINE_BYTES, scanLines } from './dataset-lines';
import type { DatasetSource } from './dataset-source';
import { IMAGE_EXTENSIONS } from '@podium/contracts';

/** The most class names a dataset may have (the importDataset input's bound). */
export const MAX_CLASS_NAMES = 10_000;

/** Ultralytics' img2label_paths: the last `images` segment of the folder becomes `labels`. */
function labelsDirFor(imagesDir: string): string | null {
  const parts = imagesDir.split('/');
  const i = parts.lastIndexOf('images');
  if (i < 0) return null;
  parts[i] = 'labels';
  return parts.join('/');
}

/** Reads each label file once, row by row (never whole): counts boxes and reports bad rows as `file:line: reason`. */
export function validateYolo(source: DatasetSource, classNames: string[] | undefined): DatasetLayout {
  const files = source.files;
  const images = files.filter((f) => isImagePath(f.path));
  if (!images.length) throw badInput(`YOLO dataset holds no images (${[...IMAGE_EXTENSIONS].join(', ')})`);
  const imageDirs = [...new Set(images.map((f) => dirOf(f.path)))];
  if (imageDirs.length > 1) throw badInput(`YOLO dataset holds images in several folders (${imageDirs.slice(0, 5).join(', ')}): register one split per dataset`);
  const imagesDir = imageDirs[0];
  const txtIn = (dir: string) => files.filter((f) => extOf(f.path) === '.txt' && dirOf(f.path) === dir);
  const candidate = labelsDirFor(imagesDir);
  let labelsDir: string;
  if (candidate && txtIn(candidate).length) labelsDir = candidate;
  else if (txtIn(imagesDir).length) labelsDir = imagesDir;
  else throw badInput(`YOLO dataset has no label files: expected ${candidate ?? imagesDir}/<image stem>.txt`);
  const names = classNames ?? readClassesTxt(source, labelsDir);
  if (!names?.length) throw badInput('YOLO dataset needs class names: pass classNames (e.g. ["coco80"] for the 80 COCO names) or include classes.txt');

  const labelFiles = txtIn(labelsDir).filter((f) => !(labelsDir === imagesDir && f.path.endsWith('/classes.txt')) && f.path !== 'classes.txt');
  const labelByStem = new Map(labelFiles.map((f) => [stemOf(f.path), f]));
  const imageStems = new Set(images.map((f) => stemOf(f.path)));
  const problems = new ProblemList();
  const present = new Set<number>();
  let labelled = 0;
  let boxes = 0;
  for (const image of images) {
    const label = labelByStem.get(stemOf(image.path));
    if (!label) continue;
    const n = checkLabelFile(source, label, names.length, problems, present);
    boxes += n;
    if (n > 0) labelled++;
  }
  problems.refuse((n) => `dataset has ${n} malformed row(s)`);
  const orphans = [...labelByStem.keys()].filter((s) => !imageStems.has(s)).length;
  return {
    imagesDir,
    labelsDir,
    annotationsPath: null,
    classNames: names,
    counts: { images: images.length, labelled, backgrounds: images.length - labelled, orphans, boxes, classesPresent: present.size },
  };
}

function readClassesTxt(source: DatasetSource, labelsDir: string): string[] | undefined {
  const found = source.files.find((f) => f.path === 'classes.txt' || f.path === `${labelsDir}/classes.txt`);
  if (!found) return undefined;
  const names: string[] = [];
  scanLines(source.chunks(found), (buf, start, end, n) => {
    if (buf === null) throw badInput(`${found.path}:${n}: line longer than ${MAX_LINE_BYTES} bytes`);
    const name = buf.toString('utf8', start, end).trim();
    if (!name) return;
    if (names.length >= MAX_CLASS_NAMES) throw badInput(`${found.path}: more than ${MAX_CLASS_NAMES} class names`);
    names.push(name);
  });
  return names;
}

/**
 * The whitespace-separated fields of an ASCII line (what `trim().split(/\s+/)` counts), or -1 when the line has other
 * bytes, whose Unicode spaces only the string path knows.
 */
function asciiFields(buf: Buffer, start: number, end: number): number {
  let fields = 0;
  let inField = false;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b >= 0x80) return -1;
    const space = b === 0x20 || (b >= 0x09 && b <= 0x0d);
    if (!space && !inField) fields++;
    inField = !space;
  }
  return fields;
}

/** Counts the boxes of one label file and records each malformed row as `file:line: reason`. */
function checkLabelFile(source: DatasetSource, file: DatasetFile, numClasses: number, problems: ProblemList, present: Set<number>): number {
  const rel = file.path;
  let boxes = 0;
  scanLines(source.chunks(file), (buf, start, end, n) => {
    if (buf === null) return problems.add(() => `${rel}:${n}: line longer than ${MAX_LINE_BYTES} bytes`);
    // Most bad rows of a hostile file are refused here, counted without a string made for them.
    const fields = asciiFields(buf, start, end);
    if (fields === 0) return;
    if (fields > 0 && fields !== 5) return problems.add(() => `${rel}:${n}: expected 5 values (class xc yc w h), got ${fields}`);
    const text = buf.toString('utf8', start, end).trim();
    if (!text) return;
    const cols = text.split(/\s+/);
    if (cols.length !== 5) return problems.add(() => `${rel}:${n}: expected 5 values (class xc yc w h), got ${cols.length}`);
    const cls = Number(cols[0]);
    if (!Number.isInteger(cls) || cls < 0 || cls >= numClasses) return problems.add(() => `${rel}:${n}: class "${cols[0]}" is not an integer in [0, ${numClasses - 1}]`);
    const xywh = cols.slice(1).map(Number);
    if (xywh.some((v) => !Number.isFinite(v))) return problems.add(() => `${rel}:${n}: box "${cols.slice(1).join(' ')}" is not four numbers`);
    if (xywh.some((v) => v < 0 || v > 1)) return problems.add(() => `${rel}:${n}: box "${cols.slice(1).join(' ')}" is not normalised to [0, 1]`);
    present.add(cls);
    boxes++;
  });
  return boxes;
}
