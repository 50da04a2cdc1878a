import { describe, expect, it } from 'vitest';
import { TokenBucketRateLimiter } from './rate-limiter';

describe('TokenBucketRateLimiter', () => {
  it('allows a burst of perMinute, then refills at perMinute/60 per second, per key', () => {
    const limiter = new TokenBucketRateLimiter(60);
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) expect(limiter.take('a', t0)).toEqual({ ok: true });
    expect(limiter.take('a', t0)).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limiter.take('b', t0)).toEqual({ ok: true });
    expect(limiter.take('a', t0 + 500)).toEqual({ ok: false, retryAfterMs: 500 });
    expect(limiter.take('a', t0 + 1000)).toEqual({ ok: true });
    expect(limiter.take('a', t0 + 1000).ok).toBe(false);
  });

  it('never stores more than a full bucket after a long idle time', () => {
    const limiter = new TokenBucketRateLimiter(2);
    expect(limiter.take('a', 0).ok).toBe(true);
    const later = 10 * 60_000;
    expect(limiter.take('a', later).ok).toBe(true);
    expect(limiter.take('a', later).ok).toBe(true);
    expect(limiter.take('a', later)).toEqual({ ok: false, retryAfterMs: 30_000 });
  });
});
