/**
 * One evaluation: dataset → sharp decode + letterbox (libuv pool, ahead of inference) → batches of uint8 pixels →
 * ORT session in a worker_thread (fused graph: candidates out) → NMS + metrics in a second worker_thread.
 * The three stages overlap; the event loop here only moves buffers.
 */
import { readFileSync } from 'node:fs';
import { WorkerError } from '../errors/worker-error';
import { canFuse, fuseGraph, FUSED_INPUT, FUSED_OUTPUTS } from '../models/fuse-graph';
import { decodeModel, inspectModel } from '../models/inspect-model';
import type { ModelSpec } from '../models/model-family';
import { readDataset, type Dataset } from './dataset-reader';
import { configureSharp } from './decode-image';
import { DecodePool } from './decode-pool';
import { DecodeWindow } from './decode-window';
import { cpuCores, cpuModel, gpuInfo } from './device-info';
import { toSweepPoint, type EvaluationOptions, type EvaluationResult } from './evaluation-types';
import type { OutputTensor } from './inference-protocol';
import { openSession } from './open-session';
import type { BatchImage, BatchOutputs } from './post-processor';
import { PostShards, type PostResult } from './post-shards';
import { workerMetrics } from '../observability/worker-metrics';

const DEFAULT_BATCH = { CUDA: 32, CPU: 4 } as const;
/** Batches queued at the inference thread: one running, one ready, so the GPU never waits for the host. */
const INFERENCE_IN_FLIGHT = 2;
const POST_IN_FLIGHT = 4;

/** Decode threads when the job does not say: they only drive sharp, whose work runs on the libuv pool. */
export function defaultDecodeThreads(): number {
  return Math.min(6, Math.max(1, Math.round(cpuCores() / 4)));
}

export async function runEvaluation(opts: EvaluationOptions): Promise<EvaluationResult> {
  validateOptions(opts);
  configureSharp();
  const modelFile = readModelFile(opts.modelPath);
  const model = decodeModel(modelFile, opts.modelPath);
  const spec = inspectModel(model, { imgsz: opts.imgsz, family: opts.family ?? 'auto' });
  const dataset = readDataset(opts.dataset);
  checkClasses(spec, dataset, opts.classes);

  const fused = opts.fuse !== false && canFuse(model);
  const modelBytes = fused ? fuseGraph(model, spec, { candidatesAbove: opts.conf }) : modelFile;
  const loadStarted = performance.now();
  const session = await openSession(opts.executionProvider, {
    modelBytes,
    deviceId: opts.deviceId ?? 0,
    inputName: fused ? FUSED_INPUT : spec.inputName,
    hostPreprocess: fused ? undefined : { channels: spec.preprocess.channels, scale: spec.preprocess.scale },
    hostCandidates: fused ? undefined : { outputName: spec.outputName, layout: spec.layout, conf: opts.conf },
    // On a many-core CPU, ORT's threads straggle when decoding and NMS threads preempt them: leave those some cores.
    cpuThreads: opts.cpuThreads ?? (cpuCores() >= 8 ? cpuCores() - 4 : undefined),
  });
  const sessionLoadSeconds = (performance.now() - loadStarted) / 1000;
  workerMetrics.provider(session.provider);
  const batch = spec.fixedBatch ?? Math.max(1, opts.batch ?? DEFAULT_BATCH[session.provider]);
  // Padding the last batch keeps one input shape on CUDA (a new shape re-tunes cuDNN); on CPU it is wasted work.
  const padLastBatch = spec.fixedBatch !== null || session.provider === 'CUDA';

  let post: PostShards | undefined;
  try {
    // Shared by the process's evaluations: threads start once (see decode-pool.ts).
    const decodePool = DecodePool.shared(opts.decodeThreads ?? defaultDecodeThreads());
    post = await PostShards.start({
      family: spec.family,
      layout: spec.layout,
      imgsz: spec.imgsz,
      conf: opts.conf,
      iou: opts.iou,
      maxDet: opts.maxDet,
      classes: opts.classes,
      classNames: dataset.classNames ?? spec.classNames,
    });
    const loop = await evaluateLoop(opts, spec, dataset, batch, padLastBatch, session.client, post, decodePool);
    const postResult = await post.finish();
    const wallSeconds = (performance.now() - loop.started) / 1000;
    workerMetrics.evaluated({ postSeconds: post.busySeconds, imagesPerSecond: loop.evaluated / Math.max(wallSeconds, 1e-9) });
    return assemble(postResult, {
      opts,
      spec,
      fused,
      batch,
      provider: session.provider,
      fallbackReason: session.fallbackReason,
      evaluated: loop.evaluated,
      skipped: loop.skipped,
      wallSeconds,
      sessionLoadSeconds,
      inferenceSeconds: loop.inferenceMs / 1000,
      postSeconds: post.busySeconds,
    });
  } finally {
    await Promise.all([session.client.close(), post?.close()]);
  }
}

