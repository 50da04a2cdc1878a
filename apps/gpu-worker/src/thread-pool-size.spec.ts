// Runs the compiled module (dist/): `npm run build` first, as for the pipeline's thread scripts.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const built = resolve(__dirname, '../../../dist/apps/gpu-worker/src/thread-pool-size.js');

describe('relaunchWithThreadPool', () => {
  it('runs the script again with the pool size set, and both processes exit once its work is done', () => {
    const script = `if (!require(${JSON.stringify(built)}).relaunchWithThreadPool()) console.log('pool', process.env.UV_THREADPOOL_SIZE)`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, UV_THREADPOOL_SIZE: '' } });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^pool \d+\n$/);
  }, 20_000);
});
