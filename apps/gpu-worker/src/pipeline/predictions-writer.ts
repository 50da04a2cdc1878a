/**
 * The evaluation's detections as a COCO results file, gzipped: `[{image_id, category_id, bbox: [x, y, w, h], score}]`
 * in original-image pixels, after NMS at the job's IoU (the detections its metrics are computed from), in the order
 * they were evaluated. Numbers are written in full (a float32 box or score prints as the shortest text that reads
 * back to the same double; `w` is `x2 − x1` in double), so `npm run metrics` on this file gives the evaluation's
 * numbers exactly. Ids: see `PredictionIds` (dataset-reader.ts). Written to `<path>.part`, renamed when complete.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { PredictionIds } from './dataset-reader';
import type { Detections } from './metrics-adapter';

export interface PredictionsTarget {
  path: string;
  ids: PredictionIds;
}

export class PredictionsWriter {
  // Level 1: the file is written once and read rarely; the host's CPU is what bounds a GPU evaluation.
  private readonly gzip = createGzip({ level: 1 });
  private readonly written: Promise<void>;
  private first = true;

  constructor(private readonly target: PredictionsTarget) {
    this.written = pipeline(this.gzip, createWriteStream(partPath(target.path)));
    this.written.catch(() => undefined);
    this.gzip.write('[');
  }

  add(imageId: string, dt: Detections): void {
    const id = this.target.ids.numericImageIds ? imageId : JSON.stringify(imageId);
    const categories = this.target.ids.categoryIds;
    let text = '';
    for (let i = 0; i < dt.scores.length; i++) {
      const x1 = dt.boxes[4 * i],
        y1 = dt.boxes[4 * i + 1];
      const category = categories ? categories[dt.classes[i]] : dt.classes[i];
      text += `${this.first ? '' : ','}\n{"image_id":${id},"category_id":${category},"bbox":[${x1},${y1},${dt.boxes[4 * i + 2] - x1},${dt.boxes[4 * i + 3] - y1}],"score":${dt.scores[i]}}`;
      this.first = false;
    }
    if (text) this.gzip.write(text);
  }

  /** Completes the file and puts it in place. */
  async close(): Promise<string> {
    this.gzip.end('\n]\n');
    await this.written;
    await rename(partPath(this.target.path), this.target.path);
    return this.target.path;
  }

  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.written.catch(() => undefined);
    await rm(partPath(this.target.path), { force: true });
  }
}

export const partPath = (path: string) => `${path}.part`;
