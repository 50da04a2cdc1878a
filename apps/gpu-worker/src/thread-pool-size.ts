// sharp decodes on libuv's threadpool (4 threads by default). Node creates that pool during its own start-up, so
// `process.env.UV_THREADPOOL_SIZE` set from JavaScript is not guaranteed to apply (nodejs/node#55832): the size
// must be in the environment when the process starts. Entry points relaunch themselves once with it set.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';

export const THREAD_POOL_ENV = 'UV_THREADPOOL_SIZE';

export function wantedThreadPoolSize(): number {
  return Math.max(4, Math.min(cpus().length, 64));
}

/**
 * When the pool size was not set at start, runs this same script again as a child with it set (signals
 * forwarded, exit code passed through) and returns true; the caller then does nothing else.
 */
export function relaunchWithThreadPool(): boolean {
  if (process.env[THREAD_POOL_ENV]) {
    // The relaunched child: if the parent dies without forwarding a signal (SIGKILL), shut down as on SIGTERM
    // rather than live on as an orphan holding a job.
    // The channel is only there to notice that: unref it, or it holds a child whose work is done (a bench) forever.
    if (process.connected) {
      process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
      process.channel?.unref();
    }
    return false;
  }
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env: { ...process.env, [THREAD_POOL_ENV]: String(wantedThreadPoolSize()) },
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return true;
}
