/**
 * Inference helper (a worker thread): owns one onnxruntime session at a time, so `session.run` never blocks the
 * pipeline's event loop. The thread outlives the session: `release` frees it and the next evaluation sends `init`.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { candidatesFromOutput } from '../models/candidates';
import { FUSED_OUTPUTS } from '../models/fuse-graph';
import { serve, withTransfer } from '../threads/serve';
import type { InferenceInit, InferenceReply, InferenceRequest, InferenceResult, InferenceRun, OutputTensor } from './inference-protocol';
import { quietOrtLog } from './ort-log';
import { sessionOptions } from './session-options';
import { toNchwFloat } from './to-nchw';

let session: ort.InferenceSession | undefined;
let init: InferenceInit | undefined;
let cpuAtInit: number | null = null;

serve<InferenceRequest, InferenceReply>(async (request) => {
  if (request.type === 'init') {
    quietOrtLog();
    cpuAtInit = threadCpuMs();
    await session?.release();
    session = undefined;
    init = request.init;
    session = await ort.InferenceSession.create(request.init.modelBytes, sessionOptions(request.init.provider, request.init));
    return {};
  }
  if (request.type === 'release') {
    await session?.release();
    session = undefined;
    init = undefined;
    const now = threadCpuMs();
    return { threadCpuMs: now === null || cpuAtInit === null ? null : now - cpuAtInit };
  }
  if (!session || !init) throw new Error('inference thread: run before init');
  return run(session, init, request.run);
});

async function run(session: ort.InferenceSession, init: InferenceInit, request: InferenceRun) {
  const { batch, imgsz } = request;
  const feed = init.hostPreprocess
    ? new ort.Tensor('float32', toNchwFloat(request.pixels, batch, imgsz, init.hostPreprocess), [batch, 3, imgsz, imgsz])
    : new ort.Tensor('uint8', request.pixels, [batch, imgsz, imgsz, 3]);
  const started = performance.now();
  const results = await session.run({ [init.inputName]: feed });
  const runMs = performance.now() - started;
  const outputs: Record<string, OutputTensor> = {};
  const transfer: ArrayBuffer[] = [];
  const host = init.hostCandidates;
  if (host) {
    const full = results[host.outputName];
    const c = candidatesFromOutput(full.data as Float32Array, full.dims, host.layout, host.conf, request.images);
    // The fused graph's format: NonZero's column order over the score tensor of this layout.
    const indices = new Int32Array(c.count * 3);
    for (let k = 0; k < c.count; k++) {
      indices[3 * k] = c.image[k];
      indices[3 * k + 1] = host.layout === 'channels-first' ? c.cls[k] : c.anchor[k];
      indices[3 * k + 2] = host.layout === 'channels-first' ? c.anchor[k] : c.cls[k];
    }
    outputs[FUSED_OUTPUTS.indices] = { data: indices, dims: [c.count, 3] };
    outputs[FUSED_OUTPUTS.scores] = { data: c.score, dims: [c.count] };
    outputs[FUSED_OUTPUTS.boxes] = { data: c.raw, dims: [c.count, 4] };
    transfer.push(indices.buffer, c.score.buffer as ArrayBuffer, c.raw.buffer as ArrayBuffer);
  } else {
    for (const [name, tensor] of Object.entries(results)) {
      // Copy out of ORT's buffer so it can be transferred (an external buffer cannot be detached).
      const data = (tensor.data as Float32Array | Int32Array).slice();
      outputs[name] = { data, dims: [...tensor.dims] };
      transfer.push(data.buffer as ArrayBuffer);
    }
  }
  // The run is over, so the input buffer goes back with the result: the pipeline refills it for a later batch instead
  // of allocating tens of megabytes per batch (fresh pages: a page fault each, on the pipeline's event loop).
  const result: InferenceResult = { outputs, runMs, pixels: request.pixels };
  return withTransfer(result, [...transfer, request.pixels.buffer as ArrayBuffer]);
}

/** This thread's CPU time (utime + stime of /proc/thread-self/stat, in clock ticks of 10 ms), or null off Linux. */
function threadCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5), counted from the state (field 3) here.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}
