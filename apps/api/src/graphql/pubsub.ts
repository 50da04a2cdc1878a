// The events bus: in-memory by default, Redis when REDIS_URL is set so several api replicas share subscriptions.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Logger } from '@nestjs/common';
import { createPubSub } from '@graphql-yoga/subscription';
import type { PubSub } from '@graphql-yoga/subscription';
import Redis from 'ioredis';
import type { PodiumEvents } from './events';

export const PUB_SUB = Symbol('PUB_SUB');

/**
 * The bus typed by the topic map of events.ts. `publish` returns nothing and never throws: a bus that fails logs it
 * (see the Redis publish below). Services publish through a unit of work's afterCommit only (database/database.ts).
 */
export type PodiumPubSub = PubSub<PodiumEvents> & {
  close(): Promise<void>;
};

export function createPodiumPubSub(redisUrl?: string): PodiumPubSub {
  if (!redisUrl) {
    const ps = createPubSub<PodiumEvents>();
    return Object.assign(ps, { close: async () => undefined });
  }
  const logger = new Logger('PubSub');
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  // Without a listener ioredis prints every failed reconnect as an "Unhandled error event"; say each new problem once.
  let lastProblem = '';
  for (const client of [publishClient, subscribeClient]) {
    client.on('error', (e: Error) => {
      if (e.message !== lastProblem) logger.warn(`Redis: ${e.message}`);
      lastProblem = e.message;
    });
    client.on('ready', () => (lastProblem = ''));
  }
  // The event target drops the promise of PUBLISH, so a refused one (Redis unreachable past maxRetriesPerRequest) was
  // an unhandled rejection, which ends the process. Events are published after commit and subscribers re-read the
  // database (metric streams recheck when idle): a lost event is logged, never fatal.
  const publish = publishClient.publish.bind(publishClient) as (channel: string, message: string) => Promise<number>;
  (publishClient as unknown as { publish: typeof publish }).publish = (channel, message) => {
    const sent = publish(channel, message);
    sent.catch((e: Error) => logger.warn(`event on ${channel} not published: ${e.message}`));
    return sent;
  };
  // The event target drops the promises of SUBSCRIBE and UNSUBSCRIBE too: one refused while Redis is away (or cut
  // by the shutdown's disconnect) was an unhandled rejection. ioredis re-subscribes what it holds on reconnect.
  for (const command of ['subscribe', 'unsubscribe'] as const) {
    const send = subscribeClient[command].bind(subscribeClient) as (...channels: string[]) => Promise<unknown>;
    (subscribeClient as unknown as Record<string, (...channels: string[]) => Promise<unknown>>)[command] = (...channels) => {
      const sent = send(...channels);
      sent.catch((e: Error) => logger.warn(`${command.toUpperCase()} ${channels.join(' ')} failed: ${e.message}`));
      return sent;
    };
  }
  const ps = createPubSub<PodiumEvents>({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) });
  return Object.assign(ps, {
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  });
}
