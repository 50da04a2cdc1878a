/**
 * Post-processing helper (a worker thread): NMS at every swept IoU and the metric accumulators, off the event loop;
 * the shard with the coco protocol also writes the predictions file when asked.
 */
import { serve } from '../threads/serve';
import { PostProcessor, type BatchImage, type PostConfig, type PreparedBatch, type ShardResult } from './post-processor';
import { PredictionsWriter } from './predictions-writer';

export type PostRequest = { type: 'init'; config: PostConfig } | { type: 'batch'; images: BatchImage[]; batch: PreparedBatch } | { type: 'finish' };
/** `ms`: time spent on the batch; `result`: the shard's metrics (finish) and the predictions file's path. */
export type PostReply = { ms?: number; result?: ShardResult & { predictionsPath?: string } };

let processor: PostProcessor | undefined;
let writer: PredictionsWriter | undefined;

serve<PostRequest, PostReply>(async (request) => {
  if (request.type === 'init') {
    // A thread is re-initialised only after a clean finish; a writer left over means an evaluation that never was.
    await writer?.abort();
    const { config } = request;
    writer = config.predictions && config.shard.coco ? new PredictionsWriter(config.predictions) : undefined;
    processor = new PostProcessor(config, writer && ((imageId, dt) => writer!.add(imageId, dt)));
    return {};
  }
  if (!processor) throw new Error('post-processing thread used before init');
  if (request.type === 'batch') {
    const started = performance.now();
    processor.addPrepared(request.images, request.batch);
    return { ms: performance.now() - started };
  }
  const result = processor.finish();
  const predictionsPath = await writer?.close();
  processor = undefined;
  writer = undefined;
  return { result: { ...result, ...(predictionsPath ? { predictionsPath } : {}) } };
});
