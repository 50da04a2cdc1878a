/**
 * sharp decode + letterbox throughput over COCO128 (repeated), with the pipeline's own decode window.
 *   node dist/bench/worker-decode.js [--imgsz 640] [--repeat N] [--window N] [--decode-helpers N] [--decode-mode thread|process]
 */
import { cpus } from 'node:os';
import sharp from 'sharp';
import { resolve } from 'node:path';
import { relaunchWithThreadPool } from '../apps/gpu-worker/src/thread-pool-size';
import { configureSharp } from '../apps/gpu-worker/src/pipeline/decode-image';
import { DecodePool } from '../apps/gpu-worker/src/pipeline/decode-pool';
import { DecodeWindow } from '../apps/gpu-worker/src/pipeline/decode-window';
import { repeatDataset } from './worker-dataset';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const option = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
  const imgsz = option('--imgsz', 640);
  const repeat = option('--repeat', 2);
  const window = option('--window', 64);
  const pad = argv.includes('--top-left') ? 'top-left' : 'center';
  configureSharp();
  // Experiment: libvips threads per image (the pipeline uses 1 and gets its parallelism from the libuv pool).
  if (argv.includes('--vips-threads')) sharp.concurrency(option('--vips-threads', 1));
  const data = repeatDataset(resolve('assets/datasets/coco128'), repeat);
  const items = data.images.map((file) => ({ imageId: file, file, groundTruth: () => ({ boxes: new Float64Array(0), classes: new Int32Array(0) }) }));
  // --decode-helpers 0: on this thread; N: the pipeline's pool of N decode helpers (--decode-mode thread|process).
  const threads = option('--decode-helpers', 0);
  const kind = argv.includes('--decode-mode') && argv[argv.indexOf('--decode-mode') + 1] === 'process' ? 'process' : 'thread';
  const pool = threads > 0 ? new DecodePool({ helpers: threads, kind }) : undefined;
  const started = performance.now();
  const decoder = new DecodeWindow(items, imgsz, pad, window, pool ? (f, s, p) => pool.decodePixels(f, s, p) : undefined);
  let n = 0;
  let skipped = 0;
  for (let d = await decoder.next(); d; d = await decoder.next()) {
    if ('skipped' in d) skipped++;
    else n++;
  }
  const seconds = (performance.now() - started) / 1000;
  await pool?.close();
  console.log(
    JSON.stringify({
      bench: 'worker-decode',
      imgsz,
      pad,
      images: n,
      skipped,
      window,
      decodeHelpers: threads,
      decodeMode: kind,
      vipsThreads: sharp.concurrency(),
      uvThreads: Number(process.env.UV_THREADPOOL_SIZE),
      cores: cpus().length,
      imagesPerSecond: Math.round((n / seconds) * 10) / 10,
    }),
  );
}

// The libuv pool size must be in the environment at start (see thread-pool-size.ts).
if (!relaunchWithThreadPool()) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
