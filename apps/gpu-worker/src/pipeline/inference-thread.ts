/** worker_thread entry: owns one onnxruntime session so `session.run` never blocks the pipeline's event loop. */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { quietOrtLog } from './ort-log';
import { candidatesFromOutput } from '../models/candidates';
import { FUSED_OUTPUTS } from '../models/fuse-graph';
import type { InferenceInit, InferenceReply, InferenceRequest, OutputTensor } from './inference-protocol';
import { sessionOptions } from './session-options';
import { toNchwFloat } from './to-nchw';

let session: ort.InferenceSession | undefined;
let init: InferenceInit | undefined;

const port = parentPort!;
const reply = (message: InferenceReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', (message: { type: 'init'; init: InferenceInit } | { type: 'run'; request: InferenceRequest } | { type: 'close' }) => {
  if (message.type === 'init') void start(message.init);
  else if (message.type === 'run') void run(message.request);
  else void close();
});

async function start(options: InferenceInit): Promise<void> {
  quietOrtLog();
  init = options;
  try {
    session = await ort.InferenceSession.create(options.modelBytes, sessionOptions(options.provider, options));
    reply({ type: 'ready' });
  } catch (error) {
    reply({ type: 'init-failed', message: (error as Error).message });
  }
}

async function run(request: InferenceRequest): Promise<void> {
  try {
    const { batch, imgsz } = request;
    const feed = init!.hostPreprocess
      ? new ort.Tensor('float32', toNchwFloat(request.pixels, batch, imgsz, init!.hostPreprocess), [batch, 3, imgsz, imgsz])
      : new ort.Tensor('uint8', request.pixels, [batch, imgsz, imgsz, 3]);
    const started = performance.now();
    const results = await session!.run({ [init!.inputName]: feed });
    const runMs = performance.now() - started;
    const outputs: Record<string, OutputTensor> = {};
    const transfer: ArrayBuffer[] = [];
    const host = init!.hostCandidates;
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
      giveBack(request, outputs, runMs, transfer);
      return;
    }
    for (const [name, tensor] of Object.entries(results)) {
      // Copy out of ORT's buffer so it can be transferred (an external buffer cannot be detached).
      const data = (tensor.data as Float32Array | Int32Array).slice();
      outputs[name] = { data, dims: [...tensor.dims] };
      transfer.push(data.buffer as ArrayBuffer);
    }
    giveBack(request, outputs, runMs, transfer);
  } catch (error) {
    reply({ type: 'run-failed', id: request.id, message: (error as Error).message });
  }
}

/**
 * The run is over, so the input buffer goes back with the result: the pipeline refills it for a later batch instead
 * of allocating tens of megabytes per batch (fresh pages: a page fault each, on the pipeline's event loop).
 */
function giveBack(request: InferenceRequest, outputs: Record<string, OutputTensor>, runMs: number, transfer: ArrayBuffer[]): void {
  reply({ type: 'result', id: request.id, outputs, runMs, pixels: request.pixels }, [...transfer, request.pixels.buffer as ArrayBuffer]);
}

async function close(): Promise<void> {
  await session?.release();
  session = undefined;
  port.close();
}
