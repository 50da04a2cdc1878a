// Evaluation-job events through the Redis event bus (several api replicas): a worker talks to one replica, a watcher
// and an idle worker are subscribed on the other; the job crosses a JSON hop (dates become strings).
import { mkdirSync, mkdtempSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { create as tarCreate } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, redisAvailable } from '../support/redis';
import { collect, startTestApp, type TestApp } from '../support/test-app';

const COCO8 = resolve(__dirname, '../../../../assets/datasets/coco8');

describe('evaluation jobs over Redis (two api replicas on one SQLite file)', () => {
  let api: TestApp | undefined;
  let watcher: TestApp | undefined;
  beforeAll(async () => {
    if (!(await redisAvailable())) return;
    api = await startTestApp('sqlite', { redisUrl: REDIS_URL });
    watcher = await startTestApp('sqlite', { redisUrl: REDIS_URL, ...api!.db.config });
  });
  afterAll(async () => {
    await watcher?.close();
    await api?.close();
  });

  it('wakes a worker subscribed on the other replica and streams the job there until its result', async (ctx) => {
    if (!api || !watcher) return ctx.skip();
    const ok = async (query: string, variables?: Record<string, unknown>) => {
      const res = await api!.gql(query, variables);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return res.data;
    };
    const root = join(mkdtempSync(join(tmpdir(), 'podium-redis-')), 'coco8val');
    mkdirSync(join(root, 'images'), { recursive: true });
    mkdirSync(join(root, 'labels'), { recursive: true });
    cpSync(join(COCO8, 'images/val'), join(root, 'images/val'), { recursive: true });
    cpSync(join(COCO8, 'labels/val'), join(root, 'labels/val'), { recursive: true });
    const tarFile = join(root, '..', 'd.tar');
    await tarCreate({ file: tarFile, cwd: root }, ['.']);
    const name = `coco8val-${Date.now()}`;
    expect((await api.http().post(`/datasets/upload?name=${name}&format=YOLO&classNames=coco80`).send(readFileSync(tarFile))).status).toBe(201);
    const exp = (await ok(`mutation { createExperiment(input: { name: "redis-eval-${Date.now()}" }) { id } }`)).createExperiment.id;
    const runId = (await ok('mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }', { e: exp })).createRun.id;
    expect((await api.http().put(`/artifacts/${runId}/m.onnx`).send(Buffer.from('m'))).status).toBe(201);
    const workerId = (await ok(`mutation { registerWorker(input: { name: "redis-w-${Date.now()}", executionProviders: ["CPU"], cpuCores: 2 }) { id } }`)).registerWorker.id;

    const wake = collect(watcher.ws(), 'subscription { evaluationJobQueued { jobId } }', {}, 1);
    await new Promise((r) => setTimeout(r, 300));
    const job = (await ok('mutation($i: EvaluateModelInput!) { evaluateModel(input: $i) { id } }', { i: { runId, artifactPath: 'm.onnx', dataset: { name } } })).evaluateModel;
    expect((await wake.done)[0].evaluationJobQueued.jobId).toBe(job.id);

    const updates = collect(watcher.ws(), 'subscription($id: ID!) { evaluationJobUpdated(jobId: $id) { status updatedAt progress { done total } result { map50 } } }', { id: job.id }, 10);
    await new Promise((r) => setTimeout(r, 300));
    const claim = (await ok('mutation($i: ClaimEvaluationJobInput!) { claimEvaluationJob(input: $i) { attempt } }', { i: { workerId } })).claimEvaluationJob;
    await ok('mutation($i: HeartbeatEvaluationJobInput!) { heartbeatEvaluationJob(input: $i) { cancelRequested } }', {
      i: { workerId, jobId: job.id, attempt: claim.attempt, progress: { done: 2, total: 4, imagesPerSecond: 10, etaSeconds: 0.2 } },
    });
    const result = {
      map50: 0.4,
      map50_95: 0.3,
      map75: 0.3,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
      bestConfidence: 0.2,
      fitness: 0.31,
      perClass: [],
      coco: { ap: 0.3, ap50: 0.4, ap75: 0.3, ar100: 0.4 },
      thresholdSweep: [],
      executionProvider: 'CPU',
      device: 'cpu',
      imagesPerSecond: 10,
      imagesEvaluated: 4,
      skippedImages: 0,
    };
    await ok('mutation($i: CompleteEvaluationJobInput!) { completeEvaluationJob(input: $i) { status } }', { i: { workerId, jobId: job.id, attempt: claim.attempt, result } });
    const events = (await updates.done).map((e) => e.evaluationJobUpdated);
    expect(events.map((e) => [e.status, e.progress?.done ?? null])).toEqual([
      ['QUEUED', null],
      ['RUNNING', null],
      ['RUNNING', 2],
      ['SUCCEEDED', 4],
    ]);
    expect(events[3].result).toEqual({ map50: 0.4 });
    expect(Number.isNaN(Date.parse(events[2].updatedAt))).toBe(false);
  });
});