async function evaluateLoop(
  opts: EvaluationOptions,
  spec: ModelSpec,
  dataset: Dataset,
  batch: number,
  padLastBatch: boolean,
  inference: Awaited<ReturnType<typeof openSession>>['client'],
  post: PostShards,
  decodePool: DecodePool,
) {
  const size = spec.imgsz;
  const imageBytes = size * size * 3;
  const total = dataset.items.length;
  opts.decodedCache?.startPass();
  const decoder = new DecodeWindow(dataset.items, size, spec.preprocess.pad, Math.max(16, 2 * batch), (f, s, p) => decodePool.decode(f, s, p), opts.decodedCache ?? undefined);
  const skipped: { file: string; reason: string }[] = [];
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  let evaluated = 0;
  let inferenceMs = 0;
  let failure: unknown;
  // Input buffers come back from the inference thread with each result and are refilled (see inference-thread.ts).
  const freeBuffers: Uint8Array[] = [];
  const batchBuffer = (bytes: number) => {
    const reused = freeBuffers.pop();
    return reused?.byteLength === bytes ? reused : new Uint8Array(bytes);
  };

  for (let end = false; !end; ) {
    if (opts.signal?.aborted) break;
    const images: BatchImage[] = [];
    const pixels: Uint8Array[] = [];
    const decodeStarted = performance.now();
    while (images.length < batch) {
      const next = await decoder.next();
      if (!next) {
        end = true;
        break;
      }
      if ('skipped' in next) {
        skipped.push({ file: next.item.file, reason: next.skipped });
        continue;
      }
      const { image, item } = next;
      images.push({ imageId: item.imageId, width: image.width, height: image.height, letterbox: image.letterbox, gt: item.groundTruth(image.width, image.height) });
      pixels.push(image.pixels);
    }
    if (images.length === 0) break;
    const decodeMs = performance.now() - decodeStarted;
    const feedBatch = padLastBatch ? batch : images.length;
    // A refilled buffer holds an earlier batch past `images.length`: padding images are ignored downstream.
    const buffer = batchBuffer(feedBatch * imageBytes);
    pixels.forEach((p, i) => buffer.set(p, i * imageBytes));
    const task = inference
      .run(buffer, feedBatch, size, images.length)
      .catch((error: Error) => {
        throw new WorkerError('MODEL_INVALID', `inference failed: ${error.message}`);
      })
      .then(({ outputs, runMs, pixels: returned }) => {
        freeBuffers.push(returned);
        inferenceMs += runMs;
        workerMetrics.batch({ images: images.length, decodeMs, inferenceMs: runMs });
        post.add(images, toBatchOutputs(outputs));
        evaluated += images.length;
        const seconds = (performance.now() - started) / 1000;
        const rate = evaluated / Math.max(seconds, 1e-9);
        const remaining = total - evaluated - skipped.length;
        opts.onProgress?.({ done: evaluated + skipped.length, total, imagesPerSecond: rate, etaSeconds: rate > 0 ? remaining / rate : 0 });
      });
    task.catch((error) => (failure ??= error));
    inFlight.push(task);
    if (inFlight.length >= INFERENCE_IN_FLIGHT) await inFlight.shift()!.catch(() => undefined);
    if (failure) break;
    await post.drainTo(POST_IN_FLIGHT);
  }
  await Promise.allSettled(inFlight);
  if (failure) throw failure;
  if (opts.signal?.aborted) throw new WorkerError('CANCELLED', `evaluation cancelled after ${evaluated} of ${total} images`);
  if (evaluated === 0) throw new WorkerError('DATASET_INVALID', `none of the ${total} images could be decoded (first: ${skipped[0]?.file}: ${skipped[0]?.reason})`);
  return { started, evaluated, skipped, inferenceMs };
}

/** Both paths deliver candidates: the fused graph computes them, the inference thread extracts them otherwise. */
function toBatchOutputs(outputs: Record<string, OutputTensor>): BatchOutputs {
  return {
    indices: outputs[FUSED_OUTPUTS.indices].data as Int32Array,
    scores: outputs[FUSED_OUTPUTS.scores].data as Float32Array,
    boxes: outputs[FUSED_OUTPUTS.boxes].data as Float32Array,
  };
}

