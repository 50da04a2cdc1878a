// The one channel to worker threads and child processes, run from the TypeScript sources (run-ts.cjs), and the
// pools' lifecycle under Nest: helpers start at boot and stop at shutdown.
import { Test } from '@nestjs/testing';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Channel, HelperGoneError, type HelperKind } from './channel';
import { threadScript } from './thread-script';
import { ThreadPool } from './thread-pool';
import { WorkerThreads } from './worker-threads';

const fixtures = resolve(__dirname, '../../test/fixtures');
const open = (kind: HelperKind) => new Channel<any, any>({ script: 'echo-helper', fromDir: fixtures, kind });

describe('threadScript', () => {
  it('runs a source tree’s .ts entry through the SWC loader, never a dist/ twin', () => {
    const script = threadScript('post-thread', resolve(__dirname, '../pipeline'));
    expect(script.file).toBe(resolve(__dirname, 'run-ts.cjs'));
    expect(script.argv).toEqual([resolve(__dirname, '../pipeline/post-thread.ts')]);
    expect(() => threadScript('nope', fixtures)).toThrow(/thread script nope not found/);
  });
});

describe.each(['thread', 'process'] as const)('Channel to a %s', (kind) => {
  const channels: Channel<any, any>[] = [];
  const make = () => {
    const c = open(kind);
    channels.push(c);
    return c;
  };
  afterAll(() => Promise.all(channels.map((c) => c.terminate())));

  it('answers each request by id, buffers moved both ways', async () => {
    const channel = make();
    const bytes = Uint8Array.from([1, 2, 3, 250]);
    const [echo, who] = await Promise.all([channel.request({ type: 'echo', bytes }, [bytes.buffer]), channel.request({ type: 'whoami' })]);
    expect(Array.from(echo.bytes as Uint8Array)).toEqual([1, 2, 3, 250]);
    expect(echo.sum).toBe(256);
    // A thread takes the buffer (detached here); a process gets a copy.
    expect(bytes.byteLength).toBe(kind === 'thread' ? 0 : 4);
    if (kind === 'thread') expect(who.pid).toBe(process.pid);
    else expect(who.pid).not.toBe(process.pid);
    expect(channel.inFlight).toBe(0);
  });

  it("rejects a request with the helper's error message and keeps serving", async () => {
    const channel = make();
    await expect(channel.request({ type: 'fail', message: 'no such image' })).rejects.toThrow(/^no such image$/);
    await expect(channel.request({ type: 'whoami' })).resolves.toHaveProperty('pid');
  });

  it('fails what is in flight, and every later request, when the helper dies', async () => {
    const channel = make();
    const died: Error[] = [];
    channel.onDeath((e) => died.push(e));
    const slow = channel.request({ type: 'slow', ms: 5_000 });
    const exit = channel.request({ type: 'exit', code: 3 });
    await expect(slow).rejects.toBeInstanceOf(HelperGoneError);
    await expect(exit).rejects.toThrow(/echo-helper (process )?exited with code 3/);
    await expect(channel.request({ type: 'whoami' })).rejects.toThrow(/exited with code 3/);
    expect(died).toHaveLength(1);
    expect(channel.alive).toBe(false);
  });

  it('waits for back-pressure to drain', async () => {
    const channel = make();
    const replies = [20, 40, 60].map((ms) => channel.request({ type: 'slow', ms }));
    expect(channel.inFlight).toBe(3);
    await channel.drainTo(1);
    expect(channel.inFlight).toBeLessThanOrEqual(1);
    await Promise.all(replies);
  });
});

describe('ThreadPool', () => {
  it('reuses a helper given back cleanly, terminates one given back after a failure, and closes when released', async () => {
    const pool = new ThreadPool<any, any>({ script: 'echo-helper', fromDir: fixtures }, 2);
    pool.prewarm(1);
    const a = pool.acquire();
    expect(pool.stats).toEqual({ created: 1, idle: 0, busy: 1 });
    await pool.release(a, true);
    const again = pool.acquire();
    expect(again).toBe(a);
    await pool.release(again, false);
    expect(again.alive).toBe(false);
    expect(pool.stats).toEqual({ created: 1, idle: 0, busy: 0 });

    const busy = pool.acquire();
    const reply = busy.request({ type: 'slow', ms: 100 });
    const closed = pool.close();
    expect(() => pool.acquire()).toThrow(/pool is closed/);
    await reply;
    await pool.release(busy, true);
    await closed;
    expect(busy.alive).toBe(false);
    expect(pool.stats.idle).toBe(0);
  }, 30_000);
});

describe('WorkerThreads under Nest', () => {
  it('starts the helpers at boot and stops them at shutdown', async () => {
    const moduleRef = await Test.createTestingModule({ providers: [{ provide: WorkerThreads, useFactory: () => new WorkerThreads({ helpers: 2, kind: 'process' }) }] }).compile();
    const threads = moduleRef.get(WorkerThreads);
    expect(threads.post.stats.created).toBe(0);
    await moduleRef.init();
    expect(threads.post.stats).toMatchObject({ created: 2, idle: 2 });
    expect(threads.inference.stats).toMatchObject({ created: 1, idle: 1 });
    expect(threads.decode).toMatchObject({ size: 2, kind: 'process' });
    const decoded = await threads.decode.decodePixels(resolve(__dirname, '../../../../assets/images/bus.jpg'), 64, 'center');
    expect(decoded).toMatchObject({ width: 810, height: 1080, checksum: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(decoded.pixels.byteLength).toBe(64 * 64 * 3);
    await moduleRef.close();
    expect(threads.post.stats.idle).toBe(0);
    expect(threads.inference.stats.idle).toBe(0);
    await expect(threads.decode.decode('x.jpg', 64, 'center')).rejects.toThrow(/decode pool closed/);
  }, 60_000);
});
