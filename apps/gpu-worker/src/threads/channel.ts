/**
 * The one way the worker talks to its helpers: a request/response channel to a worker thread or a child process.
 * Each request gets an id and one reply (a value, or an error with its message); buffers named in `transfer` move to
 * a thread without a copy (a process gets a copy: structured clone over IPC). While no request is in flight the
 * helper is unreferenced, so an idle pool never holds the process open. A helper that dies fails what it had in
 * flight, and every later request, with the reason.
 *
 * The helper's side is `serve(handler)` (channel-endpoint.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { threadScript } from './thread-script';

export type HelperKind = 'thread' | 'process';

/** The helper died, exited or was terminated: says nothing about the request itself. */
export class HelperGoneError extends Error {}

export interface Request<B> {
  id: number;
  body: B;
}

export type Reply<R> = { id: number; ok: true; body: R } | { id: number; ok: false; message: string };

export interface ChannelOptions {
  /** Entry script name beside `fromDir` (e.g. 'post-thread'), resolved by `threadScript`. */
  script: string;
  fromDir: string;
  kind?: HelperKind;
  /** Environment of a child process (a thread shares its parent's). */
  env?: NodeJS.ProcessEnv;
}

interface Endpoint {
  post(message: unknown, transfer: ArrayBuffer[]): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<void>;
}

export class Channel<B, R> {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: R) => void; reject: (e: Error) => void }>();
  private readonly endpoint: Endpoint;
  private readonly drained: (() => void)[] = [];
  private deathListeners: ((error: Error) => void)[] = [];
  /** Why the helper is gone (it died, or was terminated); requests fail with it from then on. */
  failure?: Error;
  /** Resolves once the helper has loaded its modules and serves (or is gone). */
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(readonly options: ChannelOptions) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.endpoint = (options.kind ?? 'thread') === 'thread' ? this.startThread() : this.startProcess();
    this.endpoint.unref();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  get alive(): boolean {
    return !this.failure;
  }

  request(body: B, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.endpoint.ref();
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.endpoint.post({ id, body } satisfies Request<B>, transfer);
    });
  }

  /** Resolves once at most `max` requests are in flight (back-pressure), or the helper has died. */
  async drainTo(max: number): Promise<void> {
    while (this.pending.size > max && !this.failure) await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  /** Called once if the helper dies or exits (not when it is terminated through `terminate`). */
  onDeath(listener: (error: Error) => void): () => void {
    this.deathListeners.push(listener);
    return () => (this.deathListeners = this.deathListeners.filter((l) => l !== listener));
  }

  /**
   * Stops the helper. One still loading its modules is let finish first (bounded): terminating a thread inside a
   * native addon's initialisation (onnxruntime, sharp) can take the whole process down.
   */
  async terminate(): Promise<void> {
    if (!this.failure) this.fail(new HelperGoneError(`${this.options.script} terminated`), false);
    // Held while it stops: an unreferenced helper would let the process exit mid-shutdown.
    this.endpoint.ref();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.ready, new Promise((resolve) => (timer = setTimeout(resolve, 30_000)))]);
    clearTimeout(timer);
    await this.endpoint.terminate();
  }

  private settle(reply: Reply<R>): void {
    if (reply.id === -1) return this.markReady();
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.endpoint.unref();
    if (reply.ok) entry.resolve(reply.body);
    else entry.reject(new Error(reply.message));
    for (const wake of this.drained.splice(0)) wake();
  }

  private fail(error: Error, died: boolean): void {
    if (this.failure) return;
    this.failure = error;
    if (died) this.markReady();
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
    this.endpoint.unref();
    for (const wake of this.drained.splice(0)) wake();
    if (died) for (const listener of this.deathListeners.splice(0)) listener(error);
  }

  private startThread(): Endpoint {
    const script = threadScript(this.options.script, this.options.fromDir);
    const worker = new Worker(script.file, { argv: script.argv });
    worker.on('message', (reply: Reply<R>) => this.settle(reply));
    worker.on('error', (error) => this.fail(new HelperGoneError(`${this.options.script} failed: ${error.message}`), true));
    worker.on('exit', (code) => this.fail(new HelperGoneError(`${this.options.script} exited with code ${code}`), true));
    return {
      post: (message, transfer) => worker.postMessage(message, transfer),
      ref: () => worker.ref(),
      unref: () => worker.unref(),
      terminate: async () => void (await worker.terminate()),
    };
  }

  private startProcess(): Endpoint {
    const script = threadScript(this.options.script, this.options.fromDir);
    const child: ChildProcess = fork(script.file, script.argv, {
      env: this.options.env ?? process.env,
      // Not the parent's flags (a test runner's loaders): only how modules resolve, which the helper must share.
      execArgv: process.execArgv.filter((flag) => flag.startsWith('--preserve-symlinks')),
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (reply: Reply<R>) => this.settle(reply));
    child.on('error', (error) => this.fail(new HelperGoneError(`${this.options.script} process failed: ${error.message}`), true));
    child.on('exit', (code, signal) => this.fail(new HelperGoneError(`${this.options.script} process exited with ${signal ?? `code ${code}`}`), true));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return {
      post: (message) => child.send(message as object),
      ref: () => {
        child.ref();
        child.channel?.ref();
      },
      unref: () => {
        child.unref();
        child.channel?.unref();
      },
      terminate: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  }
}
