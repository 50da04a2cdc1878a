// The embedded worker's supervisor on real child processes: restarted when it dies, not once an ADMIN removed it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKER_REMOVED_EXIT_CODE, WorkerProcess } from './worker-process';

/** A child that appends a line to `starts` each time it starts, then exits with `code`. */
function child(code: number): { mainPath: string; starts: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'podium-wp-'));
  const log = join(dir, 'starts');
  writeFileSync(log, '');
  const mainPath = join(dir, 'main.js');
  writeFileSync(mainPath, `require('node:fs').appendFileSync(${JSON.stringify(log)}, 'x\\n'); process.exit(${code});`);
  return { mainPath, starts: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WorkerProcess', () => {
  it('restarts a worker that died', async () => {
    const { mainPath, starts } = child(1);
    const errors: string[] = [];
    const p = new WorkerProcess({ mainPath, cwd: tmpdir(), env: process.env, log: () => undefined, error: (l) => errors.push(l) });
    p.start();
    for (const until = Date.now() + 10_000; starts() < 2 && Date.now() < until;) await sleep(50);
    await p.stop();
    expect(starts()).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toBe('[worker] exited (code 1); restarting in 1 s');
  });

  it('does not restart a worker an ADMIN removed (it would only be refused again)', async () => {
    const { mainPath, starts } = child(WORKER_REMOVED_EXIT_CODE);
    const errors: string[] = [];
    const p = new WorkerProcess({ mainPath, cwd: tmpdir(), env: process.env, log: () => undefined, error: (l) => errors.push(l) });
    p.start();
    for (const until = Date.now() + 10_000; !errors.length && Date.now() < until;) await sleep(50);
    // Longer than the first restart's backoff (1 s): still one start.
    await sleep(1500);
    await p.stop();
    expect(starts()).toBe(1);
    expect(errors).toEqual(['[worker] removed by an admin: not restarting it (resumeWorker, then restart the api, to bring it back)']);
  });
});
