/** Turns candidates' raw box channels into xyxy boxes in model-input pixels, per family. */
import type { Candidates } from './candidates';
import type { ModelFamily } from './model-family';

const YOLOX_STRIDES = [8, 16, 32] as const;

/** YOLOX anchors: stride 8, then 16, then 32, each grid row-major; 3 values (gx, gy, stride) per anchor. */
export function yoloxGrid(imgsz: number): Float32Array {
  const cells = YOLOX_STRIDES.reduce((n, s) => n + (imgsz / s) * (imgsz / s), 0);
  const grid = new Float32Array(cells * 3);
  let k = 0;
  for (const stride of YOLOX_STRIDES) {
    const side = imgsz / stride;
    for (let gy = 0; gy < side; gy++) {
      for (let gx = 0; gx < side; gx++) {
        grid[k++] = gx;
        grid[k++] = gy;
        grid[k++] = stride;
      }
    }
  }
  return grid;
}

export function yoloxAnchorCount(imgsz: number): number {
  return YOLOX_STRIDES.reduce((n, s) => n + Math.floor(imgsz / s) ** 2, 0);
}

export function decodeBoxes(candidates: Candidates, family: ModelFamily, imgsz: number): Float32Array {
  const out = new Float32Array(candidates.count * 4);
  const raw = candidates.raw;
  if (family === 'yolox') {
    const grid = yoloxGrid(imgsz);
    for (let k = 0; k < candidates.count; k++) {
      const g = 3 * candidates.anchor[k];
      const stride = grid[g + 2];
      const cx = (raw[4 * k] + grid[g]) * stride;
      const cy = (raw[4 * k + 1] + grid[g + 1]) * stride;
      const w = Math.exp(raw[4 * k + 2]) * stride;
      const h = Math.exp(raw[4 * k + 3]) * stride;
      writeXyxy(out, k, cx, cy, w, h);
    }
    return out;
  }
  // YOLOv8/11 and YOLOv5/7 exports already decode to cx, cy, w, h in input pixels.
  for (let k = 0; k < candidates.count; k++) {
    writeXyxy(out, k, raw[4 * k], raw[4 * k + 1], raw[4 * k + 2], raw[4 * k + 3]);
  }
  return out;
}

function writeXyxy(out: Float32Array, k: number, cx: number, cy: number, w: number, h: number): void {
  out[4 * k] = cx - w / 2;
  out[4 * k + 1] = cy - h / 2;
  out[4 * k + 2] = cx + w / 2;
  out[4 * k + 3] = cy + h / 2;
}
