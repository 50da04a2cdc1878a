// The worker agent: registers, waits for jobs (subscription wake-up, polling fallback), claims one with a lease,
// evaluates it with the pipeline while heartbeating, and reports the result or the failure on the job. An ADMIN may
// drain it (it finishes its running job, then claims nothing until resumed, polling quietly) or remove it (it drops
// its job, which the api has already handed back, and stops: the process exits with REMOVED_EXIT_CODE).
import { hostname } from 'node:os';
import type { EvaluationOptions, EvaluationResult } from '../pipeline/evaluation-types';
import type { WorkerCapabilities } from '../pipeline/probe-capabilities';
import { ApiClient, ApiError } from './api-client';
import { WorkerCache } from './cache';
import { isRemoval, type JobOutcome, JobRunner } from './job-runner';
import { CLAIM_JOB, JOB_QUEUED, type JobClaim, REGISTER_WORKER, WORKER_DRAINING } from './protocol';
import { runInJob } from '../observability/job-context';

export type { JobOutcome } from './job-runner';

export interface AgentOptions {
  apiUrl: string;
  token?: string;
  name?: string;
  cacheDir: string;
  pollSeconds?: number;
  leaseSeconds?: number;
  deviceId?: number;
  /** Overrides the job's provider request (e.g. CPU on a box whose CUDA is known broken); AUTO keeps the job's. */
  executionProvider?: 'AUTO' | 'CUDA' | 'CPU';
  log?: (msg: string) => void;
}

export interface AgentDeps {
  runEvaluation(opts: EvaluationOptions): Promise<EvaluationResult>;
  probeCapabilities(deviceId?: number): Promise<WorkerCapabilities>;
}

/** 0.2.0: reports carry the worker id (the api binds each attempt to its claimant); drain and removal. */
export const AGENT_VERSION = '0.2.0';

/** The process exit status of a worker an ADMIN removed: supervisors should not restart it (it would be refused). */
export const REMOVED_EXIT_CODE = 3;

export class WorkerAgent {
  readonly api: ApiClient;
  private readonly cache: WorkerCache;
  private workerId?: string;
  private stopping = false;
  private isDraining = false;
  private removedBecause?: string;
  private wake?: () => void;
  private woken = false;
  private readonly runner: JobRunner;
  private loop?: Promise<void>;
  private unsubscribe?: () => void;
  private readonly log: (msg: string) => void;
  private readonly pollMs: number;
  private readonly leaseSeconds: number;
  private readonly registered: Promise<string>;
  private resolveRegistered!: (id: string) => void;
  /** Jobs finished by this agent, for logs and tests. */
  readonly finished: { jobId: string; outcome: JobOutcome; error?: string }[] = [];

  constructor(
    private readonly opts: AgentOptions,
    private readonly deps: AgentDeps,
  ) {
    this.pollMs = (opts.pollSeconds ?? 5) * 1000;
    this.leaseSeconds = opts.leaseSeconds ?? 60;
    this.api = new ApiClient(opts.apiUrl, opts.token ?? '');
    this.cache = new WorkerCache(opts.cacheDir, this.api);
    this.log = opts.log ?? ((m) => console.log(`[worker] ${m}`));
    this.registered = new Promise((resolve) => (this.resolveRegistered = resolve));
    this.runner = new JobRunner({
      api: this.api,
      cache: this.cache,
      leaseSeconds: this.leaseSeconds,
      executionProvider: opts.executionProvider,
      deviceId: opts.deviceId,
      runEvaluation: (o) => deps.runEvaluation(o),
      workerId: () => this.workerId!,
      log: this.log,
      retire: (m) => this.retire(m),
      finished: this.finished,
    });
  }

  /**
   * Starts the job loop in the background; `ready()` resolves once the worker is registered. `onFatal` hears of an
   * error no retry can fix (a refused token, a name another token owns), `onRemoved` of an ADMIN's removal; after
   * either the loop has stopped.
   */
  start(onFatal?: (error: Error) => void, onRemoved?: (message: string) => void): void {
    this.loop ??= this.main().then(
      () => {
        if (this.removedBecause !== undefined) onRemoved?.(this.removedBecause);
      },
      (e) => {
        this.log(`job loop stopped: ${(e as Error).message}`);
        onFatal?.(e as Error);
      },
    );
  }

  /** True while an ADMIN drains this worker (seen on its last claim or registration). */
  get draining(): boolean {
    return this.isDraining;
  }

  /** The api's message once an ADMIN removed this worker; the loop has stopped then. */
  get removed(): string | undefined {
    return this.removedBecause;
  }

  /** The worker's id once registered (the api may be unreachable for a while: registration retries). */
  ready(): Promise<string> {
    return this.registered;
  }

  get busy(): boolean {
    return this.runner.current !== undefined;
  }

