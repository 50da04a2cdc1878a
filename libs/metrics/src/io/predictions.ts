// Prediction files for the CLI: COCO results `[{image_id, category_id, bbox: [x, y, w, h], score}]` (kept as xywh)
// or `[{image: "<file stem>", cls, box: [x1, y1, x2, y2], score}]` (0-based YOLO classes), grouped by image in file
// order (the order equal scores keep); plain json or gzipped (the gpu-worker's `predictions.json.gz`).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { MetricsError } from '../metrics-error';
import type { DetectionsInput, ImageId } from '../types';

interface Group {
  boxes: number[];
  scores: number[];
  classes: number[];
}

function malformed(file: string, why: string): never {
  throw new MetricsError('MALFORMED_ANNOTATIONS', `${file}: ${why}`, { file });
}

export function parsePredictions(json: unknown, file: string): Map<ImageId, DetectionsInput> {
  if (!Array.isArray(json)) malformed(file, 'expected a json array of predictions');
  const groups = new Map<ImageId, Group>();
  let format: 'xywh' | 'xyxy' = 'xywh';
  json.forEach((p: Record<string, unknown>, i: number) => {
    const coco = p && 'image_id' in p;
    const id = (coco ? p.image_id : p?.image) as ImageId;
    const box = (coco ? p.bbox : p?.box) as number[];
    const cls = (coco ? p.category_id : p?.cls) as number;
    const score = p?.score as number;
    if ((typeof id !== 'string' && typeof id !== 'number') || !Array.isArray(box) || box.length !== 4 || box.some((v) => !Number.isFinite(v)) || !Number.isInteger(cls) || !Number.isFinite(score))
      malformed(file, `prediction ${i} needs ${coco ? 'image_id, category_id, bbox [x, y, w, h]' : 'image, cls, box [x1, y1, x2, y2]'} and score`);
    format = coco ? 'xywh' : 'xyxy';
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { boxes: [], scores: [], classes: [] }));
    g.boxes.push(box[0], box[1], box[2], box[3]);
    g.scores.push(score);
    g.classes.push(cls);
  });
  const out = new Map<ImageId, DetectionsInput>();
  for (const [id, g] of groups) out.set(id, { boxes: Float64Array.from(g.boxes), scores: Float64Array.from(g.scores), classes: Int32Array.from(g.classes), format });
  return out;
}

export function readPredictions(file: string): Map<ImageId, DetectionsInput> {
  let json: unknown;
  try {
    const bytes = readFileSync(file);
    // gzip's magic number, whatever the file's name.
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    json = JSON.parse(text);
  } catch (e) {
    malformed(file, `not readable json (${(e as Error).message})`);
  }
  return parsePredictions(json, file);
}
