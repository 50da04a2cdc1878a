/**
 * End-to-end evaluation (pixels → infer → NMS → metrics, through `runEvaluation`) against a bare onnxruntime-node
 * loop over the same preprocessed tensors, same graph, provider and batch. Prints JSON lines.
 *   node dist/bench/worker-e2e.js [--model m.onnx] [--ep cpu|cuda] [--batch N] [--repeat N] [--fused|--unfused]
 *        [--cache off|cold|warm] [--cache-dir DIR] [--decode-mode thread|process] [--decode-helpers N] [--cpu-threads N] [--warmup]
 * `hostCpuMsPerImage` is the process's CPU time less the inference thread's, per image: with `--ep cpu
 * --cpu-threads 1` (ORT then runs on that thread alone) it is everything the host does besides inference.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { canFuse, fuseGraph, FUSED_INPUT } from '../apps/gpu-worker/src/models/fuse-graph';
import { decodeModel, inspectModel } from '../apps/gpu-worker/src/models/inspect-model';
import { relaunchWithThreadPool } from '../apps/gpu-worker/src/thread-pool-size';
import { configureSharp, decodeLetterboxed } from '../apps/gpu-worker/src/pipeline/decode-image';
import { sessionOptions } from '../apps/gpu-worker/src/pipeline/session-options';
import { defaultDecode } from '../apps/gpu-worker/src/config/worker-config';
import { TensorCache } from '../apps/gpu-worker/src/pipeline/tensor-cache';
import { WorkerThreads } from '../apps/gpu-worker/src/threads/worker-threads';
import { cpus } from 'node:os';
import type { EvaluationOptions } from '../apps/gpu-worker/src/pipeline/evaluation-types';
import { runEvaluation } from '../apps/gpu-worker/src/pipeline/run-evaluation';
import { toNchwFloat } from '../apps/gpu-worker/src/pipeline/to-nchw';
import { parseWorkerBenchArgs } from './worker-bench-args';
import { repeatDataset } from './worker-dataset';

async function main(): Promise<void> {
  const args = parseWorkerBenchArgs(process.argv.slice(2));
  configureSharp();
  const model = decodeModel(readFileSync(args.model));
  const imgsz = args.imgsz ?? fixedSize(model) ?? 640;
  const spec = inspectModel(model, { imgsz });
  const data = repeatDataset(args.dataset, args.repeat);

  // Warm-up is excluded from the steady rate: it is measured from the progress report after the first 2 batches.
  const marks: { t: number; done: number }[] = [];
  const threads = new WorkerThreads({ helpers: args.decodeHelpers ?? defaultDecode(cpus().length).helpers, kind: args.decodeMode });
  const cacheDir = args.cache === 'off' ? undefined : (args.cacheDir ?? mkdtempSync(join(tmpdir(), 'podium-tensors-')));
  const options: EvaluationOptions = {
    modelPath: args.model,
    dataset: { format: 'YOLO', imagesDir: data.imagesDir, labelsDir: data.labelsDir },
    imgsz,
    conf: 0.001,
    iou: 0.7,
    maxDet: 300,
    batch: args.batch,
    executionProvider: args.ep,
    deviceId: args.deviceId,
    fuse: args.fused,
    cpuThreads: args.cpuThreads,
    threads,
    tensorCache: cacheDir ? new TensorCache(cacheDir, 64 * 1024 ** 3) : null,
    onProgress: (p) => marks.push({ t: performance.now(), done: p.done }),
  };
  if (args.warmup) {
    const once = repeatDataset(args.dataset, 1);
    await runEvaluation({ ...options, tensorCache: null, dataset: { format: 'YOLO', imagesDir: once.imagesDir, labelsDir: once.labelsDir }, onProgress: undefined });
  }
  if (args.cache === 'warm') {
    // The first evaluation builds the entry (as a checkpoint's first evaluation would); the figures are the next one's.
    await runEvaluation(options);
    marks.length = 0;
  }
  const cpuBefore = process.cpuUsage();
  const result = await runEvaluation(options);
  const cpu = process.cpuUsage(cpuBefore);
  await threads.close();
  if (cacheDir && !args.cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  const steady = marks.length > 3 ? (marks.at(-1)!.done - marks[1].done) / ((marks.at(-1)!.t - marks[1].t) / 1000) : result.imagesPerSecond;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const t = result.timings;
  const line: Record<string, unknown> = {
    bench: 'worker-e2e',
    model: args.model.split('/').pop(),
    family: spec.family,
    imgsz,
    ep: result.executionProvider,
    device: result.device,
    cores: cpus().length,
    batch: result.run.batch,
    fused: result.run.fused,
    cache: args.cache,
    inputCache: result.run.inputCache,
    decode: `${result.run.decodeHelpers.count} ${result.run.decodeHelpers.kind}`,
    warmup: args.warmup,
    images: result.imagesEvaluated,
    e2eImagesPerSecond: round(result.imagesPerSecond),
    e2eSteadyImagesPerSecond: round(steady),
    wallSeconds: round(t.wallSeconds, 3),
    inputWaitSeconds: round(t.inputWaitSeconds, 3),
    decodeSeconds: round(t.decodeSeconds, 3),
    cacheReadSeconds: round(t.cacheReadSeconds, 3),
    inferenceSeconds: round(t.inferenceSeconds, 3),
    postSeconds: round(t.postSeconds, 3),
    sessionLoadSeconds: round(t.sessionLoadSeconds, 3),
    // Every thread of the process over the whole evaluation (session load included): × images/s, the cores it kept busy.
    e2eCpuMsPerImage: round(cpuMs / result.imagesEvaluated, 2),
    // Only where ORT works on the inference thread alone: CUDA (one host thread), or the CPU EP with --cpu-threads 1.
    ...(result.run.inferenceThreadCpuSeconds === null || (result.executionProvider === 'CPU' && args.cpuThreads !== 1)
      ? {}
      : { hostCpuMsPerImage: round((cpuMs - result.run.inferenceThreadCpuSeconds * 1000) / result.imagesEvaluated, 2) }),
    map50: round(result.map50, 4),
    map50_95: round(result.map50_95, 4),
    ...(result.fallbackReason ? { fallbackReason: result.fallbackReason } : {}),
  };
  if (args.bare) {
    const bare = await bareLoop(args.model, model, spec, data.images, result.run.batch, result.executionProvider, args.deviceId, result.run.fused, args.cpuThreads);
    line.bareImagesPerSecond = round(bare);
    line.e2eOverBare = round(steady / bare, 3);
  }
  console.log(JSON.stringify(line));
}

/** session.run back to back over tensors prepared beforehand: the ceiling the pipeline is measured against. */
async function bareLoop(
  modelPath: string,
  model: ReturnType<typeof decodeModel>,
  spec: ReturnType<typeof inspectModel>,
  images: string[],
  batch: number,
  provider: 'CUDA' | 'CPU',
  deviceId: number,
  fused: boolean,
  cpuThreads: number | undefined,
): Promise<number> {
  const size = spec.imgsz;
  const unique = [...new Set(images.map((f) => realpathSync(f)))];
  const decoded = await Promise.all(unique.map((f) => decodeLetterboxed(f, size, spec.preprocess.pad)));
  const tensors: ort.Tensor[] = [];
  for (let i = 0; i + batch <= decoded.length; i += batch) {
    const pixels = new Uint8Array(batch * size * size * 3);
    decoded.slice(i, i + batch).forEach((d, k) => pixels.set(d.pixels, k * size * size * 3));
    tensors.push(fused ? new ort.Tensor('uint8', pixels, [batch, size, size, 3]) : new ort.Tensor('float32', toNchwFloat(pixels, batch, size, spec.preprocess), [batch, 3, size, size]));
  }
  const bytes = fused && canFuse(model) ? fuseGraph(model, spec, { candidatesAbove: 0.001 }) : readFileSync(modelPath);
  // The pipeline's own session options for this provider (one ORT host thread, no spinning, on CUDA).
  const session = await ort.InferenceSession.create(bytes, sessionOptions(provider, { deviceId, cpuThreads }));
  const inputName = fused ? FUSED_INPUT : spec.inputName;
  for (let w = 0; w < 3; w++) await session.run({ [inputName]: tensors[w % tensors.length] });
  const rounds = Math.max(1, Math.round(images.length / unique.length));
  const started = performance.now();
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    for (const t of tensors) {
      const out = await session.run({ [inputName]: t });
      // Read the outputs as a consumer would (they are already host tensors on both providers).
      for (const v of Object.values(out)) void v.data.length;
      n += batch;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await session.release();
  return n / seconds;
}

function fixedSize(model: ReturnType<typeof decodeModel>): number | undefined {
  const dim = model.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.[2]?.dimValue;
  return dim ? Number(dim) : undefined;
}

function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

// The libuv pool size must be in the environment at start (see thread-pool-size.ts).
if (!relaunchWithThreadPool()) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
