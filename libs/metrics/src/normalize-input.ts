// Checks one accumulator input and brings it to the two internal forms: xyxy float32 values (Ultralytics, its
// tensors are float32) and xywh float64 values (pycocotools reads COCO's xywh), after the class filter.
import { MetricsError } from './metrics-error';
import type { BoxFormat, DetectionsInput, GroundTruthInput, ImageId, ImageInput } from './types';

export interface NormalizedBoxes {
  /** Original indices kept after the class filter. */
  readonly n: number;
  readonly classes: Int32Array;
  /** xyxy, float32-rounded values. */
  readonly xyxy32: Float32Array;
  /** xywh, float64 (exactly as given when the input was xywh). */
  readonly xywh: Float64Array;
}

export interface NormalizedGt extends NormalizedBoxes {
  readonly crowd: Uint8Array;
  readonly area: Float64Array;
}

export interface NormalizedDt extends NormalizedBoxes {
  readonly scores: Float64Array;
}

function fail(imageId: ImageId, message: string): never {
  throw new MetricsError('INVALID_INPUT', `image ${String(imageId)}: ${message}`, { imageId });
}

function checkImageId(id: unknown): asserts id is ImageId {
  if (!((typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isFinite(id))))
    throw new MetricsError('INVALID_INPUT', `imageId must be a non-empty string or a finite number, got ${String(id)}`);
}

function selectAndConvert(
  imageId: ImageId,
  what: string,
  boxes: ArrayLike<number>,
  classes: ArrayLike<number>,
  format: BoxFormat | undefined,
  keep: ReadonlySet<number> | null,
  extraKeep?: (i: number) => boolean,
): { idx: number[]; classes: Int32Array; xyxy32: Float32Array; xywh: Float64Array } {
  const n = classes.length;
  if (boxes.length !== 4 * n) fail(imageId, `${what}: ${boxes.length} box values for ${n} classes (4 per box expected)`);
  if (format !== undefined && format !== 'xyxy' && format !== 'xywh') fail(imageId, `${what}: unknown box format ${String(format)}`);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = classes[i];
    if (!Number.isInteger(c) || c < 0 || c >= 2 ** 21) fail(imageId, `${what}: class ${c} at ${i} is not an integer in [0, 2^21)`);
    for (let k = 0; k < 4; k++) if (!Number.isFinite(boxes[4 * i + k])) fail(imageId, `${what}: box ${i} has a non-finite value`);
    if (keep && !keep.has(c)) continue;
    if (extraKeep && !extraKeep(i)) continue;
    idx.push(i);
  }
  const m = idx.length;
  const outClasses = new Int32Array(m);
  const xyxy32 = new Float32Array(m * 4);
  const xywh = new Float64Array(m * 4);
  const isXywh = format === 'xywh';
  for (let j = 0; j < m; j++) {
    const i = idx[j];
    outClasses[j] = classes[i];
    const a = boxes[4 * i],
      b = boxes[4 * i + 1],
      c = boxes[4 * i + 2],
      d = boxes[4 * i + 3];
    const o = 4 * j;
    xywh[o] = a;
    xywh[o + 1] = b;
    xywh[o + 2] = isXywh ? c : c - a;
    xywh[o + 3] = isXywh ? d : d - b;
    xyxy32[o] = a;
    xyxy32[o + 1] = b;
    xyxy32[o + 2] = isXywh ? a + c : c;
    xyxy32[o + 3] = isXywh ? b + d : d;
  }
  return { idx, classes: outClasses, xyxy32, xywh };
}

export function normalizeGt(image: ImageInput, keep: ReadonlySet<number> | null, dropCrowd: boolean): NormalizedGt {
  checkImageId(image.imageId);
  const gt: GroundTruthInput | undefined = image.gt;
  if (!gt || !gt.boxes || !gt.classes) fail(image.imageId, 'gt.boxes and gt.classes are required (empty arrays for a background image)');
  const n = gt.classes.length;
  if (gt.iscrowd && gt.iscrowd.length !== n) fail(image.imageId, `gt.iscrowd has ${gt.iscrowd.length} entries for ${n} boxes`);
  if (gt.areas && gt.areas.length !== n) fail(image.imageId, `gt.areas has ${gt.areas.length} entries for ${n} boxes`);
  const isCrowd = (i: number): boolean => !!gt.iscrowd && gt.iscrowd[i] !== 0;
  const sel = selectAndConvert(image.imageId, 'gt', gt.boxes, gt.classes, gt.format, keep, dropCrowd ? (i) => !isCrowd(i) : undefined);
  const m = sel.idx.length;
  const crowd = new Uint8Array(m);
  const area = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const i = sel.idx[j];
    crowd[j] = isCrowd(i) ? 1 : 0;
    area[j] = gt.areas ? gt.areas[i] : sel.xywh[4 * j + 2] * sel.xywh[4 * j + 3];
  }
  return { n: m, classes: sel.classes, xyxy32: sel.xyxy32, xywh: sel.xywh, crowd, area };
}

export function normalizeDt(image: ImageInput, keep: ReadonlySet<number> | null): NormalizedDt {
  const dt: DetectionsInput | undefined = image.dt;
  if (!dt) return { n: 0, classes: new Int32Array(0), xyxy32: new Float32Array(0), xywh: new Float64Array(0), scores: new Float64Array(0) };
  const n = dt.classes.length;
  if (dt.scores.length !== n) fail(image.imageId, `dt.scores has ${dt.scores.length} entries for ${n} classes`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(dt.scores[i])) fail(image.imageId, `dt score ${i} is not finite`);
  const sel = selectAndConvert(image.imageId, 'dt', dt.boxes, dt.classes, dt.format, keep);
  const scores = new Float64Array(sel.idx.length);
  for (let j = 0; j < sel.idx.length; j++) scores[j] = dt.scores[sel.idx[j]];
  return { n: sel.idx.length, classes: sel.classes, xyxy32: sel.xyxy32, xywh: sel.xywh, scores };
}

/** The detections rearranged into `order` (positions in score order): xyxy float32 boxes, classes and `scores`. */
export function detectionsInOrder(dt: NormalizedDt, order: ArrayLike<number>, scores: ArrayLike<number> = dt.scores): { boxes: Float32Array; classes: Int32Array; scores: Float64Array } {
  const n = order.length;
  const out = { boxes: new Float32Array(4 * n), classes: new Int32Array(n), scores: new Float64Array(n) };
  for (let j = 0; j < n; j++) {
    const i = order[j];
    // element by element: a subarray per box would allocate once per detection
    out.boxes[4 * j] = dt.xyxy32[4 * i];
    out.boxes[4 * j + 1] = dt.xyxy32[4 * i + 1];
    out.boxes[4 * j + 2] = dt.xyxy32[4 * i + 2];
    out.boxes[4 * j + 3] = dt.xyxy32[4 * i + 3];
    out.classes[j] = dt.classes[i];
    out.scores[j] = scores[i];
  }
  return out;
}
