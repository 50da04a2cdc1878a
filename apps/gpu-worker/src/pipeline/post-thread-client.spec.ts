import { describe, expect, it } from 'vitest';
import { PostShards } from './post-shards';
import { postThreadPoolStats, prewarmPostThreads } from './post-thread-client';

describe('post-processing thread pool', () => {
  it('starts threads ahead of time that the next evaluation takes instead of starting its own', async () => {
    prewarmPostThreads(2);
    const before = postThreadPoolStats();
    expect(before.idle).toBeGreaterThanOrEqual(2);
    const shards = await PostShards.start({ family: 'yolov8', layout: 'channels-first', imgsz: 640, conf: 0.001, iou: 0.7, maxDet: 300 });
    const during = postThreadPoolStats();
    expect(during.created).toBe(before.created);
    expect(during.idle).toBe(before.idle - 2);
    // Closed without finishing: those threads are not trusted again and are terminated, not pooled.
    await shards.close();
    expect(postThreadPoolStats().idle).toBe(before.idle - 2);
  }, 60_000);
});
