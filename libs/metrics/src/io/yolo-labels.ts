// Parsing one YOLO label file (`class xc yc w h` normalised, or `class x1 y1 x2 y2 …` polygons) the way Ultralytics'
// verify_image_label reads it: float32 values; polygons become their bounding box; rows must be non-negative with
// coordinates <= 1; duplicate rows are removed (and the rows then come in np.unique's sorted order).
import { MetricsError } from '../metrics-error';

export interface YoloLabelRows {
  /** Normalised xc, yc, w, h per row (float32 values). */
  readonly xywhn: Float64Array;
  readonly classes: Int32Array;
  readonly duplicatesRemoved: number;
}

function bad(file: string, line: number, why: string): never {
  throw new MetricsError('MALFORMED_LABEL', `${file}:${line}: ${why}`, { file, line });
}

export function parseYoloLabels(text: string, file: string): YoloLabelRows {
  const rows: { line: number; values: number[] }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    const parts = raw.split(/\s+/);
    const values = parts.map((p) => {
      const v = Number(p);
      if (p === '' || !Number.isFinite(v)) bad(file, i + 1, `"${p}" is not a number`);
      return Math.fround(v);
    });
    rows.push({ line: i + 1, values });
  }
  const polygons = rows.some((r) => r.values.length > 6);
  const out: number[][] = [];
  for (const { line, values } of rows) {
    let row: number[];
    if (polygons) {
      const pts = values.length - 1;
      if (pts < 2 || pts % 2 !== 0) bad(file, line, `a polygon row needs an even number of coordinates, got ${pts}`);
      let x0 = Infinity,
        y0 = Infinity,
        x1 = -Infinity,
        y1 = -Infinity;
      for (let k = 1; k < values.length; k += 2) {
        x0 = Math.min(x0, values[k]);
        x1 = Math.max(x1, values[k]);
        y0 = Math.min(y0, values[k + 1]);
        y1 = Math.max(y1, values[k + 1]);
      }
      const f = Math.fround;
      row = [values[0], f(f(x0 + x1) / 2), f(f(y0 + y1) / 2), f(x1 - x0), f(y1 - y0)];
    } else {
      if (values.length !== 5) bad(file, line, `expected 5 columns (class xc yc w h), got ${values.length}`);
      row = values;
    }
    if (!Number.isInteger(row[0])) bad(file, line, `class ${row[0]} is not an integer`);
    if (row.some((v) => v < 0)) bad(file, line, 'negative value');
    if (row.slice(1).some((v) => v > 1)) bad(file, line, 'coordinates must be normalised to [0, 1]');
    out.push(row);
  }
  // np.unique(lb, axis=0): rows sorted lexicographically, duplicates dropped; only applied when there are duplicates
  const sorted = [...out].sort((a, b) => {
    for (let k = 0; k < 5; k++) if (a[k] !== b[k]) return a[k] - b[k];
    return 0;
  });
  const unique = sorted.filter((r, i) => i === 0 || r.some((v, k) => v !== sorted[i - 1][k]));
  const final = unique.length < out.length ? unique : out;
  const classes = new Int32Array(final.length);
  const xywhn = new Float64Array(final.length * 4);
  final.forEach((r, i) => {
    classes[i] = r[0];
    xywhn.set(r.slice(1), 4 * i);
  });
  return { xywhn, classes, duplicatesRemoved: out.length - final.length };
}

/**
 * Row `i` of normalised `xc, yc, w, h` as xyxy pixels of a `width` × `height` image, written at `out[o…o+3]`: the one
 * formula every reader uses (the CLI's dataset reader and the gpu-worker's), so their ground truths are equal bits.
 */
export function yoloRowToXyxy(xywhn: ArrayLike<number>, i: number, width: number, height: number, out: Float64Array, o: number): void {
  const xc = xywhn[4 * i],
    yc = xywhn[4 * i + 1],
    w = xywhn[4 * i + 2],
    h = xywhn[4 * i + 3];
  out[o] = (xc - w / 2) * width;
  out[o + 1] = (yc - h / 2) * height;
  out[o + 2] = (xc + w / 2) * width;
  out[o + 3] = (yc + h / 2) * height;
}
