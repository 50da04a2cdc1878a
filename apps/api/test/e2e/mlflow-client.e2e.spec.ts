// The community npm `mlflow` client (2.0.7, which takes any answer but HTTP 200 as a failure) used as a real client:
// create, log, search, history, list artifacts, end, delete and restore, against the real api.
import MLflow from 'mlflow';
import { RunStatus, ViewType } from 'mlflow/enum';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, bootstrapSecret, createToken } from '../support/auth-helpers';
import { DIALECTS } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';

describe.each(DIALECTS)('the npm mlflow client against Podium on %s', (dialect) => {
  let t: TestApp | undefined;
  let client: MLflow;
  let adminClient: MLflow;

  beforeAll(async () => {
    t = await startTestApp(dialect, { authMode: 'token' });
    if (!t) return;
    const editor = await createToken(t, 'node-trainer', 'EDITOR');
    client = new MLflow({ endpoint: t.podium.url, headers: bearer(editor.secret) });
    adminClient = new MLflow({ endpoint: t.podium.url, headers: bearer(bootstrapSecret(t)) });
    // The client prints every request body it POSTs.
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.close();
  });

  it('creates, logs, searches, reads history and lists artifacts', async (ctx) => {
    if (!t) return ctx.skip();
    const { Experiments, Runs, Metrics, Artifacts } = client;
    const { experiment_id } = await Experiments.create({ name: 'node-sweep', artifact_location: '' });
    const { experiment } = await Experiments.get({ experiment_id });
    expect(experiment).toMatchObject({ experiment_id, name: 'node-sweep', lifecycle_stage: 'active' });
    const { experiments } = await Experiments.list();
    expect(experiments.map((e: { name: string }) => e.name)).toContain('node-sweep');

    const start = 1_795_700_470_000;
    const runIds: string[] = [];
    for (const [i, lr0] of ['0.01', '0.001'].entries()) {
      const { run } = await Runs.create({ experiment_id, user_id: 'bob', start_time: start + i, tags: [{ key: 'sweep', value: 'lr' }] });
      const run_id = run.info.run_id;
      runIds.push(run_id);
      await Runs.logParameter({ run_id, key: 'lr0', value: lr0 });
      await Runs.logBatch({
        run_id,
        params: [{ key: 'imgsz', value: '416' }],
        tags: [{ key: 'mlflow.runName', value: `lr${lr0}` }],
        metrics: [0, 1, 2].map((step) => ({ key: 'metrics/mAP50B', value: 0.3 + 0.1 * step + (i === 0 ? 0.05 : 0), timestamp: start + 1000 * step, step })),
      });
      await Runs.logMetric({ run_id, key: 'train/box_loss', value: 1.25 - i, timestamp: start + 5000, step: 2 });
      await Runs.setTag({ run_id, key: 'stage', value: 'done' });
      await Runs.setTag({ run_id, key: 'scratch', value: 'x' });
      await Runs.deleteTag({ run_id, key: 'scratch' });
      const { run_info } = await Runs.update({ run_id, status: RunStatus.FINISHED, end_time: start + 9000 });
      expect(run_info).toMatchObject({ run_id, status: 'FINISHED', end_time: start + 9000, user_id: 'bob', run_name: `lr${lr0}` });
    }

    const { run } = await Runs.get({ run_id: runIds[0] });
    expect(run.data.params).toEqual([
      { key: 'imgsz', value: '416' },
      { key: 'lr0', value: '0.01' },
    ]);
    expect(run.data.tags).toEqual([
      { key: 'mlflow.runName', value: 'lr0.01' },
      { key: 'mlflow.user', value: 'bob' },
      { key: 'stage', value: 'done' },
      { key: 'sweep', value: 'lr' },
    ]);
    expect(run.data.metrics).toEqual([
      { key: 'metrics/mAP50B', value: 0.3 + 0.1 * 2 + 0.05, timestamp: start + 2000, step: 2 },
      { key: 'train/box_loss', value: 1.25, timestamp: start + 5000, step: 2 },
    ]);

    const { runs } = await Runs.search({
      experiment_ids: [experiment_id],
      filter: "metrics.`metrics/mAP50B` > 0.45 and tags.stage = 'done'",
      run_view_type: ViewType.ACTIVE_ONLY,
      max_results: 10,
      order_by: ['metrics.`metrics/mAP50B` DESC'],
    });
    expect(runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([runIds[0], runIds[1]]);
    const best = await Runs.search({ experiment_ids: [experiment_id], filter: "params.lr0 = '0.001'" });
    expect(best.runs.map((r) => r.info.run_id)).toEqual([runIds[1]]);

    const history = await Metrics.getHistory({ run_id: runIds[1], metric_key: 'metrics/mAP50B' });
    expect(history.metrics.map((m: { step: number; value: number }) => [m.step, m.value])).toEqual([
      [0, 0.3],
      [1, 0.3 + 0.1],
      [2, 0.3 + 0.2],
    ]);

    const put = await t
      .http()
      .put(`/api/2.0/mlflow-artifacts/artifacts/${experiment_id}/${runIds[0]}/artifacts/weights/best.onnx`)
      .set(bearer(bootstrapSecret(t)))
      .set('content-type', 'application/octet-stream')
      .send(Buffer.alloc(1234, 7));
    expect(put.status).toBe(200);
    const listed = await Artifacts.list({ run_id: runIds[0], path: 'weights' });
    expect(listed).toEqual({ root_uri: `mlflow-artifacts:/${experiment_id}/${runIds[0]}/artifacts`, files: [{ path: 'weights/best.onnx', is_dir: false, file_size: 1234 }] });
  });

  it('deletes and restores with an ADMIN token, and surfaces errors as thrown failures', async (ctx) => {
    if (!t) return ctx.skip();
    const { experiment_id } = await client.Experiments.create({ name: 'node-lifecycle', artifact_location: '' });
    const { run } = await client.Runs.create({ experiment_id, user_id: 'bob', start_time: 1_795_700_471_000, tags: [] });
    await expect(client.Runs.delete({ run_id: run.info.run_id })).rejects.toThrow(/"status":403.*PERMISSION_DENIED/);
    await adminClient.Runs.delete({ run_id: run.info.run_id });
    const deleted = await client.Runs.search({ experiment_ids: [experiment_id], run_view_type: ViewType.DELETED_ONLY });
    expect(deleted.runs.map((r: { info: { run_id: string; lifecycle_stage: string } }) => [r.info.run_id, r.info.lifecycle_stage])).toEqual([[run.info.run_id, 'deleted']]);
    expect((await client.Runs.search({ experiment_ids: [experiment_id] })).runs).toEqual([]);
    await adminClient.Runs.restore({ run_id: run.info.run_id });
    expect((await client.Runs.search({ experiment_ids: [experiment_id], run_view_type: ViewType.ALL })).runs).toHaveLength(1);

    await adminClient.Experiments.delete({ experiment_id });
    expect((await client.Experiments.get({ experiment_id })).experiment.lifecycle_stage).toBe('deleted');
    await adminClient.Experiments.restore({ experiment_id });
    await client.Experiments.update({ experiment_id, new_name: 'node-lifecycle-2' });
    expect((await client.Experiments.get({ experiment_id })).experiment).toMatchObject({ name: 'node-lifecycle-2', lifecycle_stage: 'active' });

    await expect(client.Runs.get({ run_id: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow(/"status":404.*RESOURCE_DOES_NOT_EXIST/);
    await expect(client.Runs.logParameter({ run_id: run.info.run_id, key: 'a', value: undefined as unknown as string })).resolves.toEqual({});
    await expect(client.Runs.logParameter({ run_id: run.info.run_id, key: 'a', value: 'other' })).rejects.toThrow(/"status":400.*INVALID_PARAMETER_VALUE.*already has value/);
  });
});
