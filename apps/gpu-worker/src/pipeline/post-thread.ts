/** worker_thread entry: NMS at every swept IoU and the metric accumulators, off the pipeline's event loop. */
import { parentPort } from 'node:worker_threads';
import { PostProcessor, type BatchImage, type PostConfig, type PreparedBatch } from './post-processor';

type PostMessage =
  | { type: 'init'; config: PostConfig }
  | { type: 'batch'; id: number; images: BatchImage[]; batch: PreparedBatch }
  | { type: 'finish' };

const port = parentPort!;
let processor: PostProcessor | undefined;

port.on('message', (message: PostMessage) => {
  try {
    if (message.type === 'init') {
      processor = new PostProcessor(message.config);
      port.postMessage({ type: 'ready' });
    } else if (message.type === 'batch') {
      const started = performance.now();
      processor!.addPrepared(message.images, message.batch);
      port.postMessage({ type: 'batch-done', id: message.id, ms: performance.now() - started });
    } else {
      port.postMessage({ type: 'result', result: processor!.finish() });
    }
  } catch (error) {
    port.postMessage({ type: 'failed', message: (error as Error).stack ?? String(error) });
  }
});
