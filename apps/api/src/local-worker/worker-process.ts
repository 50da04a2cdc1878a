// The embedded gpu-worker as a child process: its output passed on line by line (or prefixed `[worker]`), restarted
// with a backoff if it dies (not once an ADMIN removed it), stopped with SIGTERM (it finishes its batch and releases
// its job) and killed if it does not exit in time.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface WorkerProcessOptions {
  /** Compiled entry point of the worker (dist/apps/gpu-worker/src/main.js). */
  mainPath: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The supervisor's own lines (prefixed `[worker]`), and the child's when `output` is not given. */
  log: (line: string) => void;
  error: (line: string) => void;
  /** Each line the child writes, as written. */
  output?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How long SIGTERM may take before SIGKILL. */
  stopTimeoutMs?: number;
}

const MAX_BACKOFF_MS = 60_000;

/** The worker's exit status once an ADMIN removed it (REMOVED_EXIT_CODE in apps/gpu-worker/src/agent/agent.ts): not restarted. */
export const WORKER_REMOVED_EXIT_CODE = 3;

export class WorkerProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private stopping = false;
  private backoffMs = 1000;
  private restartTimer?: NodeJS.Timeout;

  constructor(private readonly opts: WorkerProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.stopping) return;
    const startedAt = Date.now();
    const child = spawn(process.execPath, [this.opts.mainPath], { cwd: this.opts.cwd, env: this.opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const output = this.opts.output;
    createInterface({ input: child.stdout! }).on('line', (l) => (output ? output(l, 'stdout') : this.opts.log(`[worker] ${l}`)));
    createInterface({ input: child.stderr! }).on('line', (l) => (output ? output(l, 'stderr') : this.opts.error(`[worker] ${l}`)));
    this.exited = new Promise((resolve) => {
      child.once('error', (e) => {
        this.opts.error(`[worker] could not start: ${e.message}`);
        resolve();
      });
      child.once('exit', (code, signal) => {
        resolve();
        if (this.stopping) return;
        if (code === WORKER_REMOVED_EXIT_CODE) {
          // Restarting would only be refused again; resumeWorker and an api restart bring it back.
          this.opts.error('[worker] removed by an admin: not restarting it (resumeWorker, then restart the api, to bring it back)');
          return;
        }
        // A crash loop must not spin: back off, and start over once a run lasted a minute.
        if (Date.now() - startedAt > MAX_BACKOFF_MS) this.backoffMs = 1000;
        this.opts.error(`[worker] exited (${signal ?? `code ${code}`}); restarting in ${Math.round(this.backoffMs / 1000)} s`);
        this.restartTimer = setTimeout(() => this.start(), this.backoffMs);
        this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
      });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.opts.stopTimeoutMs ?? 30_000).unref());
    if ((await Promise.race([this.exited, timeout])) === 'timeout') {
      this.opts.error('[worker] did not stop after SIGTERM; killing it');
      child.kill('SIGKILL');
      await this.exited;
    }
  }
}
