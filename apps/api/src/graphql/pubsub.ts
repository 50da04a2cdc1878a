// The events bus: in-memory by default, Redis when REDIS_URL is set so several api replicas share subscriptions.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from '@graphql-yoga/subscription';
import Redis from 'ioredis';
import type { PubSub } from 'type-graphql';

export const PUB_SUB = Symbol('PUB_SUB');

export interface PodiumPubSub extends PubSub {
  close(): Promise<void>;
}

export function createPodiumPubSub(redisUrl?: string): PodiumPubSub {
  if (!redisUrl) {
    const ps = createPubSub();
    return Object.assign(ps, { close: async () => undefined }) as unknown as PodiumPubSub;
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const ps = createPubSub({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) });
  return Object.assign(ps, {
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  }) as unknown as PodiumPubSub;
}
