/** Messages between the pipeline and its inference thread (one request/reply each over a Channel). */
export type ProviderName = 'CUDA' | 'CPU';

export interface InferenceInit {
  modelBytes: Uint8Array;
  provider: ProviderName;
  deviceId: number;
  inputName: string;
  /** For the unfused graph: convert uint8 HWC RGB to float NCHW in the thread. */
  hostPreprocess?: { channels: 'RGB' | 'BGR'; scale: number };
  /**
   * For the unfused graph: reduce the full output to candidates here, once, in the fused graph's output format, so
   * only candidates travel on (the post-processing shards would otherwise each get a copy of the full tensor).
   */
  hostCandidates?: { outputName: string; layout: 'channels-first' | 'anchors-first'; conf: number };
  /** ORT intra-op threads when the provider is CPU. */
  cpuThreads?: number;
}

export interface InferenceRun {
  pixels: Uint8Array;
  batch: number;
  /** Real images in the batch; the rest is padding. */
  images: number;
  imgsz: number;
}

export interface OutputTensor {
  data: Float32Array | Int32Array;
  dims: number[];
}

export type InferenceRequest = { type: 'init'; init: InferenceInit } | { type: 'run'; run: InferenceRun } | { type: 'release' };

export interface InferenceResult {
  outputs: Record<string, OutputTensor>;
  runMs: number;
  /** The batch's input buffer, handed back (transferred) once the run is over: free to refill. */
  pixels: Uint8Array;
}

/**
 * `init`: nothing; `run`: the result; `release`: the CPU time the thread used since `init` (Linux, else null), which
 * with a one-thread CPU session is the inference's own (benches subtract it from the process's to get the host's).
 */
export type InferenceReply = InferenceResult | { threadCpuMs?: number | null };
