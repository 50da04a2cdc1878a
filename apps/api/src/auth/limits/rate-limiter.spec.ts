import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { MutationRateLimiter } from './rate-limiter';

const REDIS_URL = process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('MutationRateLimiter', () => {
  it('in memory: admits perMinute writes per key in a window, then says how long to wait', async () => {
    const limiter = new MutationRateLimiter(5);
    for (let i = 0; i < 5; i++) expect(await limiter.take('a')).toEqual({ ok: true });
    const refused = await limiter.take('a');
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.retryAfterMs).toBeGreaterThan(55_000);
    expect(!refused.ok && refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(await limiter.take('b')).toEqual({ ok: true });
  });

  describe('in Redis', () => {
    const clients: Redis[] = [];
    const client = () => {
      const c = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      clients.push(c);
      return new Promise<Redis>((resolve) => c.once('ready', () => resolve(c)));
    };
    afterAll(() => clients.forEach((c) => c.disconnect()));

    it('is one budget for two limiters (two api replicas), whichever admits', async () => {
      const prefix = `podium:test:${randomUUID()}`;
      const a = new MutationRateLimiter(10, await client(), prefix);
      const b = new MutationRateLimiter(10, await client(), prefix);
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).take('token-1')));
      expect(results.filter((r) => r.ok)).toHaveLength(10);
      expect(await a.take('token-2')).toEqual({ ok: true });
    });

    it('counts in memory while Redis is unreachable, rather than refusing every write', async () => {
      const dead = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
      dead.on('error', () => undefined);
      clients.push(dead);
      const limiter = new MutationRateLimiter(3, dead, `podium:test:${randomUUID()}`);
      const results = await Promise.all(Array.from({ length: 5 }, () => limiter.take('t')));
      expect(results.map((r) => r.ok)).toEqual([true, true, true, false, false]);
    });
  });
});
