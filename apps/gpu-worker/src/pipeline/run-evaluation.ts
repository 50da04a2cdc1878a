/**
 * One evaluation: dataset → pixels (read from the tensor cache, or decoded + letterboxed by the decode helpers, a
 * window ahead) → batches of uint8 pixels → ORT session in an inference thread (fused graph: candidates out) → NMS +
 * metrics in post-processing threads. The stages overlap: while batch n runs, batch n+1's pixels are read or decoded
 * and batch n−1 is in post-processing; the event loop here only moves buffers.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { relative } from 'node:path';
import { WorkerError } from '../errors/worker-error';
import { canFuse, fuseGraph, FUSED_INPUT, FUSED_OUTPUTS } from '../models/fuse-graph';
import { decodeModel, inspectModel } from '../models/inspect-model';
import type { ModelSpec } from '../models/model-family';
import { WorkerThreads } from '../threads/worker-threads';
import { assembleResult } from './assemble-result';
import { readDataset, type Dataset } from './dataset-reader';
import { configureSharp } from './decode-image';
import { DecodeWindow } from './decode-window';
import type { PadMode } from './letterbox';
import { cpuCores } from './device-info';
import type { EvaluationOptions, EvaluationResult, EvaluationTimings } from './evaluation-types';
import type { OutputTensor } from './inference-protocol';
import { CacheSource, DecodeSource, type InputSource } from './input-source';
import { openSession } from './open-session';
import type { BatchOutputs } from './post-processor';
import { partPath } from './predictions-writer';
import { PostShards } from './post-shards';
import { fingerprintFiles } from './tensor-cache';
import { workerMetrics } from '../observability/worker-metrics';

const DEFAULT_BATCH = { CUDA: 32, CPU: 4 } as const;
/** Batches queued at the inference thread: one running, one ready, so the GPU never waits for the host. */
const INFERENCE_IN_FLIGHT = 2;
const POST_IN_FLIGHT = 4;

