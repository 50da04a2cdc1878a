/**
 * The post-processing stage as parallel threads, one per shard (`planShards`: the other swept IoUs; the job's IoU
 * with the coco protocol): every shard sees every batch and runs its own NMS and accumulators, so neither bounds the
 * pipeline alone. What each shard would repeat (box decoding, the score sort, the NMS layout) is done once per batch
 * here, before the batch fans out.
 */
import type { OperatingPoint } from './metrics-adapter';
import { planShards, prepareBatch, SWEEP_IOUS, type BatchImage, type BatchOutputs, type CocoMetrics, type HeadlineMetrics, type PostConfig } from './post-processor';
import { PostThreadClient, type PostPool } from './post-thread-client';

export interface PostResult {
  ultralytics: HeadlineMetrics;
  coco: CocoMetrics;
  thresholdSweep: { iou: number; points: OperatingPoint[] }[];
  /** At the job's conf and NMS IoU. */
  atConf: OperatingPoint;
  predictionsPath?: string;
}

export class PostShards {
  private readonly classFilter?: ReadonlySet<number>;

  private constructor(
    private readonly clients: PostThreadClient[],
    private readonly config: Omit<PostConfig, 'shard'>,
  ) {
    this.classFilter = config.classes ? new Set(config.classes) : undefined;
  }

  static async start(pool: PostPool, config: Omit<PostConfig, 'shard'>): Promise<PostShards> {
    const started = await Promise.allSettled(planShards(config.iou).map((shard) => PostThreadClient.start(pool, { ...config, shard })));
    const clients = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(clients.map((c) => c.close()));
      throw failed.reason;
    }
    return new PostShards(clients, config);
  }

  /** Prepares the batch once, then copies it to every shard but the last, which gets the buffers themselves. */
  add(images: BatchImage[], outputs: BatchOutputs): void {
    const prepared = prepareBatch(outputs, images.length, this.config, this.classFilter);
    this.clients.forEach((client, i) => client.add(images, prepared, i === this.clients.length - 1));
  }

  async drainTo(max: number): Promise<void> {
    await Promise.all(this.clients.map((c) => c.drainTo(max)));
  }

  /** Seconds of the busiest shard: the stage's critical path. */
  get busySeconds(): number {
    return Math.max(...this.clients.map((c) => c.busyMs)) / 1000;
  }

  async finish(): Promise<PostResult> {
    const shards = await Promise.all(this.clients.map((c) => c.finish()));
    const byIou = new Map(shards.flatMap((s) => s.ultralytics).map((u) => [u.iou, u]));
    const coco = shards.find((s) => s.coco)?.coco;
    const predictionsPath = shards.find((s) => s.predictionsPath)?.predictionsPath;
    const headline = byIou.get(this.config.iou)?.result;
    if (!coco || !headline) throw new Error('post-processing shards returned incomplete results');
    return {
      ultralytics: headline,
      coco,
      thresholdSweep: SWEEP_IOUS.map((iou) => ({ iou, points: byIou.get(iou)!.points })),
      atConf: byIou.get(this.config.iou)!.atConf,
      ...(predictionsPath ? { predictionsPath } : {}),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }
}
