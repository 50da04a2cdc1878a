import { afterEach, describe, expect, it } from 'vitest';
import { readinessOf, WorkerHealthServer, type WorkerState } from './health-server';
import { workerMetrics } from './worker-metrics';

describe('worker readiness', () => {
  it('is ready once registered with its providers known, and not while stopping or once removed', () => {
    const base: WorkerState = { stopping: false, draining: false, providers: ['CPU'] };
    expect(readinessOf(base)).toMatchObject({ ready: false, body: { status: 'unavailable', checks: { registered: { ok: false, error: 'not registered yet' } } } });
    expect(readinessOf({ ...base, workerId: 'w1' })).toMatchObject({ ready: true, body: { status: 'ready', checks: { providers: { ok: true, providers: ['CPU'] } } } });
    expect(readinessOf({ ...base, workerId: 'w1', draining: true }).ready).toBe(true);
    expect(readinessOf({ ...base, workerId: 'w1', stopping: true })).toMatchObject({ ready: false, body: { status: 'shutting-down' } });
    expect(readinessOf({ ...base, removed: 'removed by admin' })).toMatchObject({ ready: false, body: { checks: { registered: { error: 'removed by an admin' }, running: { ok: false } } } });
    expect(readinessOf({ stopping: false, draining: false, workerId: 'w1' })).toMatchObject({ ready: false, body: { checks: { providers: { ok: false } } } });
  });
});

describe('WorkerHealthServer', () => {
  let server: WorkerHealthServer | undefined;
  afterEach(async () => server?.close());

  it('serves /healthz, /readyz (200 or 503) and /metrics on its port, and 404 elsewhere', async () => {
    const state: WorkerState = { stopping: false, draining: false, providers: ['CPU'] };
    server = new WorkerHealthServer(() => state);
    const { port } = await server.listen(0, '127.0.0.1');
    const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
    expect(await (await get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await get('/readyz')).status).toBe(503);
    state.workerId = 'w1';
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    workerMetrics.batch({ images: 8, decodeMs: 4, inferenceMs: 20 });
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/^podium_worker_images_total \d+/m);
    expect(metrics).toMatch(/^podium_worker_batch_seconds_count\{stage="inference"\} [1-9]/m);
    expect(metrics).toMatch(/^podium_worker_jobs_total\{outcome="SUCCEEDED"\} 0/m);
    expect(metrics).toMatch(/^process_cpu_seconds_total /m);
    expect((await get('/nope')).status).toBe(404);
  });
});
