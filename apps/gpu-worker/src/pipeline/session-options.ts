/**
 * onnxruntime session options per provider. On CUDA the graph's work is on the GPU and the CPU side is shape
 * arithmetic, yet ORT still starts an intra-op pool of one thread per core whose threads spin between runs: on a
 * host whose CPU time is what bounds the pipeline (decoding), those cycles are the decoder's. So a CUDA session gets
 * one intra-op and one inter-op thread and no spinning. On the CPU provider the pool is the inference itself.
 */
import type * as ort from 'onnxruntime-node';
import type { ProviderName } from './inference-protocol';

export function sessionOptions(provider: ProviderName, opts: { deviceId?: number; cpuThreads?: number } = {}): ort.InferenceSession.SessionOptions {
  const base: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all' };
  if (provider === 'CUDA') {
    return {
      ...base,
      executionProviders: [{ name: 'cuda', deviceId: opts.deviceId ?? 0 }],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    };
  }
  return { ...base, executionProviders: ['cpu'], ...(opts.cpuThreads ? { intraOpNumThreads: opts.cpuThreads } : {}) };
}
