// The worker protocol and evaluation jobs through the real api, with a fake worker that calls the GraphQL mutations.
import { resolve } from 'node:path';
import { create as tarCreate } from 'tar';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/database/database';
import { EvaluationJobStatus } from '../../src/evaluations/evaluation-job-status';
import { EvaluationJobsRepository } from '../../src/evaluations/evaluation-jobs.repository';
import { EvaluationJobsService } from '../../src/evaluations/evaluation-jobs.service';
import { EvaluationRunWriter } from '../../src/evaluations/evaluation-run.writer';
import { JobLeaseService } from '../../src/evaluations/job-lease.service';
import { PUB_SUB, type PodiumPubSub } from '../../src/graphql/pubsub';
import { METRIC_LOGGED, type MetricLoggedEvent } from '../../src/metrics/metric-events';
import { MetricsService } from '../../src/metrics/metrics.service';
import { RunsService } from '../../src/runs/runs.service';
import { DIALECTS } from '../support/databases';
import { fakeResult } from '../support/fake-evaluation';
import { collect, startTestApp, type TestApp } from '../support/test-app';

const COCO128 = resolve(__dirname, '../../../../assets/datasets/coco128');

const JOB =
  'id status attempt maxAttempts runId sourceRunId artifactPath epoch cancelRequested error errorCode workerId progress { done total imagesPerSecond etaSeconds } dataset { name version digest } settings { imgsz conf iou maxDet classes batch executionProvider } result { map50 map50_95 precision recall f1 precisionAtConf executionProvider device skippedImages coco { ap ap50 ap75 ar100 } thresholdSweep { iou points { conf f1 } } }';
const CLAIM = `mutation($i: ClaimEvaluationJobInput!) { claimEvaluationJob(input: $i) { attempt leaseExpiresAt modelUrl modelSha256 dataset { name version digest format classNames archiveUrl imagesDir labelsDir annotationsPath } job { ${JOB} } } }`;
const HEARTBEAT = 'mutation($i: HeartbeatEvaluationJobInput!) { heartbeatEvaluationJob(input: $i) { leaseExpiresAt cancelRequested } }';
const COMPLETE = `mutation($i: CompleteEvaluationJobInput!) { completeEvaluationJob(input: $i) { ${JOB} } }`;
const FAIL = `mutation($i: FailEvaluationJobInput!) { failEvaluationJob(input: $i) { ${JOB} } }`;
const RELEASE = `mutation($i: ReleaseEvaluationJobInput!) { releaseEvaluationJob(input: $i) { ${JOB} } }`;
const EVALUATE = `mutation($i: EvaluateModelInput!) { evaluateModel(input: $i) { ${JOB} } }`;
const CANCEL = `mutation($i: CancelEvaluationJobInput!) { cancelEvaluationJob(input: $i) { ${JOB} } }`;