function assemble(
  post: PostResult,
  ctx: {
    opts: EvaluationOptions;
    spec: ModelSpec;
    fused: boolean;
    batch: number;
    provider: 'CUDA' | 'CPU';
    fallbackReason?: string;
    evaluated: number;
    skipped: { file: string; reason: string }[];
    wallSeconds: number;
    sessionLoadSeconds: number;
    inferenceSeconds: number;
    postSeconds: number;
  },
): EvaluationResult {
  const u = post.ultralytics;
  const stats = (post.coco.stats ?? {}) as Record<string, number>;
  const thresholdSweep = post.thresholdSweep.map((s) => ({ iou: s.iou, points: s.points.map(toSweepPoint) }));
  const bestOperatingPoint = thresholdSweep
    .flatMap((s) => s.points.map((p) => ({ iou: s.iou, ...p })))
    .reduce((best, p) => (p.f1 > best.f1 ? p : best));
  return {
    map50: u.map50,
    map50_95: u.map50_95,
    map75: u.map75,
    precision: u.precision,
    recall: u.recall,
    f1: u.f1,
    bestConfidence: u.bestConfidence,
    fitness: u.fitness,
    perClass: u.perClass,
    coco: { ap: stats.ap ?? post.coco.map50_95, ap50: stats.ap50 ?? post.coco.map50, ap75: stats.ap75 ?? post.coco.map75, ar100: stats.ar100, stats },
    thresholdSweep,
    bestOperatingPoint,
    operatingPointAtConf: toSweepPoint(post.atConf),
    prCurve: u.prCurve,
    f1Curve: u.f1Curve,
    executionProvider: ctx.provider,
    device: ctx.provider === 'CUDA' ? (gpuInfo(ctx.opts.deviceId ?? 0)?.name ?? `CUDA device ${ctx.opts.deviceId ?? 0}`) : cpuModel(),
    ...(ctx.fallbackReason ? { fallbackReason: ctx.fallbackReason } : {}),
    imagesPerSecond: ctx.evaluated / ctx.wallSeconds,
    imagesEvaluated: ctx.evaluated,
    skippedImages: ctx.skipped.length,
    skipped: ctx.skipped,
    run: {
      family: ctx.spec.family,
      fused: ctx.fused,
      batch: ctx.batch,
      imgsz: ctx.spec.imgsz,
      wallSeconds: ctx.wallSeconds,
      sessionLoadSeconds: ctx.sessionLoadSeconds,
      inferenceSeconds: ctx.inferenceSeconds,
      postSeconds: ctx.postSeconds,
    },
  };
}

function readModelFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new WorkerError('MODEL_INVALID', `cannot read model file ${path}: ${(error as Error).message}`);
  }
}

function validateOptions(opts: EvaluationOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(opts.imgsz) || opts.imgsz < 32 || opts.imgsz % 32 !== 0) problems.push(`imgsz ${opts.imgsz} must be a positive multiple of 32`);
  if (!(opts.conf >= 0 && opts.conf < 1)) problems.push(`conf ${opts.conf} must be in [0, 1)`);
  if (!(opts.iou > 0 && opts.iou <= 1)) problems.push(`iou ${opts.iou} must be in (0, 1]`);
  if (!Number.isInteger(opts.maxDet) || opts.maxDet < 1) problems.push(`maxDet ${opts.maxDet} must be a positive integer`);
  if (opts.batch !== undefined && (!Number.isInteger(opts.batch) || opts.batch < 1)) problems.push(`batch ${opts.batch} must be a positive integer`);
  if (problems.length) throw new WorkerError('DATASET_INVALID', `invalid evaluation settings: ${problems.join('; ')}`);
}

function checkClasses(spec: ModelSpec, dataset: Dataset, classes?: number[]): void {
  const n = dataset.numClasses;
  if (dataset.numClassesIsLowerBound ? n > spec.numClasses : n !== spec.numClasses) {
    const what = dataset.numClassesIsLowerBound ? `labels use class index ${n - 1}` : `the dataset has ${n} classes`;
    throw new WorkerError('MODEL_INCOMPATIBLE', `class count mismatch: the model predicts ${spec.numClasses} classes but ${what}`);
  }
  const bad = (classes ?? []).filter((c) => !Number.isInteger(c) || c < 0 || c >= spec.numClasses);
  if (bad.length) throw new WorkerError('MODEL_INCOMPATIBLE', `classes ${bad.join(', ')} are outside the model's ${spec.numClasses} classes`);
}
