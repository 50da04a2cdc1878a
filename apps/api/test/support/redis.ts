// The Redis that the two-replica suites share: skipped when none answers, a failure in CI.
import Redis from 'ioredis';

export const REDIS_URL = process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisAvailable(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    if (process.env.CI) throw new Error(`Redis required in CI but not reachable at ${REDIS_URL}`);
    return false;
  } finally {
    r.disconnect();
  }
}
