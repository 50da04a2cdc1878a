/** Messages between the pipeline and its inference thread. */
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

export interface InferenceRequest {
  id: number;
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

export type InferenceReply =
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  /** `pixels`: the request's input buffer handed back (transferred) for the next batch once the run is over. */
  | { type: 'result'; id: number; outputs: Record<string, OutputTensor>; runMs: number; pixels: Uint8Array }
  | { type: 'run-failed'; id: number; message: string };
