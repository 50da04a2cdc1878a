// The real gpu-worker agent (in-process, real ONNX pipeline on the CPU EP) against the real api: a job end to end,
// failures reported on the job while the agent keeps working, release on shutdown, cancel, continuous evaluation.
// The pipeline's worker_thread scripts come from dist/: run `npm run build` first (npm test does).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { create as createTar } from 'tar';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, runCli } from '../../../../libs/metrics/src/cli';
import { WorkerAgent } from '../../../gpu-worker/src/agent/agent';
import type { EvaluationOptions } from '../../../gpu-worker/src/pipeline/evaluation-types';
import { probeCapabilities } from '../../../gpu-worker/src/pipeline/probe-capabilities';
import { runEvaluation } from '../../../gpu-worker/src/pipeline/run-evaluation';
import { createToken } from '../support/auth-helpers';
import { DIALECTS } from '../support/databases';
import { collect, startTestApp, type TestApp } from '../support/test-app';

const ASSETS = resolve(__dirname, '../../../../assets');
const YOLOX = readFileSync(join(ASSETS, 'models/yolox_nano.onnx'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const JOB_FIELDS = /* GraphQL */ `id status runId attempt workerId error errorCode progress { done total } result { map50 map50_95 precision recall precisionAtConf executionProvider device imagesEvaluated skippedImages thresholdSweep { iou points { conf } } }`;

/** A tar of one split of a YOLO folder (Ultralytics layout) from the repository's assets. */
async function yoloTar(src: string, split: string): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'podium-ds-'));
  for (const part of ['images', 'labels']) {
    mkdirSync(join(dir, part), { recursive: true });
    cpSync(join(ASSETS, 'datasets', src, part, split), join(dir, part, split), { recursive: true });
  }
  return buffer(createTar({ cwd: dir, portable: true }, ['images', 'labels']));
}

