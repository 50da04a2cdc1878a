// Start-up before PostgreSQL answers: the api retries with backoff (each try logged) and starts once the server is
// there, instead of exiting on the first refused connection. The "server" is a TCP relay to the suite's PostgreSQL
// that starts listening a moment after the api.
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, POSTGRES_URL } from '../support/databases';
import { relay, targetOf } from '../support/tcp-relay';
import { freePort } from '../../../../bench/api-process';
import { startTestApp, type TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('waiting for PostgreSQL at start', () => {
  let t: TestApp | undefined;
  let stopRelay: (() => Promise<void>) | undefined;
  let dropFresh: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await t?.close();
    await stopRelay?.();
    await dropFresh?.();
  });

  it('retries refused connections, logging each try, and starts once the database answers', async (ctx) => {
    const fresh = await createTestDatabase('postgres');
    if (!fresh) return ctx.skip();
    dropFresh = () => fresh.drop();
    const port = await freePort();
    const url = new URL(fresh.config.databaseUrl!);
    url.host = `127.0.0.1:${port}`;
    const lines: string[] = [];
    const relayUp = sleep(2500).then(() => relay(port, targetOf(POSTGRES_URL, 5432)));
    const started = Date.now();
    t = await startTestApp('postgres', { databaseUrl: url.toString(), dbWaitSeconds: 30 }, { logger: ['log', 'warn', 'error'], logDestination: { write: (l: string) => void lines.push(l) } });
    stopRelay = (await relayUp).close;
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
    const records = lines.map((l) => JSON.parse(l));
    const tries = records.filter((r) => r.context === 'Database' && r.level === 'warn');
    expect(tries.length).toBeGreaterThanOrEqual(2);
    expect(tries[0].msg).toMatch(/^PostgreSQL not reachable \(ECONNREFUSED\): attempt 1, retrying in 0\.5 s \(giving up in (29|30) s\)$/);
    expect(records).toContainEqual(expect.objectContaining({ context: 'Database', msg: expect.stringMatching(/^PostgreSQL reachable after \d+ attempts$/) }));
    expect((await t!.http().get('/readyz')).status).toBe(200);
  });
});
