// The worker's Prometheus metrics (prom-client), served by health-server.ts: images evaluated (rate = images/s),
// batch latency split into decode (waiting for decoded images) and inference (the session run), post-processing busy
// time per evaluation, the execution provider in use, and job outcomes. Names: docs/operations.md.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const registers = [registry];

const PROVIDERS = ['CUDA', 'CPU'] as const;
const OUTCOMES = ['SUCCEEDED', 'FAILED', 'RELEASED', 'CANCELLED', 'LOST', 'UNKNOWN'] as const;

const batchSeconds = new Histogram({
  name: 'podium_worker_batch_seconds',
  help: 'Per batch: decode = waiting for its decoded images, inference = the session run',
  labelNames: ['stage'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
});
const stageSeconds = new Counter({
  name: 'podium_worker_stage_seconds_total',
  help: "Time spent by stage (decode, inference, post); post is the post-processing threads' busy time",
  labelNames: ['stage'] as const,
  registers,
});
const images = new Counter({ name: 'podium_worker_images_total', help: 'Images evaluated (rate() of it is images/s)', registers });
const imagesPerSecond = new Gauge({ name: 'podium_worker_images_per_second', help: 'Throughput of the last finished evaluation', registers });
const providerInUse = new Gauge({ name: 'podium_worker_execution_provider', help: '1 for the execution provider of the current or last evaluation', labelNames: ['provider'] as const, registers });
const providersAvailable = new Gauge({
  name: 'podium_worker_providers_available',
  help: '1 for each execution provider this worker can use (probed at start)',
  labelNames: ['provider'] as const,
  registers,
});

export const workerMetrics = {
  registry,
  jobs: new Counter({ name: 'podium_worker_jobs_total', help: 'Jobs this worker ended, by outcome', labelNames: ['outcome'] as const, registers }),
  jobRunning: new Gauge({ name: 'podium_worker_job_running', help: '1 while a job runs', registers }),

  /** One batch through the session: its decode wait and its inference time (ms), and its images. */
  batch(b: { images: number; decodeMs: number; inferenceMs: number }): void {
    images.inc(b.images);
    batchSeconds.observe({ stage: 'decode' }, b.decodeMs / 1000);
    batchSeconds.observe({ stage: 'inference' }, b.inferenceMs / 1000);
    stageSeconds.inc({ stage: 'decode' }, b.decodeMs / 1000);
    stageSeconds.inc({ stage: 'inference' }, b.inferenceMs / 1000);
  },

  provider(provider: 'CUDA' | 'CPU'): void {
    for (const p of PROVIDERS) providerInUse.set({ provider: p }, p === provider ? 1 : 0);
  },

  /** A finished evaluation's post-processing busy time and throughput. */
  evaluated(e: { postSeconds: number; imagesPerSecond: number }): void {
    stageSeconds.inc({ stage: 'post' }, e.postSeconds);
    imagesPerSecond.set(e.imagesPerSecond);
  },

  available(providers: readonly string[]): void {
    for (const p of PROVIDERS) providersAvailable.set({ provider: p }, providers.includes(p) ? 1 : 0);
  },
};

// Every outcome and stage is present from the start (a scrape before the first job shows zeros, not gaps).
for (const outcome of OUTCOMES) workerMetrics.jobs.inc({ outcome }, 0);
for (const stage of ['decode', 'inference', 'post']) stageSeconds.inc({ stage }, 0);
