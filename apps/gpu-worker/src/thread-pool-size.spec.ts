// Runs the module from source in a fresh process (the TypeScript hook of run-ts.cjs, which the relaunch keeps).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('relaunchWithThreadPool', () => {
  it('runs the script again with the pool size set, and both processes exit once its work is done', () => {
    const script = join(mkdtempSync(join(tmpdir(), 'podium-pool-')), 'relaunch.ts');
    const entry = JSON.stringify(resolve(__dirname, 'thread-pool-size.ts'));
    writeFileSync(script, `import { relaunchWithThreadPool } from ${entry};\nif (!relaunchWithThreadPool()) console.log('pool', process.env.UV_THREADPOOL_SIZE);\n`);
    const run = spawnSync(process.execPath, ['--require', resolve(__dirname, 'threads/run-ts.cjs'), script], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, UV_THREADPOOL_SIZE: '' } });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^pool \d+\n$/);
  }, 40_000);
});
