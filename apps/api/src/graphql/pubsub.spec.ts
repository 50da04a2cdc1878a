import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPodiumPubSub, type PodiumPubSub } from './pubsub';

/** A port nothing listens on. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('createPodiumPubSub on Redis', () => {
  let pubSub: PodiumPubSub | undefined;
  const unhandled: unknown[] = [];
  const record = (e: unknown) => unhandled.push(e);
  afterEach(async () => {
    process.off('unhandledRejection', record);
    await pubSub?.close();
  });

  it('survives publishing while Redis is unreachable (the refused PUBLISH is logged, not an unhandled rejection)', async () => {
    process.on('unhandledRejection', record);
    pubSub = createPodiumPubSub(`redis://127.0.0.1:${await closedPort()}`);
    pubSub.publish('RUN_UPDATED', 'some-experiment', { change: 'CREATED', run: {} as never });
    // ioredis gives up on the command after maxRetriesPerRequest (3) reconnects: ~50 + 100 + 150 ms apart.
    await new Promise((r) => setTimeout(r, 1500));
    expect(unhandled).toEqual([]);
  });
});