describe.each(DIALECTS)('evaluation jobs and the worker protocol on %s', (dialect) => {
  let t: TestApp | undefined;
  let lease: JobLeaseService;
  let runId: string;
  let experimentId: string;
  let workerId: string;
  let digest: string;

  const ok = async (query: string, variables?: Record<string, unknown>) => {
    const res = await t!.gql(query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data;
  };
  const evaluate = (extra: Record<string, unknown> = {}) =>
    ok(EVALUATE, { i: { runId, artifactPath: 'weights/best.onnx', dataset: { name: 'coco128' }, imgsz: 640, ...extra } }).then((d) => d.evaluateModel);
  const claim = (wid = workerId, leaseSeconds = 60) => ok(CLAIM, { i: { workerId: wid, leaseSeconds } }).then((d) => d.claimEvaluationJob);
  const drain = async () => {
    // Leaves no QUEUED job behind for the next test: each claimed one is failed.
    for (let c = await claim(); c; c = await claim()) await ok(FAIL, { i: { workerId, jobId: c.job.id, attempt: c.attempt, error: 'drained' } });
  };

  beforeAll(async () => {
    t = await startTestApp(dialect);
    if (!t) return;
    lease = t.podium.app.get(JobLeaseService);
    const tarFile = join(mkdtempSync(join(tmpdir(), 'podium-ds-')), 'c.tar');
    await tarCreate({ file: tarFile, cwd: resolve(COCO128, '..') }, ['coco128']);
    const up = await t.http().post('/datasets/upload?name=coco128&format=YOLO&classNames=coco80').set('content-type', 'application/x-tar').send(readFileSync(tarFile));
    expect(up.status).toBe(201);
    digest = up.body.digest;
    experimentId = (await ok('mutation { createExperiment(input: { name: "yolo" }) { id } }')).createExperiment.id;
    runId = (
      await ok('mutation($e: ID!) { createRun(input: { experimentId: $e, name: "train", params: [{ key: "imgsz", value: "416" }], evaluationDataset: "coco128" }) { id } }', { e: experimentId })
    ).createRun.id;
    const put = await t.http().put(`/artifacts/${runId}/weights/best.onnx`).set('content-type', 'application/octet-stream').send(Buffer.from('not really onnx'));
    expect(put.status).toBe(201);
    workerId = (await ok('mutation { registerWorker(input: { name: "w1", executionProviders: ["CUDA", "CPU"], gpuName: "H100", gpuMemoryMb: 81559, cpuCores: 16 }) { id } }')).registerWorker.id;
  });
  afterAll(async () => t?.close());

  it("queues a job with its evaluation run, leases it to a worker, and records the result as the run's metrics", async (ctx) => {
    if (!t) return ctx.skip();
    const job = await evaluate({ conf: 0.001, iou: 0.6 });
    expect(job).toMatchObject({ status: 'QUEUED', attempt: 0, sourceRunId: runId, dataset: { name: 'coco128', version: 1, digest } });
    expect(job.settings).toEqual({ imgsz: 640, conf: 0.001, iou: 0.6, maxDet: 300, classes: null, batch: null, executionProvider: 'AUTO' });
    const evalRun = (await ok('query($id: ID!) { run(id: $id) { kind status experimentId parentRunId params { key value } } }', { id: job.runId })).run;
    expect(evalRun).toMatchObject({ kind: 'EVALUATION', status: 'RUNNING', experimentId, parentRunId: runId });
    const params = Object.fromEntries(evalRun.params.map((p: { key: string; value: string }) => [p.key, p.value]));
    expect(params).toMatchObject({
      job_id: job.id,
      dataset: 'coco128',
      dataset_digest: digest,
      dataset_version: '1',
      imgsz: '640',
      conf: '0.001',
      iou: '0.6',
      max_det: '300',
      source_run_id: runId,
      artifact_path: 'weights/best.onnx',
    });
    expect(params.classes).toBeUndefined();

    const updates = collect(t.ws(), `subscription($id: ID!) { evaluationJobUpdated(jobId: $id) { status progress { done total } result { map50 } } }`, { id: job.id }, 5);
    await new Promise((r) => setTimeout(r, 200));
    const c = await claim();
    expect(c).toMatchObject({
      attempt: 1,
      modelUrl: `/artifacts/${runId}/weights/best.onnx`,
      dataset: { name: 'coco128', digest, format: 'YOLO', archiveUrl: `/datasets/${digest}.tar`, imagesDir: 'images/train2017', labelsDir: 'labels/train2017' },
    });
    expect(c.job).toMatchObject({ id: job.id, status: 'RUNNING', workerId });
    expect(c.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(c.dataset.classNames[0]).toBe('person');
    const hb = await ok(HEARTBEAT, { i: { workerId, jobId: job.id, attempt: 1, progress: { done: 64, total: 128, imagesPerSecond: 100, etaSeconds: 0.64 } } });
    expect(hb.heartbeatEvaluationJob).toMatchObject({ cancelRequested: false });
    const done = (await ok(COMPLETE, { i: { workerId, jobId: job.id, attempt: 1, result: fakeResult(0.5) } })).completeEvaluationJob;
    expect(done).toMatchObject({ status: 'SUCCEEDED', progress: { done: 128, total: 128 }, result: { map50: 0.5, precisionAtConf: 0.008, executionProvider: 'CPU', device: 'test cpu' } });
    expect(done.result.thresholdSweep.map((s: { iou: number }) => s.iou)).toEqual([0.5, 0.6, 0.7]);
    // Per-class rows are typed; what the worker did not send (or sent as a non-number) is null.
    const perClass = await ok(`query($id: ID!) { evaluationJob(id: $id) { result { perClass { classId name nLabels ap50 ap50_95 precision } } } }`, { id: job.id });
    expect(perClass.evaluationJob.result.perClass).toEqual([{ classId: 0, name: 'person', nLabels: null, ap50: 0.8, ap50_95: null, precision: null }]);
    // The current state first, then each change; the stream completes after the final status (4 of the 5 asked).
    const events = await updates.done;
    expect(events.map((e) => e.evaluationJobUpdated.status)).toEqual(['QUEUED', 'RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect(events[2].evaluationJobUpdated.progress).toEqual({ done: 64, total: 128 });
    expect(events[3].evaluationJobUpdated.result).toEqual({ map50: 0.5 });
    const late = await collect(t.ws(), `subscription($id: ID!) { evaluationJobUpdated(jobId: $id) { status result { map50 } } }`, { id: job.id }, 2).done;
    expect(late).toEqual([{ evaluationJobUpdated: { status: 'SUCCEEDED', result: { map50: 0.5 } } }]);
    await expect(collect(t.ws(), 'subscription { evaluationJobUpdated(jobId: "00000000-0000-4000-8000-000000000000") { status } }', {}, 1).done).rejects.toThrow(/not found/);

    const finished = (await ok('query($id: ID!) { run(id: $id) { status params { key value } metrics { key last lastStep count } artifacts { path } } }', { id: job.runId })).run;
    expect(finished.status).toBe('FINISHED');
    const m = Object.fromEntries(finished.metrics.map((x: { key: string; last: number; lastStep: number; count: number }) => [x.key, x]));
    expect(Object.keys(m).sort()).toEqual([
      'best_confidence',
      'coco_ap',
      'coco_ap50',
      'coco_ap75',
      'coco_ar100',
      'f1',
      'fitness',
      'images_per_second',
      'map50',
      'map50_95',
      'map75',
      'precision',
      'precision_at_conf',
      'recall',
      'recall_at_conf',
      'skipped_images',
    ]);
    expect(m.map50).toMatchObject({ last: 0.5, lastStep: 0, count: 1 });
    expect(m.precision_at_conf.last).toBe(0.008);
    const p = Object.fromEntries(finished.params.map((x: { key: string; value: string }) => [x.key, x.value]));
    expect(p).toMatchObject({ execution_provider: 'CPU', device: 'test cpu' });
    expect(finished.artifacts.map((a: { path: string }) => a.path).sort()).toEqual(['evaluation/pr_curve.json', 'evaluation/result.json']);

    // Completing the same attempt again is a no-op: no second metric point.
    const again = (await ok(COMPLETE, { i: { workerId, jobId: job.id, attempt: 1, result: fakeResult(0.9) } })).completeEvaluationJob;
    expect(again.result.map50).toBe(0.5);
    const after = (await ok('query($id: ID!) { run(id: $id) { metrics(keys: ["map50"]) { last count } } }', { id: job.runId })).run;
    expect(after.metrics).toEqual([{ last: 0.5, count: 1 }]);
  });

  it("re-queues a job whose lease expired (attempt 2), refuses the stale attempt's reports, and finishes once", async (ctx) => {
    if (!t) return ctx.skip();
    const job = await evaluate();
    const first = await claim();
    expect(first.job.id).toBe(job.id);
    const moved = await lease.requeueExpiredLeases(Date.now() + 61_000);
    expect(moved.map((j) => [j.id, j.status])).toEqual([[job.id, 'QUEUED']]);
    const second = await claim();
    expect(second).toMatchObject({ attempt: 2, job: { id: job.id, status: 'RUNNING' } });

    const staleHb = await t.gql(HEARTBEAT, { i: { workerId, jobId: job.id, attempt: 1 } });
    expect(staleHb.errors![0].extensions.code).toBe('CONFLICT');
    expect(staleHb.errors![0].message).toMatch(/stale attempt/);
    const staleDone = await t.gql(COMPLETE, { i: { workerId, jobId: job.id, attempt: 1, result: fakeResult(0.1) } });
    expect(staleDone.errors![0].extensions.code).toBe('CONFLICT');
    const staleFail = await t.gql(FAIL, { i: { workerId, jobId: job.id, attempt: 1, error: 'killed' } });
    expect(staleFail.errors![0].extensions.code).toBe('CONFLICT');

    const done = (await ok(COMPLETE, { i: { workerId, jobId: job.id, attempt: 2, result: fakeResult(0.42) } })).completeEvaluationJob;
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempt: 2, result: { map50: 0.42 } });
    const late = await t.gql(COMPLETE, { i: { workerId, jobId: job.id, attempt: 1, result: fakeResult(0.1) } });
    expect(late.errors![0].extensions.code).toBe('CONFLICT');
    const run = (await ok('query($id: ID!) { run(id: $id) { metrics(keys: ["map50"]) { last count } } }', { id: job.runId })).run;
    expect(run.metrics).toEqual([{ last: 0.42, count: 1 }]);
  });

  it('fails a job whose lease expired maxAttempts times', async (ctx) => {
    if (!t) return ctx.skip();
    const job = await evaluate();
    let now = Date.now();
    for (let i = 1; i <= 3; i++) {
      const c = await claim();
      expect(c).toMatchObject({ attempt: i, job: { id: job.id } });
      now += 3_600_000;
      await lease.requeueExpiredLeases(now);
    }
    const final = (await ok(`query($id: ID!) { evaluationJob(id: $id) { ${JOB} } }`, { id: job.id })).evaluationJob;
    expect(final).toMatchObject({ status: 'FAILED', attempt: 3, error: 'lease expired 3 times', errorCode: 'LEASE_EXPIRED' });
    expect(await claim()).toBeNull();
    const run = (await ok('query($id: ID!) { run(id: $id) { status } }', { id: job.runId })).run;
    expect(run.status).toBe('FAILED');
  });

  it("cancels a QUEUED job at once and a RUNNING one through the worker's heartbeat", async (ctx) => {
    if (!t) return ctx.skip();
    const queued = await evaluate();
    const cancelled = (await ok(CANCEL, { i: { id: queued.id } })).cancelEvaluationJob;
    expect(cancelled.status).toBe('CANCELLED');
    expect(await claim()).toBeNull();
    expect((await ok('query($id: ID!) { run(id: $id) { status } }', { id: queued.runId })).run.status).toBe('KILLED');

    const running = await evaluate();
    const c = await claim();
    const requested = (await ok(CANCEL, { i: { id: running.id } })).cancelEvaluationJob;
    expect(requested).toMatchObject({ status: 'RUNNING', cancelRequested: true });
    const hb = (await ok(HEARTBEAT, { i: { workerId, jobId: running.id, attempt: c.attempt } })).heartbeatEvaluationJob;
    expect(hb.cancelRequested).toBe(true);
    const ended = (await ok(FAIL, { i: { workerId, jobId: running.id, attempt: c.attempt, error: 'cancelled', code: 'CANCELLED' } })).failEvaluationJob;
    expect(ended.status).toBe('CANCELLED');
    expect((await ok('query($id: ID!) { run(id: $id) { status } }', { id: running.runId })).run.status).toBe('KILLED');
    const late = await t.gql(CANCEL, {
      i: {
        id: (
          await evaluate().then(async (j) => {
            const cc = await claim();
            await ok(COMPLETE, { i: { workerId, jobId: j.id, attempt: cc.attempt, result: fakeResult(0.3) } });
            return j;
          })
        ).id,
      },
    });
    expect(late.errors![0].extensions.code).toBe('FAILED_PRECONDITION');
  });

  it('puts a released job back in the queue without counting it as a failure', async (ctx) => {
    if (!t) return ctx.skip();
    const job = await evaluate();
    const c = await claim();
    const released = (await ok(RELEASE, { i: { workerId, jobId: job.id, attempt: c.attempt, reason: 'SIGTERM' } })).releaseEvaluationJob;
    expect(released).toMatchObject({ status: 'QUEUED', workerId: null });
    const again = await claim();
    expect(again).toMatchObject({ attempt: 2, job: { id: job.id } });
    await ok(FAIL, { i: { workerId, jobId: job.id, attempt: 2, error: 'model invalid', code: 'MODEL_INVALID' } });
    const final = (await ok(`query($id: ID!) { evaluationJob(id: $id) { ${JOB} } }`, { id: job.id })).evaluationJob;
    expect(final).toMatchObject({ status: 'FAILED', error: 'model invalid', errorCode: 'MODEL_INVALID' });
  });

  it('never gives one job to two claimers (20 jobs, 4 workers racing)', async (ctx) => {
    if (!t) return ctx.skip();
    await drain();
    const jobs = await Promise.all(Array.from({ length: 20 }, () => evaluate()));
    const workers = await Promise.all(
      [1, 2, 3, 4].map((i) => ok(`mutation { registerWorker(input: { name: "racer-${i}", executionProviders: ["CPU"], cpuCores: 2 }) { id } }`).then((d) => d.registerWorker.id as string)),
    );
    const claimed: string[][] = workers.map(() => []);
    await Promise.all(
      workers.map(async (w, i) => {
        for (let c = await claim(w); c; c = await claim(w)) claimed[i].push(c.job.id);
      }),
    );
    const all = claimed.flat();
    expect(all).toHaveLength(20);
    expect(new Set(all).size).toBe(20);
    expect(new Set(all)).toEqual(new Set(jobs.map((j) => j.id)));
    // Each job is its claimer's to report on.
    await Promise.all(claimed.flatMap((ids, i) => ids.map((id) => ok(FAIL, { i: { workerId: workers[i], jobId: id, attempt: 1, error: 'race test' } }))));
  });

  it('leaves a job that asks for CUDA to a worker that can load CUDA', async (ctx) => {
    if (!t) return ctx.skip();
    await drain();
    const cpuOnly = (await ok('mutation { registerWorker(input: { name: "cpu-only", executionProviders: ["CPU"], cpuCores: 2 }) { id } }')).registerWorker.id;
    const cuda = await evaluate({ executionProvider: 'CUDA' });
    const auto = await evaluate({ executionProvider: 'AUTO' });
    const byCpu = await claim(cpuOnly);
    expect(byCpu.job.id).toBe(auto.id);
    expect(await claim(cpuOnly)).toBeNull();
    const byGpu = await claim(workerId);
    expect(byGpu.job).toMatchObject({ id: cuda.id, settings: { executionProvider: 'CUDA' } });
    await ok(FAIL, { i: { workerId: cpuOnly, jobId: auto.id, attempt: 1, error: 'x' } });
    await ok(FAIL, { i: { workerId, jobId: cuda.id, attempt: 1, error: 'x' } });
  });

  it('validates the request and the reported result', async (ctx) => {
    if (!t) return ctx.skip();
    const bad = await t.gql(EVALUATE, { i: { runId, artifactPath: 'weights/best.onnx', dataset: { name: 'coco128' }, imgsz: 650, conf: 1, classes: [0, 80] } });
    expect(bad.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].message).toContain('imgsz must be a multiple of 32');
    expect(bad.errors![0].message).toContain('conf must be in [0, 1)');
    expect(bad.errors![0].message).toContain('classes 80 are not class ids');
    const noArtifact = await t.gql(EVALUATE, { i: { runId, artifactPath: 'weights/nope.onnx', dataset: { name: 'coco128' } } });
    expect(noArtifact.errors![0].extensions.code).toBe('NOT_FOUND');
    const noDataset = await t.gql(EVALUATE, { i: { runId, artifactPath: 'weights/best.onnx', dataset: { name: 'missing' } } });
    expect(noDataset.errors![0].extensions.code).toBe('NOT_FOUND');
    const both = await t.gql(EVALUATE, { i: { runId, artifactPath: 'weights/best.onnx', modelName: 'm', version: 1, dataset: { name: 'coco128' } } });
    expect(both.errors![0].extensions.code).toBe('BAD_USER_INPUT');

    const filtered = await evaluate({ classes: [0], batch: 8, executionProvider: 'CUDA' });
    const params = (await ok('query($id: ID!) { run(id: $id) { params { key value } } }', { id: filtered.runId })).run.params;
    expect(params).toEqual(
      expect.arrayContaining([
        { key: 'classes', value: '0' },
        { key: 'batch', value: '8' },
      ]),
    );
    const c = await claim();
    const wrong = await t.gql(COMPLETE, { i: { workerId, jobId: filtered.id, attempt: c.attempt, result: { ...fakeResult(0.5), map50: 7, executionProvider: 'TPU' } } });
    expect(wrong.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(wrong.errors![0].message).toMatch(/map50 must be a number in \[0, 1\].*executionProvider must be CUDA or CPU/);
    const still = (await ok(`query($id: ID!) { evaluationJob(id: $id) { ${JOB} } }`, { id: filtered.id })).evaluationJob;
    expect(still.status).toBe('RUNNING');
    await ok(FAIL, { i: { workerId, jobId: filtered.id, attempt: c.attempt, error: 'done testing' } });
    const list = (await ok('query($r: ID!) { evaluationJobs(filter: { runId: $r, status: FAILED }, first: 100) { totalCount nodes { id status } } }', { r: runId })).evaluationJobs;
    expect(list.nodes.every((n: { status: string }) => n.status === 'FAILED')).toBe(true);
    expect(list.nodes.map((n: { id: string }) => n.id)).toContain(filtered.id);
  });

  it('refuses a filter runId that is not a uuid with BAD_USER_INPUT on both databases', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql('{ evaluationJobs(filter: { runId: "not-a-uuid" }) { totalCount } }');
    expect(res.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/runId must be a UUID/);
  });

  it('admits WORKER tokens to the protocol and the downloads only, and keeps other roles out of the protocol', async (ctx) => {
    if (!t) return ctx.skip();
    const token = async (name: string, role: string) =>
      `Bearer ${(await ok('mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }', { i: { name, role } })).createApiToken.secret}`;
    const worker = { authorization: await token('gpu-box', 'WORKER') };
    const viewer = { authorization: await token('reader', 'VIEWER') };
    const model = await t.http().get(`/artifacts/${runId}/weights/best.onnx`).set(worker);
    expect(model.status).toBe(200);
    expect((await t.http().get(`/datasets/${digest}.tar`).set(worker)).status).toBe(200);
    expect((await t.http().get(`/datasets/${digest}.tar`).set(viewer)).status).toBe(200);
    expect((await t.http().post('/datasets/upload?name=x&format=YOLO').set(viewer).send(Buffer.from('x'))).status).toBe(403);
    const reg = await t.gql('mutation { registerWorker(input: { name: "tokened", executionProviders: ["CPU"], cpuCores: 4 }) { id name } }', {}, worker);
    expect(reg.errors).toBeUndefined();
    const forbidden = await t.gql(CLAIM, { i: { workerId: reg.data.registerWorker.id } }, viewer);
    expect(forbidden.errors![0].extensions.code).toBe('FORBIDDEN');
    const noEval = await t.gql(EVALUATE, { i: { runId, artifactPath: 'weights/best.onnx', dataset: { name: 'coco128' } } }, worker);
    expect(noEval.errors![0].extensions.code).toBe('FORBIDDEN');
    await drain();
    const queued = await evaluate();
    const c = await t.gql(CLAIM, { i: { workerId: reg.data.registerWorker.id } }, worker);
    expect(c.errors).toBeUndefined();
    expect(c.data.claimEvaluationJob.job.id).toBe(queued.id);
    // The attempt is the worker token's: even an ADMIN (the local one here) may not report on it.
    const byAdmin = await t.gql(FAIL, { i: { workerId: reg.data.registerWorker.id, jobId: queued.id, attempt: 1, error: 'role test' } });
    expect(byAdmin.errors![0]).toMatchObject({ message: 'worker "tokened" belongs to another api token', extensions: { code: 'FORBIDDEN', reason: 'NOT_OWNER' } });
    const failed = await t.gql(FAIL, { i: { workerId: reg.data.registerWorker.id, jobId: queued.id, attempt: 1, error: 'role test' } }, worker);
    expect(failed.errors).toBeUndefined();
    expect(failed.data.failEvaluationJob.status).toBe('FAILED');
  });

  it('evaluates a registered model version (modelName + version) and wakes workers subscribed to evaluationJobQueued', async (ctx) => {
    if (!t) return ctx.skip();
    await drain();
    await ok('mutation { createRegisteredModel(input: { name: "person-detector" }) { name } }');
    await ok(`mutation { createModelVersion(input: { name: "person-detector", runId: "${runId}", artifactPath: "weights/best.onnx" }) { version } }`);
    const wake = collect(t.ws(), 'subscription { evaluationJobQueued { jobId } }', {}, 1);
    await new Promise((r) => setTimeout(r, 200));
    const job = (await ok(EVALUATE, { i: { modelName: 'person-detector', version: 1, dataset: { name: 'coco128' } } })).evaluateModel;
    expect((await wake.done)[0].evaluationJobQueued.jobId).toBe(job.id);
    expect(job).toMatchObject({ sourceRunId: runId, artifactPath: 'weights/best.onnx' });
    const c = await claim();
    expect(c.modelUrl).toBe(`/artifacts/${runId}/weights/best.onnx`);
    await ok(COMPLETE, { i: { workerId, jobId: job.id, attempt: c.attempt, result: fakeResult(0.61) } });
    const run = (await ok('query($id: ID!) { run(id: $id) { kind status parentRunId params { key value } metrics(keys: ["map50"]) { last } } }', { id: job.runId })).run;
    expect(run).toMatchObject({ kind: 'EVALUATION', status: 'FINISHED', parentRunId: runId, metrics: [{ last: 0.61 }] });
    expect(run.params).toEqual(
      expect.arrayContaining([
        { key: 'model_name', value: 'person-detector' },
        { key: 'model_version', value: '1' },
      ]),
    );
    const unknown = await t.gql(EVALUATE, { i: { modelName: 'person-detector', version: 9, dataset: { name: 'coco128' } } });
    expect(unknown.errors![0].extensions.code).toBe('NOT_FOUND');

    // A version whose source run was deleted is evaluated in the experiment "evaluations".
    const other = (await ok('mutation($e: ID!) { createRun(input: { experimentId: $e, name: "gone" }) { id } }', { e: experimentId })).createRun.id;
    expect((await t.http().put(`/artifacts/${other}/best.onnx`).send(Buffer.from('m'))).status).toBe(201);
    await ok(`mutation { createModelVersion(input: { name: "person-detector", runId: "${other}", artifactPath: "best.onnx" }) { version } }`);
    await ok('mutation($id: ID!) { deleteRun(id: $id) { id } }', { id: other });
    const orphan = (await ok(EVALUATE, { i: { modelName: 'person-detector', version: 2, dataset: { name: 'coco128' } } })).evaluateModel;
    const orphanRun = (await ok('query($id: ID!) { run(id: $id) { parentRunId experiment { name } } }', { id: orphan.runId })).run;
    expect(orphanRun).toEqual({ parentRunId: other, experiment: { name: 'evaluations' } });
    await drain();
  });

  it('continuous evaluation: three epoch checkpoints queue three jobs whose results a metricLogged subscriber sees at steps 1, 2, 3', async (ctx) => {
    if (!t) return ctx.skip();
    await drain();
    const seen = collect(t.ws(), 'subscription($r: ID!) { metricLogged(runId: $r, keys: ["coco128/map50"]) { key value step } }', { r: runId }, 3, 30_000);
    await new Promise((r) => setTimeout(r, 200));
    for (const epoch of [1, 2, 3]) {
      const put = await t
        .http()
        .put(`/artifacts/${runId}/weights/epoch${epoch}.onnx?epoch=${epoch}`)
        .set('content-type', 'application/octet-stream')
        .send(Buffer.from(`checkpoint ${epoch}`));
      expect(put.status).toBe(201);
    }
    // Not a checkpoint: no epoch, or not ONNX.
    await t.http().put(`/artifacts/${runId}/weights/last.onnx`).send(Buffer.from('x'));
    await t.http().put(`/artifacts/${runId}/plots/pr.png?epoch=3`).send(Buffer.from('x'));
    for (let i = 0; i < 3; i++) {
      const c = await claim();
      expect(c.job).toMatchObject({ epoch: i + 1, artifactPath: `weights/epoch${i + 1}.onnx`, settings: { imgsz: 416 } });
      await ok(COMPLETE, { i: { workerId, jobId: c.job.id, attempt: c.attempt, result: fakeResult(0.1 * (i + 1)) } });
    }
    expect(await claim()).toBeNull();
    const points = (await seen.done).map((e) => e.metricLogged);
    expect(points.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(points.map((p) => p.value)).toEqual([0.1, 0.2, 0.30000000000000004]);
    const training = (await ok('query($id: ID!) { run(id: $id) { metrics(keys: ["coco128/map50", "coco128/map50_95"]) { key count lastStep } } }', { id: runId })).run;
    expect(training.metrics).toEqual(
      expect.arrayContaining([
        { key: 'coco128/map50', count: 3, lastStep: 3 },
        { key: 'coco128/map50_95', count: 3, lastStep: 3 },
      ]),
    );
  });
  const RUN_STATE = 'query($id: ID!) { run(id: $id) { status deleted params { key } metrics(keys: ["map50", "map50_95"]) { key last lastStep count } artifacts { path } } }';
  const JOB_STATE = 'query($id: ID!) { evaluationJob(id: $id) { status attempt result { map50 } } }';
  const runState = async (id: string) => (await ok(RUN_STATE, { id })).run;
  const jobState = async (id: string) => (await ok(JOB_STATE, { id })).evaluationJob;

  it("commits the job's SUCCEEDED with its evaluation run's FINISHED and metrics: the first event of the completion already finds both", async (ctx) => {
    if (!t) return ctx.skip();
    await drain();
    const job = await evaluate();
    const c = await claim();
    expect(c.job.id).toBe(job.id);
    // The earliest a reader can learn of the completion: its first event (the evaluation run's metrics). What the
    // database holds at that moment, read at once on the reader, must be the whole outcome, not half of it.
    const bus = t.podium.app.get<PodiumPubSub>(PUB_SUB, { strict: false });
    const events = bus.subscribe(METRIC_LOGGED, job.runId) as AsyncIterable<MetricLoggedEvent>;
    const seen = (async () => {
      for await (const e of events) {
        const [j, [run], summaries] = await Promise.all([
          t!.podium.app.get(EvaluationJobsService).require(job.id),
          t!.podium.app.get(RunsService).findRunsByIds([job.runId]),
          t!.podium.app.get(MetricsService).summariesByRunIds([job.runId]),
        ]);
        return { points: e.lastSequence - e.firstSequence + 1, job: j.status, run: run.status, map50: summaries.get(job.runId)!.find((s) => s.key === 'map50')?.last };
      }
    })();
    const done = (await ok(COMPLETE, { i: { workerId, jobId: job.id, attempt: c.attempt, result: fakeResult(0.55) } })).completeEvaluationJob;
    // The mutation's response and a read right after it: the job and its run, both final, with the canonical metrics.
    const [afterJob, afterRun] = await Promise.all([jobState(job.id), runState(job.runId)]);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
    expect(afterJob).toEqual({ status: 'SUCCEEDED', attempt: 1, result: { map50: 0.55 } });
    expect(afterRun).toMatchObject({
      status: 'FINISHED',
      metrics: [
        { key: 'map50', last: 0.55, lastStep: 0, count: 1 },
        { key: 'map50_95', lastStep: 0, count: 1 },
      ],
    });
    expect(afterRun.params.map((p: { key: string }) => p.key)).toEqual(expect.arrayContaining(['execution_provider', 'device']));
    expect(afterRun.artifacts.map((a: { path: string }) => a.path).sort()).toEqual(['evaluation/pr_curve.json', 'evaluation/result.json']);
    expect(await seen).toEqual({ points: 16, job: 'SUCCEEDED', run: 'FINISHED', map50: 0.55 });
  });

  it("on PostgreSQL no reader sees a job ended before its run: while the run's row is held, the report (or cancel) waits with the job unchanged", async (ctx) => {
    if (!t || dialect !== 'postgres') return ctx.skip();
    await drain();
    const holder = new Client({ connectionString: t.db.config.databaseUrl });
    await holder.connect();
    const waitingOnLock = async () => {
      for (let i = 0; i < 500; i++) {
        const { rows } = await holder.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        if (rows[0].n > 0) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('the report never waited for the run row');
    };
    try {
      for (const [report, final, runFinal] of [
        [(id: string, attempt: number) => ok(COMPLETE, { i: { workerId, jobId: id, attempt, result: fakeResult(0.4) } }), 'SUCCEEDED', 'FINISHED'],
        [(id: string, attempt: number) => ok(FAIL, { i: { workerId, jobId: id, attempt, error: 'out of memory', code: 'OOM' } }), 'FAILED', 'FAILED'],
      ] as const) {
        const job = await evaluate();
        const c = await claim();
        await holder.query('BEGIN');
        await holder.query('SELECT id FROM runs WHERE id = $1 FOR UPDATE', [job.runId]);
        const pending = report(job.id, c.attempt);
        await waitingOnLock();
        expect(await jobState(job.id)).toMatchObject({ status: 'RUNNING', attempt: c.attempt });
        expect((await runState(job.runId)).status).toBe('RUNNING');
        await holder.query('COMMIT');
        await pending;
        expect(await jobState(job.id)).toMatchObject({ status: final });
        expect((await runState(job.runId)).status).toBe(runFinal);
      }
      // Cancelling a queued job ends its run (KILLED) in the same transaction.
      const queued = await evaluate();
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM runs WHERE id = $1 FOR UPDATE', [queued.runId]);
      const cancelling = ok(CANCEL, { i: { id: queued.id } });
      await waitingOnLock();
      expect(await jobState(queued.id)).toMatchObject({ status: 'QUEUED' });
      await holder.query('COMMIT');
      expect((await cancelling).cancelEvaluationJob.status).toBe('CANCELLED');
      expect((await runState(queued.runId)).status).toBe('KILLED');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });

  it('a report whose run writes fail rolls the job back too: it stays RUNNING at its attempt, nothing is half written, and it can be reported again', async (ctx) => {
    if (!t) return ctx.skip();
    await drain();
    // A deleted evaluation run refuses the result: the completion fails as a whole.
    const job = await evaluate();
    const c = await claim();
    await ok('mutation($id: ID!) { deleteRun(id: $id) { id } }', { id: job.runId });
    const refused = await t.gql(COMPLETE, { i: { workerId, jobId: job.id, attempt: c.attempt, result: fakeResult(0.66) } });
    expect(refused.errors![0]).toMatchObject({ extensions: { code: 'FAILED_PRECONDITION' } });
    expect(refused.errors![0].message).toMatch(/^run [0-9a-f]{8} is deleted; restore it first$/);
    expect(await jobState(job.id)).toEqual({ status: 'RUNNING', attempt: c.attempt, result: null });
    const untouched = await runState(job.runId);
    expect(untouched).toMatchObject({ status: 'RUNNING', deleted: true, metrics: [], artifacts: [] });
    expect(untouched.params.map((p: { key: string }) => p.key)).not.toContain('device');
    await ok('mutation($id: ID!) { restoreRun(id: $id) { id } }', { id: job.runId });
    const done = (await ok(COMPLETE, { i: { workerId, jobId: job.id, attempt: c.attempt, result: fakeResult(0.66) } })).completeEvaluationJob;
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempt: c.attempt, result: { map50: 0.66 } });
    expect(await runState(job.runId)).toMatchObject({
      status: 'FINISHED',
      metrics: [
        { key: 'map50', last: 0.66, count: 1 },
        { key: 'map50_95', count: 1 },
      ],
    });

    // A param that contradicts the result (params are immutable): CONFLICT, the job stays RUNNING, its worker fails it.
    const other = await evaluate();
    const oc = await claim();
    await ok('mutation($id: ID!) { logParams(input: { runId: $id, params: [{ key: "device", value: "another gpu" }] }) { id } }', { id: other.runId });
    const conflicting = await t.gql(COMPLETE, { i: { workerId, jobId: other.id, attempt: oc.attempt, result: fakeResult(0.7) } });
    expect(conflicting.errors![0]).toMatchObject({ message: 'param "device" already has value "another gpu"; refusing "test cpu" (params are immutable)', extensions: { code: 'CONFLICT' } });
    expect(await jobState(other.id)).toEqual({ status: 'RUNNING', attempt: oc.attempt, result: null });
    expect(await runState(other.runId)).toMatchObject({ status: 'RUNNING', metrics: [] });
    const failed = (await ok(FAIL, { i: { workerId, jobId: other.id, attempt: oc.attempt, error: 'result refused' } })).failEvaluationJob;
    expect(failed.status).toBe('FAILED');
    expect((await runState(other.runId)).status).toBe('FAILED');
  });

  it('a job whose evaluation run was deleted still ends (FAILED, the run left as it is), and a deleted training run just gets no mirror', async (ctx) => {
    if (!t) return ctx.skip();
    await drain();
    const job = await evaluate();
    const c = await claim();
    await ok('mutation($id: ID!) { deleteRun(id: $id) { id } }', { id: job.runId });
    const failed = (await ok(FAIL, { i: { workerId, jobId: job.id, attempt: c.attempt, error: 'run deleted' } })).failEvaluationJob;
    expect(failed.status).toBe('FAILED');
    expect(await runState(job.runId)).toMatchObject({ status: 'RUNNING', deleted: true });

    const training = (await ok('mutation($e: ID!) { createRun(input: { experimentId: $e, name: "short-lived", evaluationDataset: "coco128" }) { id } }', { e: experimentId })).createRun.id;
    expect((await t.http().put(`/artifacts/${training}/weights/epoch4.onnx?epoch=4`).send(Buffer.from('4'))).status).toBe(201);
    const mc = await claim();
    expect(mc.job).toMatchObject({ epoch: 4, sourceRunId: training });
    await ok('mutation($id: ID!) { deleteRun(id: $id) { id } }', { id: training });
    const done = (await ok(COMPLETE, { i: { workerId, jobId: mc.job.id, attempt: mc.attempt, result: fakeResult(0.2) } })).completeEvaluationJob;
    expect(done.status).toBe('SUCCEEDED');
    expect(await runState(mc.job.runId)).toMatchObject({ status: 'FINISHED', metrics: [{ key: 'map50', last: 0.2, lastStep: 4 }, { key: 'map50_95' }] });
    const mirror = (await ok('query($id: ID!) { run(id: $id) { metrics { key } } }', { id: training })).run;
    expect(mirror.metrics).toEqual([]);
  });

  it('repairs what older versions or a crash left: a run still RUNNING after its job succeeded, a finished run without its files; no duplicate metric step', async (ctx) => {
    if (!t) return ctx.skip();
    await drain();
    expect((await t.http().put(`/artifacts/${runId}/weights/epoch9.onnx?epoch=9`).send(Buffer.from('9'))).status).toBe(201);
    const c = await claim();
    expect(c.job.epoch).toBe(9);
    // The state a version that committed the job and its run separately left when it stopped in between.
    await t.podium.app
      .get(Database)
      .write((tx) =>
        t!.podium.app
          .get(EvaluationJobsRepository)
          .moveIf(
            tx,
            c.job.id,
            { status: EvaluationJobStatus.RUNNING, attempt: c.attempt },
            { status: EvaluationJobStatus.SUCCEEDED, result: fakeResult(0.77), finishedAt: Date.now(), leaseExpiresAt: null },
          ),
      );
    expect(await runState(c.job.runId)).toMatchObject({ status: 'RUNNING', metrics: [], artifacts: [] });
    // A completion that stopped after its commit, before the files.
    const filesLost = await evaluate();
    const fc = await claim();
    await ok(COMPLETE, { i: { workerId, jobId: filesLost.id, attempt: fc.attempt, result: fakeResult(0.33) } });
    await t.podium.app.get(Database).write((tx) => tx.query(`DELETE FROM artifacts WHERE run_id = ${dialect === 'postgres' ? '$1' : '?'}`, [filesLost.runId]));

    expect(await lease.repairOpenRuns(Date.now())).toEqual([]); // within the grace period: a completion may be writing
    expect((await lease.repairOpenRuns(Date.now() + 120_000)).sort()).toEqual([c.job.id, filesLost.id].sort());
    expect(await lease.repairOpenRuns(Date.now() + 120_000)).toEqual([]);
    const job = await t.podium.app.get(EvaluationJobsService).require(c.job.id);
    const writer = t.podium.app.get(EvaluationRunWriter);
    await writer.finish(job, fakeResult(0.77) as never);
    await writer.writeResultFiles(job, fakeResult(0.77) as never, { name: 'again', role: 'ADMIN' as never });
    const evalRun = (await ok('query($id: ID!) { run(id: $id) { status metrics(keys: ["map50"]) { last lastStep count } artifacts { path } } }', { id: c.job.runId })).run;
    expect(evalRun).toEqual({ status: 'FINISHED', metrics: [{ last: 0.77, lastStep: 9, count: 1 }], artifacts: [{ path: 'evaluation/pr_curve.json' }, { path: 'evaluation/result.json' }] });
    const history = (await ok('query($r: ID!) { metricHistory(runId: $r, key: "coco128/map50", first: 100) { nodes { step value } } }', { r: runId })).metricHistory.nodes;
    expect(history.filter((p: { step: number }) => p.step === 9)).toEqual([{ step: 9, value: 0.77 }]);
    expect(await runState(filesLost.runId)).toMatchObject({
      status: 'FINISHED',
      metrics: [
        { key: 'map50', count: 1 },
        { key: 'map50_95', count: 1 },
      ],
      artifacts: [{ path: 'evaluation/pr_curve.json' }, { path: 'evaluation/result.json' }],
    });
  });
});
