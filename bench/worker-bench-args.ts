/** Command-line options shared by the worker benchmarks. */
import { resolve } from 'node:path';

export interface WorkerBenchArgs {
  model: string;
  imgsz?: number;
  ep: 'CPU' | 'CUDA' | 'AUTO';
  batch?: number;
  repeat: number;
  fused: boolean;
  dataset: string;
  bare: boolean;
  deviceId: number;
  cpuThreads?: number;
  /** Decode helpers: how many (default: the worker's) and threads or processes. */
  decodeHelpers?: number;
  decodeMode: 'thread' | 'process';
  /**
   * The tensor cache (in a fresh temporary folder): `cold` measures the evaluation that builds it (empty cache),
   * `warm` the one after it (every image read back); `off` decodes (no cache).
   */
  cache: 'off' | 'cold' | 'warm';
  /** Keep the tensor cache in this folder (kept afterwards; a filled one makes the first pass a hit too). */
  cacheDir?: string;
  /**
   * Evaluate the dataset once (one copy, no cache) before the measured evaluation, as a running worker has done
   * before its next job: its decode and post-processing threads are then started and their JIT warm.
   */
  warmup: boolean;
}

export function parseWorkerBenchArgs(argv: string[]): WorkerBenchArgs {
  // Run from the repo root (on the GPU machine dist/ is a symlink, so __dirname is elsewhere).
  const root = process.cwd();
  const args: WorkerBenchArgs = {
    model: `${root}/assets/models/yolov8n_fp32_dynamic.onnx`,
    ep: 'AUTO',
    repeat: 1,
    fused: true,
    dataset: `${root}/assets/datasets/coco128`,
    bare: true,
    deviceId: 0,
    decodeMode: 'thread',
    cache: 'off',
    warmup: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    if (flag === '--model') args.model = resolve(value());
    else if (flag === '--imgsz') args.imgsz = Number(value());
    else if (flag === '--ep') args.ep = value().toUpperCase() as WorkerBenchArgs['ep'];
    else if (flag === '--batch') args.batch = Number(value());
    else if (flag === '--repeat') args.repeat = Number(value());
    else if (flag === '--fused') args.fused = true;
    else if (flag === '--unfused') args.fused = false;
    else if (flag === '--dataset') args.dataset = resolve(value());
    else if (flag === '--no-bare') args.bare = false;
    else if (flag === '--device-id') args.deviceId = Number(value());
    else if (flag === '--cpu-threads') args.cpuThreads = Number(value());
    else if (flag === '--decode-helpers') args.decodeHelpers = Number(value());
    else if (flag === '--decode-mode') args.decodeMode = value() === 'process' ? 'process' : 'thread';
    else if (flag === '--cache') args.cache = value() as WorkerBenchArgs['cache'];
    else if (flag === '--cache-dir') args.cacheDir = resolve(value());
    else if (flag === '--warmup') args.warmup = true;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!['off', 'cold', 'warm'].includes(args.cache)) throw new Error(`--cache must be off, cold or warm, got ${args.cache}`);
  return args;
}
