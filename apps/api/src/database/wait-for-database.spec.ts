import { describe, expect, it } from 'vitest';
import { isTransientConnectError, waitFor } from './wait-for-database';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const badPassword = Object.assign(new Error('password authentication failed for user "podium"'), { code: '28P01' });

function recorder() {
  const warnings: string[] = [];
  const infos: string[] = [];
  const sleeps: number[] = [];
  return { warnings, infos, sleeps, opts: { logger: { warn: (m: string) => void warnings.push(m), log: (m: string) => void infos.push(m) }, sleep: async (ms: number) => void sleeps.push(ms) } };
}

describe('waitFor', () => {
  it('retries refused connections with a growing delay, logging each try, until one succeeds', async () => {
    const r = recorder();
    let calls = 0;
    const result = await waitFor(async () => (++calls < 4 ? Promise.reject(refused) : 'connected'), { waitSeconds: 60, what: 'PostgreSQL', ...r.opts });
    expect(result).toBe('connected');
    expect(r.sleeps).toEqual([500, 1000, 2000]);
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings[0]).toMatch(/^PostgreSQL not reachable \(ECONNREFUSED\): attempt 1, retrying in 0\.5 s \(giving up in (59|60) s\)$/);
    expect(r.infos).toEqual(['PostgreSQL reachable after 4 attempts']);
  });

  it('fails at once on an error that will not go away by itself', async () => {
    const r = recorder();
    await expect(waitFor(() => Promise.reject(badPassword), { waitSeconds: 60, what: 'PostgreSQL', ...r.opts })).rejects.toBe(badPassword);
    expect(r.sleeps).toEqual([]);
  });

  it('gives up with the last error once the time is spent (0: one try)', async () => {
    const r = recorder();
    await expect(waitFor(() => Promise.reject(refused), { waitSeconds: 0, what: 'PostgreSQL', ...r.opts })).rejects.toBe(refused);
    expect(r.sleeps).toEqual([]);
  });

  it('knows the transient failures', () => {
    expect(isTransientConnectError(refused)).toBe(true);
    expect(isTransientConnectError(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(isTransientConnectError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientConnectError(badPassword)).toBe(false);
    expect(isTransientConnectError(Object.assign(new Error('database "nope" does not exist'), { code: '3D000' }))).toBe(false);
  });
});
