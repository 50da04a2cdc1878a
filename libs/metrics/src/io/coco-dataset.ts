// A COCO `instances` json read into per-image ground truth (category ids as classes, crowd flags, annotation areas).
// Boxes are xyxy pixels by default; `boxFormat: 'xywh'` keeps COCO's own numbers untouched, which the `coco` protocol
// needs to equal pycocotools to the last bit (x + w is not always x2).
import { readFileSync } from 'node:fs';
import { MetricsError } from '../metrics-error';
import type { BoxFormat } from '../types';
import type { DatasetImage } from './yolo-dataset';

export interface CocoCategory {
  readonly id: number;
  readonly name: string;
}

export interface CocoDataset {
  readonly images: DatasetImage[];
  readonly categories: CocoCategory[];
  readonly classNames: Readonly<Record<number, string>>;
  readonly counts: { readonly images: number; readonly backgrounds: number; readonly boxes: number; readonly crowd: number; readonly classes: number };
}

export interface ReadCocoDatasetOptions {
  /** Keep only these category ids. */
  readonly classes?: readonly number[];
  readonly boxFormat?: BoxFormat;
}

interface RawAnnotation {
  image_id: number;
  category_id: number;
  bbox: number[];
  area?: number;
  iscrowd?: number;
}

function malformed(file: string, why: string): never {
  throw new MetricsError('MALFORMED_ANNOTATIONS', `${file}: ${why}`, { file });
}

export function parseCocoDataset(json: unknown, file: string, options: ReadCocoDatasetOptions = {}): CocoDataset {
  const root = json as { images?: unknown; annotations?: unknown; categories?: unknown };
  if (!root || !Array.isArray(root.images) || !Array.isArray(root.annotations)) malformed(file, 'expected "images" and "annotations" arrays');
  const categories: CocoCategory[] = Array.isArray(root.categories) ? (root.categories as { id: number; name: string }[]).map((c) => ({ id: c.id, name: String(c.name) })) : [];
  const keep = options.classes ? new Set(options.classes) : null;
  const xywh = options.boxFormat === 'xywh';
  const byImage = new Map<number, RawAnnotation[]>();
  (root.annotations as RawAnnotation[]).forEach((a, i) => {
    if (!a || !Array.isArray(a.bbox) || a.bbox.length !== 4 || a.bbox.some((v) => !Number.isFinite(v)) || !Number.isInteger(a.category_id))
      malformed(file, `annotation ${i} needs image_id, category_id and a bbox of 4 numbers`);
    if (keep && !keep.has(a.category_id)) return;
    let list = byImage.get(a.image_id);
    if (!list) byImage.set(a.image_id, (list = []));
    list.push(a);
  });
  let boxes = 0,
    crowd = 0,
    backgrounds = 0;
  const classSet = new Set<number>();
  const images: DatasetImage[] = (root.images as { id: number; file_name?: string; width?: number; height?: number }[]).map((im) => {
    const anns = byImage.get(im.id) ?? [];
    const b = new Float64Array(anns.length * 4);
    const classes = new Int32Array(anns.length);
    const iscrowd = new Uint8Array(anns.length);
    const areas = new Float64Array(anns.length);
    anns.forEach((a, k) => {
      const [x, y, w, h] = a.bbox;
      b.set(xywh ? [x, y, w, h] : [x, y, x + w, y + h], 4 * k);
      classes[k] = a.category_id;
      iscrowd[k] = a.iscrowd ? 1 : 0;
      areas[k] = typeof a.area === 'number' ? a.area : w * h;
      classSet.add(a.category_id);
    });
    const regular = anns.length - iscrowd.reduce((s, v) => s + v, 0);
    boxes += regular;
    crowd += anns.length - regular;
    if (regular === 0) backgrounds++;
    return {
      imageId: im.id,
      file: im.file_name ?? String(im.id),
      width: im.width ?? 0,
      height: im.height ?? 0,
      gt: { boxes: b, classes, iscrowd, areas, format: xywh ? 'xywh' : 'xyxy' },
    };
  });
  const classNames: Record<number, string> = {};
  for (const c of categories) classNames[c.id] = c.name;
  return { images, categories, classNames, counts: { images: images.length, backgrounds, boxes, crowd, classes: classSet.size } };
}

export function readCocoDataset(instancesJsonPath: string, options: ReadCocoDatasetOptions = {}): CocoDataset {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(instancesJsonPath, 'utf8'));
  } catch (e) {
    malformed(instancesJsonPath, `not readable json (${(e as Error).message})`);
  }
  return parseCocoDataset(json, instancesJsonPath, options);
}
