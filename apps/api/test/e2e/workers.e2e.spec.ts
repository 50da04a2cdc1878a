import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

const REGISTER = 'mutation($i: RegisterWorkerInput!) { registerWorker(input: $i) { id name executionProviders gpuName gpuMemoryMb cpuCores cpuModel version lastHeartbeatAt createdAt } }';

describe.each(DIALECTS)('workers on %s', (dialect) => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('registers a worker with its capabilities, and the same name again updates that worker', async (ctx) => {
    if (!t) return ctx.skip();
    const first = await t.gql(REGISTER, {
      i: { name: 'gpu-1', executionProviders: ['cuda', 'CPU', 'CPU'], gpuName: 'NVIDIA H100 80GB HBM3', gpuMemoryMb: 81559, cpuCores: 16, cpuModel: 'Xeon', version: '0.1.0' },
    });
    expect(first.errors).toBeUndefined();
    expect(first.data.registerWorker).toMatchObject({ name: 'gpu-1', executionProviders: ['CUDA', 'CPU'], gpuName: 'NVIDIA H100 80GB HBM3', gpuMemoryMb: 81559, cpuCores: 16 });
    await new Promise((r) => setTimeout(r, 20));
    const again = await t.gql(REGISTER, { i: { name: 'gpu-1', executionProviders: ['CPU'], cpuCores: 8 } });
    expect(again.data.registerWorker).toMatchObject({ id: first.data.registerWorker.id, executionProviders: ['CPU'], gpuName: null, cpuCores: 8, createdAt: first.data.registerWorker.createdAt });
    expect(Date.parse(again.data.registerWorker.lastHeartbeatAt)).toBeGreaterThan(Date.parse(first.data.registerWorker.lastHeartbeatAt));
    await t.gql(REGISTER, { i: { name: 'cpu-2', executionProviders: ['CPU'], cpuCores: 2 } });
    const list = await t.gql('{ workers(first: 10) { totalCount nodes { name executionProviders } } }');
    expect(list.data.workers).toEqual({
      totalCount: 2,
      nodes: [
        { name: 'cpu-2', executionProviders: ['CPU'] },
        { name: 'gpu-1', executionProviders: ['CPU'] },
      ],
    });
  });

  it('refuses bad capabilities and claims from an unknown worker', async (ctx) => {
    if (!t) return ctx.skip();
    const bad = await t.gql(REGISTER, { i: { name: 'x y', executionProviders: [], cpuCores: 0 } });
    expect(bad.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].message).toMatch(/name must be/);
    expect(bad.errors![0].message).toMatch(/cpuCores/);
    const claim = await t.gql('mutation { claimEvaluationJob(input: { workerId: "00000000-0000-4000-8000-000000000000" }) { attempt } }');
    expect(claim.errors![0].extensions.code).toBe('NOT_FOUND');
  });
});
