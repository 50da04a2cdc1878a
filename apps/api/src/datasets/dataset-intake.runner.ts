/**
 * Owns the dataset intake thread: registering a dataset (extraction, validation, image checks, digest, tar) runs
 * there, so a hostile or huge upload never stalls the api's event loop. Jobs run one at a time; a job's work folder
 * lives under `<dataDir>/tmp/datasets` and is removed whatever happens (leftovers of a crash are swept at start).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppError, type AppErrorCode } from '../common/app-error';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import type { IntakeJob, IntakeResult } from './dataset-intake';

type Reply = { id: number; ok: true; result: IntakeResult } | { id: number; ok: false; error: { code?: AppErrorCode; message: string; details?: Record<string, unknown>; stack?: string } };

/** The thread's heap: a COCO json at the 64 MiB cap parses in a few hundred MB; past this the thread dies, not the api. */
const THREAD_HEAP_MB = 1024;

/** Where a job's files go: beside the artifact store, so the finished tar is renamed into place, not copied. */
export const intakeWorkRoot = (config: Pick<AppConfig, 'dataDir'>): string => join(config.dataDir, 'tmp', 'datasets');

@Injectable()
export class DatasetIntakeRunner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Datasets');
  private worker?: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: IntakeResult) => void; reject: (e: Error) => void }>();
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get workRoot(): string {
    return intakeWorkRoot(this.config);
  }

  async onModuleInit(): Promise<void> {
    // Work folders left by a crash: nothing runs at start, so everything here is a leftover.
    if (existsSync(this.workRoot)) {
      for (const name of await readdir(this.workRoot)) await rm(join(this.workRoot, name), { recursive: true, force: true });
    }
    this.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('dataset intake stopped: the api is shutting down'));
    await worker?.terminate();
  }

  /** A fresh work folder for one job (the caller removes it with `removeWorkDir`). */
  async newWorkDir(): Promise<string> {
    const dir = join(this.workRoot, randomUUID());
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Removes a job's folder without blocking the event loop (an extracted tree may hold many files). */
  removeWorkDir(dir: string): Promise<void> {
    return rm(dir, { recursive: true, force: true });
  }

  /** Runs one job on the thread after those before it; AppErrors thrown there come back as AppErrors. */
  run(job: IntakeJob): Promise<IntakeResult> {
    const turn = this.queue.then(() => this.send(job));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private send(job: IntakeJob): Promise<IntakeResult> {
    if (this.stopped) return Promise.reject(new Error('dataset intake stopped: the api is shutting down'));
    const worker = this.start();
    const id = this.nextId++;
    worker.ref();
    return new Promise<IntakeResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, job });
    }).finally(() => {
      if (!this.pending.size) this.worker?.unref();
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnThread('dataset-intake.thread', __dirname, { resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
    worker.unref();
    worker.on('message', (reply: Reply) => this.settle(reply));
    const died = (e: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.logger.error(`dataset intake thread failed: ${e.message}`, e.stack);
      this.failAll(new Error(`dataset intake thread failed: ${e.message}`));
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: Reply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (reply.ok) return waiter.resolve(reply.result);
    const { code, message, details, stack } = reply.error;
    if (code) return waiter.reject(new AppError(code, message, details));
    const error = new Error(message);
    error.stack = stack;
    waiter.reject(error);
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/**
 * A worker_thread on `<name>.js` beside `dir` (the built api), or else on `<name>.ts` compiled as it loads (the
 * sources, under vitest): a test never runs a stale `dist/`. The compiler is SWC, which the tests already use; the
 * `@podium/*` libs resolve to their sources as tsconfig's paths say (the build rewrites them, tsc-alias).
 */
function spawnThread(name: string, dir: string, options: ConstructorParameters<typeof Worker>[1] = {}): Worker {
  const built = join(dir, `${name}.js`);
  if (existsSync(built)) return new Worker(built, options);
  const entry = join(dir, `${name}.ts`);
  // @swc/core's native binding segfaults when a second thread loads it after the first one ended, unless this
  // thread holds it loaded (seen on Node 20 with @swc/core 1.15).
  createRequire(entry)('@swc/core');
  return new Worker(FROM_SOURCE, { ...options, eval: true, workerData: { entry, root: join(dir, '../../../..') } });
}

const FROM_SOURCE = `
const { workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const { readFileSync } = require('node:fs');
const load = createRequire(workerData.entry);
const { transformSync } = load('@swc/core');
const Module = load('node:module');
const libs = { '@podium/contracts': 'libs/contracts/src/index.ts', '@podium/metrics': 'libs/metrics/src/index.ts', '@podium/registry': 'libs/registry/src/index.ts' };
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, libs[request] ? require('node:path').join(workerData.root, libs[request]) : request, ...rest);
};
Module._extensions['.ts'] = (module, filename) => {
  const options = { filename, sourceMaps: 'inline', jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } };
  module._compile(transformSync(readFileSync(filename, 'utf8'), options).code, filename);
};
load(workerData.entry);
`;
