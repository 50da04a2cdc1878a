// The embedded default end to end: the api spawns the compiled gpu-worker (dist/) with a WORKER token it made; the
// child registers, evaluates a job, and on SIGTERM releases its running job and exits 0; restarted, it finishes it.
// Needs `npm run build` first (npm test does).
import { existsSync, mkdirSync, mkdtempSync, cpSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_WORKER_TOKEN_FILE } from '../../src/local-worker/local-worker-token';
import { findWorkerMain, LocalWorkerService } from '../../src/local-worker/local-worker.service';
import { startTestApp, type TestApp } from '../support/test-app';

const ASSETS = resolve(__dirname, '../../../../assets');
const YOLOX = readFileSync(join(ASSETS, 'models/yolox_nano.onnx'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the embedded local worker (child process from dist/)', () => {
  let t: TestApp | undefined;
  let runId: string;
  const logLines: string[] = [];

  const gql = (query: string, variables?: Record<string, unknown>): Promise<any> => t!.data(query, variables);
  const job = async (id: string) =>
    (await gql('query($id: ID!) { evaluationJob(id: $id) { status attempt workerId errorCode error progress { done total } result { map50 imagesEvaluated executionProvider } } }', { id }))
      .evaluationJob;
  const waitFor = async (id: string, done: (j: any) => boolean, timeoutMs = 90_000) => {
    for (const until = Date.now() + timeoutMs; ; await sleep(100)) {
      const j = await job(id);
      if (done(j)) return j;
      if (Date.now() > until) throw new Error(`job ${id}: ${JSON.stringify(j)}`);
    }
  };

  beforeAll(async () => {
    if (!findWorkerMain()) throw new Error('dist/apps/gpu-worker/src/main.js is missing: run `npm run build` first');
    // Info lines (the api's and the worker's, forwarded through the api's logger) are captured for the last test.
    t = await startTestApp('sqlite', { localWorker: true, logLevel: 'info' }, { logger: ['log', 'warn', 'error'], logDestination: { write: (line: string) => void logLines.push(line) } });
    if (!t) return;
    const dir = mkdtempSync(join(tmpdir(), 'podium-ds-'));
    for (const part of ['images', 'labels']) {
      mkdirSync(join(dir, part));
      cpSync(join(ASSETS, 'datasets/coco128', part, 'train2017'), join(dir, part, 'train2017'), { recursive: true });
    }
    const tar = await buffer(createTar({ cwd: dir, portable: true }, ['images', 'labels']));
    expect((await t.http().post('/datasets/upload?name=coco128&format=YOLO&classNames=coco80').set('content-type', 'application/x-tar').send(tar)).status).toBe(201);
    const experimentId = (await gql('mutation { createExperiment(input: { name: "embedded" }) { id } }')).createExperiment.id;
    runId = (await gql('mutation($i: CreateRunInput!) { createRun(input: $i) { id } }', { i: { experimentId, name: 'yolox' } })).createRun.id;
    expect((await t.http().put(`/artifacts/${runId}/m.onnx`).set('content-type', 'application/octet-stream').send(YOLOX)).status).toBe(201);
  }, 120_000);
  afterAll(async () => t?.close());

  const evaluate = async (): Promise<string> =>
    (
      await gql('mutation($i: EvaluateModelInput!) { evaluateModel(input: $i) { id } }', {
        i: { runId, artifactPath: 'm.onnx', dataset: { name: 'coco128' }, imgsz: 416, batch: 1, executionProvider: 'CPU' },
      })
    ).evaluateModel.id;

  it('registers as local-worker with a WORKER token kept 0600 in the data directory, and evaluates a job', async () => {
    const tokenFile = join(t!.podium.config.dataDir, LOCAL_WORKER_TOKEN_FILE);
    const workers = async () => (await gql('{ workers { nodes { id name executionProviders } } }')).workers.nodes;
    for (const until = Date.now() + 60_000; !(await workers()).length && Date.now() < until;) await sleep(200);
    expect(await workers()).toEqual([expect.objectContaining({ name: 'local-worker', executionProviders: expect.arrayContaining(['CPU']) })]);
    expect(existsSync(tokenFile)).toBe(true);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const tokens = (await gql('{ apiTokens { nodes { name role } } }')).apiTokens.nodes;
    expect(tokens).toContainEqual({ name: 'local-worker', role: 'WORKER' });

    const id = await evaluate();
    const done = await waitFor(id, (j) => ['SUCCEEDED', 'FAILED'].includes(j.status));
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempt: 1, result: { imagesEvaluated: 128, executionProvider: 'CPU' } });
    expect(done.result.map50).toBeGreaterThan(0.2);
  }, 180_000);

  it('SIGTERM mid-job: the worker releases the job and exits; restarted, it completes the job once', async () => {
    const service = t!.podium.app.get(LocalWorkerService);
    const id = await evaluate();
    await waitFor(id, (j) => j.status === 'RUNNING' && (j.progress?.done ?? 0) > 0);
    const pid = service.workerPid!;
    process.kill(pid, 'SIGTERM');
    const released = await waitFor(id, (j) => j.status !== 'RUNNING', 30_000);
    expect(released.status).toBe('QUEUED');
    expect(released.attempt).toBe(1);
    // The api's supervisor starts a new child, which claims the released job (attempt 2) and finishes it.
    const done = await waitFor(id, (j) => ['SUCCEEDED', 'FAILED'].includes(j.status));
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempt: 2, result: { imagesEvaluated: 128 } });
    expect(service.workerPid).not.toBe(pid);
  }, 240_000);

  it('closing the api stops the worker while GraphQL still answers, so its running job is released', async () => {
    const id = await evaluate();
    await waitFor(id, (j) => j.status === 'RUNNING' && (j.progress?.done ?? 0) > 0);
    const from = logLines.length;
    await t!.podium.close();
    const lines = logLines.slice(from).map((l) => JSON.parse(l));
    // The worker's line, forwarded as JSON with its job id and attempt.
    expect(lines).toContainEqual(expect.objectContaining({ source: 'worker', jobId: id, attempt: 1, msg: `job ${id}: released (back to the queue)` }));
    expect(lines.some((l) => String(l.msg).includes('could not report'))).toBe(false);
    expect(lines.at(-1)).toMatchObject({ msg: 'api stopped' });
  }, 120_000);
});