export async function runEvaluation(opts: EvaluationOptions): Promise<EvaluationResult> {
  validateOptions(opts);
  configureSharp();
  const threads = opts.threads ?? WorkerThreads.shared();
  const modelFile = readModelFile(opts.modelPath);
  const model = decodeModel(modelFile, opts.modelPath);
  const spec = inspectModel(model, { imgsz: opts.imgsz, family: opts.family ?? 'auto' });
  const dataset = readDataset(opts.dataset);
  checkClasses(spec, dataset, opts.classes);

  const fused = opts.fuse !== false && canFuse(model);
  const modelBytes = fused ? fuseGraph(model, spec, { candidatesAbove: opts.conf }) : modelFile;
  const loadStarted = performance.now();
  const session = await openSession(threads.inference, opts.executionProvider, {
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
  let input: Awaited<ReturnType<typeof openInput>> | undefined;
  try {
    post = await PostShards.start(threads.post, {
      family: spec.family,
      layout: spec.layout,
      imgsz: spec.imgsz,
      conf: opts.conf,
      iou: opts.iou,
      maxDet: opts.maxDet,
      classes: opts.classes,
      classNames: dataset.classNames ?? spec.classNames,
      predictions: opts.predictionsPath ? { path: opts.predictionsPath, ids: dataset.predictionIds } : undefined,
    });
    input = await openInput(opts, spec, dataset, threads, batch);
    const loop = await evaluateLoop(opts, spec, dataset.items.length, batch, padLastBatch, session.client, post, input.source, sessionLoadSeconds);
    const postResult = await post.finish();
    await session.client.close();
    const timings = { ...loop.timings(), wallSeconds: (performance.now() - loop.started) / 1000, postSeconds: post.busySeconds };
    workerMetrics.evaluated({ postSeconds: post.busySeconds, imagesPerSecond: loop.evaluated / Math.max(timings.wallSeconds, 1e-9) });
    return assembleResult(postResult, {
      opts,
      provider: session.provider,
      fallbackReason: session.fallbackReason,
      evaluated: loop.evaluated,
      skipped: loop.skipped,
      timings,
      run: {
        family: spec.family,
        fused,
        batch,
        imgsz: spec.imgsz,
        inputCache: input.cache,
        decodeHelpers: { kind: threads.decode.kind, count: threads.decode.size },
        inferenceThreadCpuSeconds: session.client.threadCpuMs === null ? null : session.client.threadCpuMs / 1000,
      },
    });
  } catch (error) {
    if (opts.predictionsPath) await rm(partPath(opts.predictionsPath), { force: true });
    throw error;
  } finally {
    await Promise.all([session.client.close(), post?.close(), input?.source.close()]);
  }
}

/** The tensor cache's entry for this dataset when there is a cache and the dataset fits; decoding otherwise. */
async function openInput(opts: EvaluationOptions, spec: ModelSpec, dataset: Dataset, threads: WorkerThreads, batch: number) {
  const size = spec.imgsz;
  const pad = spec.preprocess.pad;
  const decode = (file: string, s: number, p: PadMode) => threads.decode.decodePixels(file, s, p);
  if (opts.tensorCache) {
    const files = dataset.items.map((item) => ({ path: item.file, name: relative(opts.dataset.imagesDir, item.file) }));
    const key = { dataset: opts.datasetDigest ?? fingerprintFiles(files), imgsz: size, pad };
    // Every helper kept busy (4 images each in flight), and at least two batches ahead.
    const lease = await opts.tensorCache.open(key, files, (file, s, p, writeTo) => threads.decode.decode(file, s, p, writeTo), Math.max(16, 2 * batch, 4 * threads.decode.size));
    if (lease) return { source: new CacheSource(lease, dataset.items, size, pad, decode) as InputSource, cache: lease.state };
  }
  const window = new DecodeWindow(dataset.items, size, pad, Math.max(16, 2 * batch), decode);
  return { source: new DecodeSource(window, size * size * 3) as InputSource, cache: 'off' as const };
}

async function evaluateLoop(
  opts: EvaluationOptions,
  spec: ModelSpec,
  total: number,
  batch: number,
  padLastBatch: boolean,
  inference: Awaited<ReturnType<typeof openSession>>['client'],
  post: PostShards,
  input: InputSource,
  sessionLoadSeconds: number,
) {
  const size = spec.imgsz;
  const imageBytes = size * size * 3;
  const skipped: { file: string; reason: string }[] = [];
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  let evaluated = 0;
  let inferenceMs = 0;
  let inputWaitMs = 0;
  let failure: unknown;
  const timings = (): Omit<EvaluationTimings, 'wallSeconds' | 'postSeconds'> => ({
    sessionLoadSeconds,
    inputWaitSeconds: inputWaitMs / 1000,
    decodeSeconds: input.timings.decodeMs / 1000,
    cacheReadSeconds: input.timings.cacheReadMs / 1000,
    inferenceSeconds: inferenceMs / 1000,
  });
  // Input buffers come back from the inference thread with each result and are refilled (see inference-thread.ts).
  const freeBuffers: ArrayBuffer[] = [];
  const batchBuffer = () => new Uint8Array(freeBuffers.pop() ?? new ArrayBuffer(batch * imageBytes));

  while (!opts.signal?.aborted) {
    const buffer = batchBuffer();
    const waitStarted = performance.now();
    const filled = await input.fill(buffer, batch);
    const decodeMs = performance.now() - waitStarted;
    inputWaitMs += decodeMs;
    if (!filled) break;
    skipped.push(...filled.skipped);
    if (filled.images.length === 0) {
      freeBuffers.push(buffer.buffer as ArrayBuffer);
      continue;
    }
    const images = filled.images.map(({ item, width, height, letterbox }) => ({ imageId: item.imageId, width, height, letterbox, gt: item.groundTruth(width, height) }));
    const feedBatch = padLastBatch ? batch : images.length;
    // A refilled buffer holds an earlier batch past `images.length`: padding images are ignored downstream.
    const pixels = feedBatch === batch ? buffer : buffer.subarray(0, feedBatch * imageBytes);
    const task = inference
      .run(pixels, feedBatch, size, images.length)
      .catch((error: Error) => {
        throw new WorkerError('MODEL_INVALID', `inference failed: ${error.message}`);
      })
      .then(({ outputs, runMs, pixels: returned }) => {
        freeBuffers.push(returned.buffer as ArrayBuffer);
        inferenceMs += runMs;
        workerMetrics.batch({ images: images.length, decodeMs, inferenceMs: runMs });
        post.add(images, toBatchOutputs(outputs));
        evaluated += images.length;
        const seconds = (performance.now() - started) / 1000;
        const rate = evaluated / Math.max(seconds, 1e-9);
        const remaining = total - evaluated - skipped.length;
        opts.onProgress?.({
          done: evaluated + skipped.length,
          total,
          imagesPerSecond: rate,
          etaSeconds: rate > 0 ? remaining / rate : 0,
          timings: { ...timings(), wallSeconds: seconds, postSeconds: post.busySeconds },
        });
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
  return { started, evaluated, skipped, timings };
}

/** Both paths deliver candidates: the fused graph computes them, the inference thread extracts them otherwise. */
function toBatchOutputs(outputs: Record<string, OutputTensor>): BatchOutputs {
  return {
    indices: outputs[FUSED_OUTPUTS.indices].data as Int32Array,
    scores: outputs[FUSED_OUTPUTS.scores].data as Float32Array,
    boxes: outputs[FUSED_OUTPUTS.boxes].data as Float32Array,
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