  /** Stops taking jobs; a running job stops after its current batch and is released (back to QUEUED). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.runner.stop('release', 'worker shutting down');
    this.wakeUp();
    await this.loop;
    this.unsubscribe?.();
    await this.api.close();
  }

  private async main(): Promise<void> {
    await this.register();
    if (this.stopping) return;
    this.unsubscribe = this.api.subscribe(
      JOB_QUEUED,
      () => this.wakeUp(),
      (e) => this.log(`job wake-up subscription dropped (${describe(e)}); re-subscribing, polling every ${this.pollMs / 1000} s meanwhile`),
    );
    while (!this.stopping) {
      let claim: JobClaim | null = null;
      try {
        claim = await this.claim();
        if (this.isDraining) {
          this.isDraining = false;
          this.log('resumed by an admin: taking jobs again');
        }
      } catch (e) {
        if (isRemoval(e)) this.retire(e.message);
        else if (e instanceof ApiError && e.reason === WORKER_DRAINING) this.drain(e.message);
        else this.log(`claim failed: ${(e as Error).message}`);
      }
      if (claim) {
        const claimed = claim;
        // Its log lines carry the job id and attempt; its outcome is counted (observability/job-context.ts).
        await runInJob(
          { jobId: claimed.job.id, attempt: claimed.attempt },
          () => this.runner.run(claimed),
          () => this.finished.at(-1)?.outcome,
        );
        continue;
      }
      await this.sleep(this.pollMs);
    }
  }

  private async register(): Promise<void> {
    const caps = await this.deps.probeCapabilities(this.opts.deviceId ?? 0);
    const name = this.opts.name ?? `${hostname()}-${process.pid}`;
    const input = {
      name,
      executionProviders: caps.executionProviders,
      gpuName: caps.gpuName ?? null,
      gpuMemoryMb: caps.gpuMemoryMb ?? null,
      cpuCores: caps.cpuCores,
      cpuModel: caps.cpuModel?.slice(0, 256) || null,
      version: AGENT_VERSION,
    };
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        const { registerWorker } = await this.api.request<{ registerWorker: { id: string; state: string; stateReason: string | null } }>(REGISTER_WORKER, { input });
        this.workerId = registerWorker.id;
        this.resolveRegistered(registerWorker.id);
        const cuda = caps.cudaUnavailableReason ? ` (CUDA: ${caps.cudaUnavailableReason})` : '';
        this.log(`registered as ${name} (${registerWorker.id}) at ${this.opts.apiUrl}; providers ${caps.executionProviders.join(', ')}${cuda}${caps.gpuName ? `; GPU ${caps.gpuName}` : ''}`);
        if (registerWorker.state === 'DRAINING') this.drain(`worker "${name}" is draining${registerWorker.stateReason ? ` (${registerWorker.stateReason})` : ''}`);
        return;
      } catch (e) {
        // A removed name stays refused until an ADMIN resumes it: stop as removed, without retrying.
        if (isRemoval(e)) return this.retire(e.message);
        // Auth, ownership and validation errors will not fix themselves; an api still starting (or restarting) will.
        if (e instanceof ApiError && ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'CONFLICT'].includes(e.code ?? '')) throw e;
        const waitMs = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
        if (attempt % 5 === 0) this.log(`cannot register at ${this.opts.apiUrl} (${(e as Error).message}); retrying`);
        await this.sleep(waitMs);
      }
    }
  }

  /** An ADMIN drains this worker: the running job (if any) finishes; claims are refused until it is resumed. */
  private drain(message: string): void {
    if (this.isDraining) return;
    this.isDraining = true;
    this.log(`drained by an admin (${message}); taking no new jobs until an ADMIN resumes this worker (resumeWorker)`);
  }

  /** An ADMIN removed this worker: the api already handed its job back, so drop it unreported and stop. */
  private retire(message: string): void {
    if (this.removedBecause !== undefined) return;
    this.removedBecause = message;
    this.log(`removed by an admin (${message}); dropping any running job (the api has re-queued it) and stopping`);
    this.stopping = true;
    this.runner.stop('lost', 'worker removed', true);
    this.wakeUp();
  }

  private wakeUp(): void {
    this.woken = true;
    this.wake?.();
  }

  /** Waits `ms` or until woken; a wake-up that arrived while busy is not lost. */
  private async sleep(ms: number): Promise<void> {
    if (this.woken || this.stopping) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
    this.woken = false;
  }

  private async claim(): Promise<JobClaim | null> {
    const { claimEvaluationJob } = await this.api.request<{ claimEvaluationJob: JobClaim | null }>(CLAIM_JOB, {
      input: { workerId: this.workerId, leaseSeconds: this.leaseSeconds },
    });
    return claimEvaluationJob;
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  const close = e as { code?: number; reason?: string };
  return close?.code ? `closed ${close.code} ${close.reason ?? ''}`.trim() : JSON.stringify(e);
}