/** An HTTP hop to the api that can hold every request: a worker whose network froze (its lease then expires). */
async function pausableProxy(target: string) {
  let paused = false;
  const held: (() => void)[] = [];
  const server = createServer((req, res) => {
    const forward = () => {
      const up = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    if (paused) held.push(forward);
    else forward();
  });
  // HTTP only: graphql-ws upgrades are refused (the agent then relies on polling, as with a proxy that drops them).
  server.on('upgrade', (_req, socket) => socket.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pause: () => void (paused = true),
    resume: () => {
      paused = false;
      held.splice(0).forEach((f) => f());
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe.each(DIALECTS)('the gpu-worker agent against the api on %s', (dialect) => {
  let t: TestApp | undefined;
  let workerSecret: string;
  let experimentId: string;
  const agents: WorkerAgent[] = [];

  const gql = <T = any>(query: string, variables?: Record<string, unknown>): Promise<T> => t!.data<T>(query, variables);

  /** An agent with the real pipeline; `slow` adds a pause per progress event so a job stays RUNNING for a while. */
  // A lease of 30 s: a loaded machine can hold heartbeats back for seconds. The lease test shortens it to 10 s.
  const startAgent = (name: string, opts: { slowMs?: number; executionProvider?: 'CUDA' | 'CPU'; apiUrl?: string; leaseSeconds?: number; onRemoved?: (message: string) => void } = {}) => {
    const agent = new WorkerAgent(
      {
        executionProvider: opts.executionProvider,
        apiUrl: opts.apiUrl ?? t!.podium.url,
        token: workerSecret,
        name,
        cacheDir: mkdtempSync(join(tmpdir(), 'podium-cache-')),
        pollSeconds: 0.5,
        leaseSeconds: opts.leaseSeconds ?? 30,
        log: process.env.PODIUM_TEST_AGENT_LOG ? (m) => console.log(`[${name}] ${m}`) : () => undefined,
      },
      {
        probeCapabilities,
        runEvaluation: (o: EvaluationOptions) =>
          runEvaluation({
            ...o,
            batch: 1,
            onProgress: (p) => {
              o.onProgress?.(p);
              if (opts.slowMs) {
                const until = Date.now() + opts.slowMs;
                while (Date.now() < until); // holds the main thread, as a long batch would hold the pipeline
              }
            },
          }),
      },
    );
    agents.push(agent);
    agent.start(undefined, opts.onRemoved);
    return agent;
  };

  const newRun = async (name: string, extra: Record<string, unknown> = {}): Promise<string> =>
    (await gql('mutation($i: CreateRunInput!) { createRun(input: $i) { id } }', { i: { experimentId, name, ...extra } })).createRun.id;

  const upload = async (runId: string, path: string, bytes: Buffer, epoch?: number) => {
    const res = await t!
      .http()
      .put(`/artifacts/${runId}/${path}${epoch === undefined ? '' : `?epoch=${epoch}`}`)
      .set('content-type', 'application/octet-stream')
      .send(bytes);
    expect(res.status).toBe(201);
  };

  const evaluate = async (input: Record<string, unknown>): Promise<string> =>
    (await gql(`mutation($i: EvaluateModelInput!) { evaluateModel(input: $i) { id status } }`, { i: { dataset: { name: 'coco8val' }, imgsz: 416, executionProvider: 'CPU', ...input } })).evaluateModel
      .id;

  const job = async (id: string) => (await gql(`query($id: ID!) { evaluationJob(id: $id) { ${JOB_FIELDS} } }`, { id })).evaluationJob;

  const waitFor = async (id: string, done: (j: any) => boolean, timeoutMs = 60_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const j = await job(id);
      if (done(j)) return j;
      if (Date.now() > until) throw new Error(`job ${id} still ${j.status} after ${timeoutMs} ms: ${JSON.stringify(j)}`);
      await sleep(100);
    }
  };
  const final = (id: string) => waitFor(id, (j) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(j.status));
  /** The job's commit is visible before the agent has read the api's answer: wait for its own record too. */
  const settled = async (agent: WorkerAgent, n: number) => {
    for (const until = Date.now() + 10_000; agent.finished.length < n && Date.now() < until;) await sleep(50);
    return agent.finished;
  };

  beforeAll(async () => {
    t = await startTestApp(dialect, { leaseSweepSeconds: 1 });
    if (!t) return;
    workerSecret = (await createToken(t, 'test-worker', 'WORKER')).secret;
    // Uploaded as archives (the route every deployment has; importDataset is for the embedded SQLite default only).
    for (const [name, src, split] of [
      ['coco8val', 'coco8', 'val'],
      ['coco128', 'coco128', 'train2017'],
    ]) {
      const res = await t
        .http()
        .post(`/datasets/upload?name=${name}&format=YOLO&classNames=coco80`)
        .set('content-type', 'application/x-tar')
        .send(await yoloTar(src, split));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    experimentId = (await gql('mutation { createExperiment(input: { name: "worker-agent" }) { id } }')).createExperiment.id;
  }, 120_000);

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop()));
  });
  afterAll(async () => t?.close());

  it('registers, claims a CPU job, streams progress and reports the result onto the evaluation run', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('yolox-nano');
    await upload(runId, 'weights/yolox_nano.onnx', YOLOX);
    const jobId = await evaluate({ runId, artifactPath: 'weights/yolox_nano.onnx' });
    const updates = collect(t.ws(), `subscription($id: ID!) { evaluationJobUpdated(jobId: $id) { status progress { done total } result { map50 } } }`, { id: jobId }, 100, 60_000);
    updates.done.catch(() => undefined); // read through `received`; the count is only an upper bound
    // The stream sends the job as it is first (QUEUED): once that arrived, every later change reaches this subscriber.
    for (const until = Date.now() + 30_000; !updates.received.length && Date.now() < until;) await sleep(20);
    expect(updates.received[0]?.evaluationJobUpdated).toMatchObject({ status: 'QUEUED' });
    const agent = startAgent('agent-a');
    const workerId = await agent.ready();

    const done = await final(jobId);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.result).toMatchObject({ executionProvider: 'CPU', imagesEvaluated: 4, skippedImages: 0 });
    expect(done.result.map50).toBeGreaterThan(0.3);
    expect(done.result.thresholdSweep.map((s: any) => s.iou)).toEqual([0.5, 0.6, 0.7]);
    expect(done.progress).toEqual({ done: 4, total: 4 });

    // The worker registered with what really loads here (no CUDA on this machine: CPU only).
    const workers = await gql('{ workers { nodes { id name executionProviders cpuCores } } }');
    expect(workers.workers.nodes).toContainEqual(expect.objectContaining({ id: workerId, name: 'agent-a', executionProviders: expect.arrayContaining(['CPU']) }));

    // The evaluation run holds the canonical metrics and the provider really used (written just after the job's commit).
    let run: any;
    for (const until = Date.now() + 10_000; Date.now() < until; await sleep(100)) {
      run = (await gql(`query($id: ID!) { run(id: $id) { kind status parentRunId params { key value } metrics { key last lastStep } } }`, { id: done.runId })).run;
      if (run.status !== 'RUNNING') break;
    }
    expect(run).toMatchObject({ kind: 'EVALUATION', status: 'FINISHED', parentRunId: runId });
    const metric = (key: string) => run.metrics.find((m: any) => m.key === key)?.last;
    expect(metric('map50')).toBeCloseTo(done.result.map50, 6);
    expect(metric('map50_95')).toBeGreaterThan(0);
    expect(run.params).toContainEqual({ key: 'execution_provider', value: 'CPU' });
    // P/R at the job's own conf (0.001): every candidate kept, so precision is far below the F1-optimal point's.
    expect(done.result.precisionAtConf).toBeGreaterThan(0);
    expect(done.result.precisionAtConf).toBeLessThan(done.result.precision);
    expect(metric('precision_at_conf')).toBeCloseTo(done.result.precisionAtConf, 6);

    // Its detections are kept on the evaluation run, and the metrics CLI on them gives the job's own numbers.
    const files = (await gql(`query($id: ID!) { run(id: $id) { artifacts { path contentType downloadUrl } } }`, { id: done.runId })).run.artifacts;
    const kept = files.find((a: any) => a.path === 'evaluation/predictions.json.gz');
    expect(kept).toMatchObject({ contentType: 'application/gzip' });
    const gz = await t
      .http()
      .get(kept.downloadUrl)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(gz.status).toBe(200);
    const dt = join(mkdtempSync(join(tmpdir(), 'podium-dt-')), 'predictions.json.gz');
    writeFileSync(dt, gz.body as Buffer);
    const offline = runCli(parseArgs(['--gt', join(ASSETS, 'datasets/coco8/labels/val'), '--images', join(ASSETS, 'datasets/coco8/images/val'), '--dt', dt, '--protocol', 'ultralytics']));
    expect(offline.map50).toBe(done.result.map50);
    expect(offline.map50_95).toBe(done.result.map50_95);

    // The subscriber saw the job claimed, its progress, and the final result.
    await sleep(300);
    updates.stop();
    const seen = updates.received.map((u: any) => u.evaluationJobUpdated);
    expect(seen.some((u: any) => u.status === 'RUNNING' && u.progress && u.progress.done > 0 && u.progress.done <= 4)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ status: 'SUCCEEDED', result: { map50: done.result.map50 } });
    expect(await settled(agent, 1)).toEqual([{ jobId, outcome: 'SUCCEEDED' }]);
  }, 120_000);

  it('reports a corrupt model (MODEL_INVALID) on the job and keeps taking jobs; CUDA where it cannot load fails with the reason', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('failures');
    await upload(runId, 'broken.onnx', Buffer.from('this is not an ONNX protobuf'.repeat(10)));
    await upload(runId, 'good.onnx', YOLOX);
    const caps = await probeCapabilities();
    const broken = await evaluate({ runId, artifactPath: 'broken.onnx' });
    const cuda = await evaluate({ runId, artifactPath: 'good.onnx', executionProvider: 'CUDA' });
    const good = await evaluate({ runId, artifactPath: 'good.onnx' });
    const agent = startAgent('agent-b');

    const b = await final(broken);
    expect(b).toMatchObject({ status: 'FAILED', errorCode: 'MODEL_INVALID' });
    expect(b.error).toMatch(new RegExp(`^/artifacts/${runId}/broken.onnx is not a valid ONNX model`));
    expect((await final(good)).status).toBe('SUCCEEDED');
    // The evaluation run of the failed job is FAILED, not left RUNNING.
    let status = 'RUNNING';
    for (const until = Date.now() + 10_000; status === 'RUNNING' && Date.now() < until; await sleep(100))
      status = (await gql(`query($id: ID!) { run(id: $id) { status } }`, { id: b.runId })).run.status;
    expect(status).toBe('FAILED');
    if (caps.executionProviders.includes('CUDA')) {
      expect((await final(cuda)).status).toBe('SUCCEEDED');
      return;
    }
    // No live worker registered CUDA, so this CPU-only agent takes the job that asks for CUDA and fails it, saying why
    // (with a CUDA worker alive the job would wait for it: evaluations.e2e).
    const c = await final(cuda);
    expect(c).toMatchObject({ status: 'FAILED', errorCode: 'PROVIDER_UNAVAILABLE' });
    expect(c.error).toMatch(/CUDA/);
    expect(await settled(agent, 3)).toEqual([
      expect.objectContaining({ jobId: broken, outcome: 'FAILED' }),
      expect.objectContaining({ jobId: cuda, outcome: 'FAILED' }),
      { jobId: good, outcome: 'SUCCEEDED' },
    ]);
    await agent.stop();

    // A worker forced to CUDA (PODIUM_EXECUTION_PROVIDER=CUDA) where the provider does not load fails the job, saying why.
    const forced = startAgent('agent-cuda', { executionProvider: 'CUDA' });
    const failing = await evaluate({ runId, artifactPath: 'good.onnx' });
    const f = await final(failing);
    expect(f).toMatchObject({ status: 'FAILED', errorCode: 'PROVIDER_UNAVAILABLE' });
    expect(f.error).toMatch(/CUDA/);
    expect(await settled(forced, 1)).toEqual([expect.objectContaining({ jobId: failing, outcome: 'FAILED' })]);
  }, 180_000);

  it('on stop, finishes the batch and releases the job (QUEUED again); another worker then completes it once', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('release');
    await upload(runId, 'm.onnx', YOLOX);
    const jobId = await evaluate({ runId, artifactPath: 'm.onnx', dataset: { name: 'coco128' } });
    const first = startAgent('agent-c', { slowMs: 100 });
    await waitFor(jobId, (j) => j.status === 'RUNNING' && (j.progress?.done ?? 0) > 0);
    await first.stop();
    expect(first.finished).toEqual([{ jobId, outcome: 'RELEASED' }]);
    const released = await job(jobId);
    expect(released.status).toBe('QUEUED');
    expect(released.attempt).toBe(1);

    const second = startAgent('agent-d');
    const done = await final(jobId);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempt: 2, result: { imagesEvaluated: 128 } });
    expect(await settled(second, 1)).toEqual([{ jobId, outcome: 'SUCCEEDED' }]);
    // One evaluation run, one point per metric key: the released attempt wrote nothing.
    const history = (await gql(`query($r: ID!) { metricHistory(runId: $r, key: "map50") { totalCount } }`, { r: done.runId })).metricHistory;
    expect(history.totalCount).toBe(1);
  }, 240_000);

  it('a worker that loses its lease: the job is re-queued, another worker completes it, the stale reports are refused', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('lease');
    await upload(runId, 'm.onnx', YOLOX);
    const jobId = await evaluate({ runId, artifactPath: 'm.onnx', dataset: { name: 'coco128' } });
    const proxy = await pausableProxy(t.podium.url);
    try {
      const frozen = startAgent('agent-frozen', { apiUrl: proxy.url, slowMs: 30, leaseSeconds: 10 });
      await waitFor(jobId, (j) => j.status === 'RUNNING' && (j.progress?.done ?? 0) > 0);
      proxy.pause();
      // No heartbeat gets through: after the 10 s lease the sweeper re-queues the job and a healthy worker takes it.
      const healthy = startAgent('agent-healthy');
      const done = await final(jobId);
      expect(done).toMatchObject({ status: 'SUCCEEDED', attempt: 2, result: { imagesEvaluated: 128 } });
      expect(await settled(healthy, 1)).toEqual([{ jobId, outcome: 'SUCCEEDED' }]);
      proxy.resume();
      // The frozen worker's late heartbeat or report carries attempt 1: refused, and it gives the job up.
      expect(await settled(frozen, 1)).toEqual([expect.objectContaining({ jobId, outcome: 'LOST' })]);
      expect(await job(jobId)).toMatchObject({ status: 'SUCCEEDED', attempt: 2 });
      const history = (await gql(`query($r: ID!) { metricHistory(runId: $r, key: "map50") { totalCount } }`, { r: done.runId })).metricHistory;
      expect(history.totalCount).toBe(1);
    } finally {
      proxy.resume();
      await Promise.all(agents.splice(0).map((a) => a.stop()));
      proxy.close();
    }
  }, 240_000);

  it('honours a cancel: the running job stops and ends CANCELLED', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('cancel');
    await upload(runId, 'm.onnx', YOLOX);
    const jobId = await evaluate({ runId, artifactPath: 'm.onnx', dataset: { name: 'coco128' } });
    const agent = startAgent('agent-e', { slowMs: 100 });
    await waitFor(jobId, (j) => j.status === 'RUNNING' && (j.progress?.done ?? 0) > 0);
    await gql('mutation($i: CancelEvaluationJobInput!) { cancelEvaluationJob(input: $i) { status } }', { i: { id: jobId } });
    const done = await final(jobId);
    expect(done.status).toBe('CANCELLED');
    expect(done.progress.done).toBeLessThan(128);
    expect(await settled(agent, 1)).toEqual([{ jobId, outcome: 'CANCELLED', error: expect.any(String) }]);
  }, 240_000);

  it('drained by an ADMIN, the agent finishes its job and claims nothing until resumed; removed mid-job, it drops the job and stops', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('admin');
    await upload(runId, 'm.onnx', YOLOX);
    const agent = startAgent('agent-g', { slowMs: 300 });
    const workerId = await agent.ready();
    // On coco128 (many batches): still running when the drain comes, however loaded the machine.
    const running = await evaluate({ runId, artifactPath: 'm.onnx', dataset: { name: 'coco128' } });
    await waitFor(running, (j) => j.status === 'RUNNING' && (j.progress?.done ?? 0) > 0);
    await gql('mutation($i: DrainWorkerInput!) { drainWorker(input: $i) { state } }', { i: { id: workerId, reason: 'maintenance' } });
    const waiting = await evaluate({ runId, artifactPath: 'm.onnx' });
    expect((await final(running)).status).toBe('SUCCEEDED');
    // Its next claims are refused: it says so once and keeps polling quietly.
    for (const until = Date.now() + 10_000; !agent.draining && Date.now() < until;) await sleep(100);
    expect(agent.draining).toBe(true);
    await sleep(1500);
    expect(await job(waiting)).toMatchObject({ status: 'QUEUED', attempt: 0 });
    await gql('mutation($i: ResumeWorkerInput!) { resumeWorker(input: $i) { state } }', { i: { id: workerId } });
    expect((await final(waiting)).status).toBe('SUCCEEDED');
    expect(agent.draining).toBe(false);
    expect(await settled(agent, 2)).toEqual([
      { jobId: running, outcome: 'SUCCEEDED' },
      { jobId: waiting, outcome: 'SUCCEEDED' },
    ]);

    // Removed while evaluating: the api hands the job back at once; the agent learns it on its next heartbeat, drops the
    // job without reporting and stops its loop (main exits with REMOVED_EXIT_CODE).
    await agent.stop();
    const removedMessages: string[] = [];
    const removable = startAgent('agent-h', { slowMs: 100, onRemoved: (m) => removedMessages.push(m) });
    const removableId = await removable.ready();
    const long = await evaluate({ runId, artifactPath: 'm.onnx', dataset: { name: 'coco128' } });
    await waitFor(long, (j) => j.status === 'RUNNING' && j.progress?.done > 0 && j.workerId === removableId);
    const removal = (await gql('mutation($i: RemoveWorkerInput!) { removeWorker(input: $i) { handedBack { id status } } }', { i: { id: removableId, reason: 'retired' } })).removeWorker;
    expect(removal.handedBack).toEqual([{ id: long, status: 'QUEUED' }]);
    for (const until = Date.now() + 20_000; removable.removed === undefined && Date.now() < until;) await sleep(100);
    expect(removable.removed).toMatch(/^worker "agent-h" was removed by local \(retired\): it can no longer claim or report$/);
    expect(await settled(removable, 1)).toEqual([expect.objectContaining({ jobId: long, outcome: 'LOST' })]);
    for (const until = Date.now() + 20_000; !removedMessages.length && Date.now() < until;) await sleep(100);
    expect(removedMessages).toEqual([removable.removed]);
    // Nothing it did after the removal reached the job: still QUEUED at attempt 1, taken next as attempt 2.
    expect(await job(long)).toMatchObject({ status: 'QUEUED', attempt: 1 });
    const other = startAgent('agent-i');
    expect(await final(long)).toMatchObject({ status: 'SUCCEEDED', attempt: 2, result: { imagesEvaluated: 128 } });
    expect(await settled(other, 1)).toEqual([{ jobId: long, outcome: 'SUCCEEDED' }]);
  }, 240_000);

  it('continuous evaluation: three epoch checkpoints give three validation points to a metricLogged subscriber', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('continuous', { evaluationDataset: 'coco8val', params: [{ key: 'imgsz', value: '416' }] });
    const points = collect(t.ws(), `subscription($r: ID!) { metricLogged(runId: $r) { key value step } }`, { r: runId }, 1000, 120_000);
    points.done.catch(() => undefined);
    startAgent('agent-f');
    for (const epoch of [1, 2, 3]) await upload(runId, `weights/epoch${epoch}.onnx`, YOLOX, epoch);
    const until = Date.now() + 120_000;
    const map50 = () => points.received.map((p: any) => p.metricLogged).filter((p: any) => p.key === 'coco8val/map50');
    while (map50().length < 3 && Date.now() < until) await sleep(200);
    points.stop();
    const seen = map50();
    expect(seen.map((p: any) => p.step).sort()).toEqual([1, 2, 3]);
    // Same bytes each epoch: the same mAP each time, and > 0.
    expect(seen[0].value).toBeGreaterThan(0.3);
    expect(new Set(seen.map((p: any) => p.value)).size).toBe(1);
  }, 240_000);
});
