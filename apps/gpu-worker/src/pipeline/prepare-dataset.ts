/**
 * Fills the tensor cache for a dataset ahead of its evaluations (`PipelineService.prepareDataset`): the same build an
 * evaluation would start, without a model. Evaluations of that dataset arriving meanwhile follow the build.
 */
import { relative } from 'node:path';
import { WorkerError } from '../errors/worker-error';
import { WorkerThreads } from '../threads/worker-threads';
import { readDataset, type DatasetSpec } from './dataset-reader';
import { configureSharp } from './decode-image';
import type { PadMode } from './letterbox';
import { fingerprintFiles, type TensorCache } from './tensor-cache';

export interface PrepareOptions {
  dataset: DatasetSpec;
  imgsz: number;
  /** `center` for Ultralytics models (YOLOv5/8/11), `top-left` for YOLOX. */
  pad: PadMode;
  datasetDigest?: string;
  tensorCache: TensorCache;
  threads?: WorkerThreads;
}

export interface PrepareResult {
  /** `hit`: it was there already; `built`: built now; `joined`: an evaluation's build, now complete. */
  state: 'hit' | 'built' | 'joined';
  images: number;
  skipped: number;
  seconds: number;
}

export async function prepareDataset(opts: PrepareOptions): Promise<PrepareResult> {
  if (!Number.isInteger(opts.imgsz) || opts.imgsz < 32 || opts.imgsz % 32 !== 0) throw new WorkerError('DATASET_INVALID', `imgsz ${opts.imgsz} must be a positive multiple of 32`);
  configureSharp();
  const started = performance.now();
  const threads = opts.threads ?? WorkerThreads.shared();
  const dataset = readDataset(opts.dataset);
  const files = dataset.items.map((item) => ({ path: item.file, name: relative(opts.dataset.imagesDir, item.file) }));
  const key = { dataset: opts.datasetDigest ?? fingerprintFiles(files), imgsz: opts.imgsz, pad: opts.pad };
  const lease = await opts.tensorCache.open(key, files, (file, size, pad, writeTo) => threads.decode.decode(file, size, pad, writeTo), Math.max(16, 4 * threads.decode.size));
  if (!lease) {
    const bytes = files.length * opts.imgsz * opts.imgsz * 3;
    throw new WorkerError(
      'DATASET_INVALID',
      `cannot cache this dataset now: ${bytes} bytes at imgsz ${opts.imgsz} (cap ${opts.tensorCache.maxBytes}), or the cap is held by entries in use, or another process is building it`,
    );
  }
  try {
    await lease.complete;
    const skipped = lease.entry.records.filter((r) => r && 'skipped' in r).length;
    return { state: lease.state, images: files.length - skipped, skipped, seconds: (performance.now() - started) / 1000 };
  } finally {
    await lease.release();
  }
}
