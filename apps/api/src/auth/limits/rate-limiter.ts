// The mutation budget: `perMinute` writes per token in each minute window, counted by rate-limiter-flexible in memory
// (one api) or in Redis when REDIS_URL is set, so that several api replicas share one budget (docs/limits.md,
// docs/scaled.md). Redis unreachable: each replica counts in its own memory meanwhile (the insurance limiter), rather
// than refusing every write.
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export type Take = { ok: true } | { ok: false; retryAfterMs: number };

/** Redis keys of the budget: every replica of one deployment counts under the same names. */
export const RATE_LIMIT_KEY_PREFIX = 'podium:mutations';

export class MutationRateLimiter {
  private readonly limiter: RateLimiterAbstract;

  constructor(perMinute: number, redis?: Redis, keyPrefix = RATE_LIMIT_KEY_PREFIX) {
    const opts = { points: perMinute, duration: 60, keyPrefix };
    this.limiter = redis ? new RateLimiterRedis({ ...opts, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(opts) }) : new RateLimiterMemory(opts);
  }

  /** Takes one write from `key`'s budget; when it is spent, how long until the window frees one. */
  async take(key: string): Promise<Take> {
    try {
      await this.limiter.consume(key, 1);
      return { ok: true };
    } catch (e) {
      if (e instanceof RateLimiterRes) return { ok: false, retryAfterMs: Math.max(1, e.msBeforeNext) };
      throw e;
    }
  }
}
