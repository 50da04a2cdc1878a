// The rest of MLflow's tracking surface: experiments (search, tags, the default experiment "0"), run names and tags,
// paged searches and histories, dataset inputs, the artifact proxy's listing and its refusals, the /ajax-api prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases';
import { float, PythonMlflowClient } from '../support/mlflow-wire';
import { startTestApp, type TestApp } from '../support/test-app';

describe.each(DIALECTS)('MLflow tracking surface on %s', (dialect) => {
  let t: TestApp | undefined;
  let mlflow: PythonMlflowClient;

  beforeAll(async () => {
    // Local mode: the token-less loopback caller is the local admin, as for GraphQL.
    t = await startTestApp(dialect);
    if (!t) return;
    mlflow = new PythonMlflowClient(t.podium.app.getHttpServer());
  });
  afterAll(async () => t?.close());

  const ok = async (res: PromiseLike<{ status: number; body: any }>) => {
    const r = await res;
    expect([r.status, r.status === 200 ? 'ok' : r.body]).toEqual([200, 'ok']);
    return r.body;
  };

  it('searches experiments by name, tag and time, orders and pages them, by view type', async (ctx) => {
    if (!t) return ctx.skip();
    const ids: string[] = [];
    for (const [name, team] of [
      ['det-person', 'vision'],
      ['det-car', 'vision'],
      ['seg-road', 'maps'],
    ]) {
      ids.push(
        (
          await ok(
            mlflow.post('experiments/create', {
              name,
              tags: [
                { key: 'team', value: team },
                { key: 'mlflow.note.content', value: `${name} notes` },
              ],
            }),
          )
        ).experiment_id,
      );
    }
    const desc = await t.gql(`query($id: String!) { experiment(id: $id) { description tags { key value } } }`, { id: ids[0] });
    expect(desc.data.experiment).toEqual({ description: 'det-person notes', tags: [{ key: 'team', value: 'vision' }] });
    const byName = await ok(mlflow.get('experiments/get-by-name', [['experiment_name', 'det-car']]));
    expect(byName.experiment.tags).toEqual([
      { key: 'team', value: 'vision' },
      { key: 'mlflow.note.content', value: 'det-car notes' },
    ]);

    const vision = await ok(mlflow.post('experiments/search', { filter: "tags.team = 'vision' and name LIKE 'det-%'", order_by: ['name ASC'], max_results: 1 }));
    expect(vision.experiments.map((e: { name: string }) => e.name)).toEqual(['det-car']);
    expect(typeof vision.next_page_token).toBe('string');
    // An experiment created meanwhile before the page's last one shifts nothing: the token is a keyset, not an offset.
    const bus = (await ok(mlflow.post('experiments/create', { name: 'det-bus', tags: [{ key: 'team', value: 'vision' }] }))).experiment_id;
    const page2 = await ok(mlflow.post('experiments/search', { filter: "tags.team = 'vision' and name LIKE 'det-%'", order_by: ['name ASC'], max_results: 1, page_token: vision.next_page_token }));
    expect(page2.experiments.map((e: { name: string }) => e.name)).toEqual(['det-person']);
    expect(page2).not.toHaveProperty('next_page_token');
    const forged = await mlflow.post('experiments/search', { max_results: 1, page_token: Buffer.from('[3]').toString('base64url') });
    expect([forged.status, forged.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    await ok(mlflow.post('experiments/set-experiment-tag', { experiment_id: bus, key: 'team', value: 'transit' }));

    await ok(mlflow.post('experiments/set-experiment-tag', { experiment_id: ids[2], key: 'team', value: 'vision' }));
    await ok(mlflow.post('experiments/delete-experiment-tag', { experiment_id: ids[2], key: 'mlflow.note.content' }));
    await ok(mlflow.post('experiments/delete', { experiment_id: ids[1] }));
    const active = await ok(
      mlflow.get('experiments/search', [
        ['filter', "tags.team = 'vision'"],
        ['view_type', 'ACTIVE_ONLY'],
        ['order_by', 'name DESC'],
      ]),
    );
    expect(active.experiments.map((e: { name: string }) => e.name)).toEqual(['seg-road', 'det-person']);
    expect(active.experiments[0].tags).toEqual([{ key: 'team', value: 'vision' }]);
    const deleted = await ok(mlflow.post('experiments/search', { view_type: 'DELETED_ONLY' }));
    expect(deleted.experiments.map((e: { name: string; lifecycle_stage: string }) => [e.name, e.lifecycle_stage])).toEqual([['det-car', 'deleted']]);
    const refused = await mlflow.post('runs/create', { experiment_id: ids[1], tags: [] });
    expect([refused.status, refused.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    await ok(mlflow.post('experiments/restore', { experiment_id: ids[1] }));
    await ok(mlflow.post('experiments/update', { experiment_id: ids[1], new_name: 'det-vehicle' }));
    expect((await ok(mlflow.get('experiments/get', [['experiment_id', ids[1]]]))).experiment).toMatchObject({ name: 'det-vehicle', lifecycle_stage: 'active' });
  });

  it('logs to experiment "0" into the Default experiment, created on first use', async (ctx) => {
    if (!t) return ctx.skip();
    const absent = await mlflow.get('experiments/get', [['experiment_id', '0']]);
    expect([absent.status, absent.body]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Experiment "0 (the default experiment, "Default")" not found' }]);
    const created = await ok(mlflow.post('runs/create', { experiment_id: '0', start_time: 1_795_700_480_000, tags: [] }));
    const got = await ok(mlflow.get('experiments/get', [['experiment_id', '0']]));
    expect(got.experiment.name).toBe('Default');
    expect(created.run.info.experiment_id).toBe(got.experiment.experiment_id);
    const found = await ok(mlflow.post('runs/search', { experiment_ids: ['0'] }));
    expect(found.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([created.run.info.run_id]);
  });

  it('keeps the run name and mlflow.runName one thing; tags set, overwritten and deleted; inputs recorded', async (ctx) => {
    if (!t) return ctx.skip();
    const { experiment_id } = await ok(mlflow.post('experiments/create', { name: 'names' }));
    const clash = await mlflow.post('runs/create', { experiment_id, run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] });
    expect([clash.status, clash.body]).toEqual([
      400,
      { error_code: 'INVALID_PARAMETER_VALUE', message: "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='a', mlflow.runName='b')." },
    ]);
    const byTag = (await ok(mlflow.post('runs/create', { experiment_id, tags: [{ key: 'mlflow.runName', value: 'from-tag' }] }))).run;
    expect(byTag.info.run_name).toBe('from-tag');
    const runId = byTag.info.run_id;
    await ok(mlflow.post('runs/set-tag', { run_id: runId, key: 'mlflow.runName', value: 'renamed' }));
    expect((await t.gql(`query($id: ID!) { run(id: $id) { name tags { key } } }`, { id: runId })).data.run).toEqual({ name: 'renamed', tags: [] });
    const renamed = await ok(mlflow.post('runs/update', { run_id: runId, run_name: 'renamed-again' }));
    expect(renamed.run_info).toMatchObject({ run_name: 'renamed-again', status: 'RUNNING' });
    await ok(mlflow.post('runs/set-tag', { run_id: runId, key: 'stage', value: 'a' }));
    await ok(mlflow.post('runs/set-tag', { run_id: runId, key: 'stage', value: 'b' }));
    await ok(mlflow.post('runs/delete-tag', { run_id: runId, key: 'mlflow.runName' }));
    const missingTag = await mlflow.post('runs/delete-tag', { run_id: runId, key: 'nope' });
    expect([missingTag.status, missingTag.body]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Tag "nope" not found' }]);

    const dataset = { name: 'coco128', digest: '4f1c2b3a', source_type: 'local', source: '{"uri": "datasets/coco128"}', schema: '{"mlflow_tensorspec": {}}' };
    await ok(mlflow.post('runs/log-inputs', { run_id: runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }] }));
    await ok(mlflow.post('runs/log-inputs', { run_id: runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'eval' }], dataset }] }));
    const badInput = await mlflow.post('runs/log-inputs', { run_id: runId, datasets: [{ dataset: { name: 'x' } }] });
    expect([badInput.status, badInput.body.message]).toEqual([
      400,
      "Missing value for required parameter 'datasets[0].dataset.digest'. See the API docs for more information about request parameters.",
    ]);
    const run = (await ok(mlflow.get('runs/get', [['run_id', runId]]))).run;
    expect(run.info.run_name).toBe('renamed-again');
    expect(run.data.tags).toEqual([
      { key: 'mlflow.runName', value: 'renamed-again' },
      { key: 'stage', value: 'b' },
    ]);
    expect(run.inputs).toEqual({ dataset_inputs: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }] });
  });

  it('pages runs/search with max_results and page_token (OR and parentheses too), and metrics/get-history', async (ctx) => {
    if (!t) return ctx.skip();
    const { experiment_id } = await ok(mlflow.post('experiments/create', { name: 'paging' }));
    const runIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const run = (await ok(mlflow.post('runs/create', { experiment_id, run_name: `r${i}`, start_time: 1_795_700_481_000 + i, tags: [] }))).run;
      runIds.push(run.info.run_id);
      await ok(
        mlflow.post('runs/log-batch', {
          run_id: run.info.run_id,
          params: [{ key: 'i', value: String(i) }],
          metrics: [{ key: 'metrics/mAP50-95B', value: float(0.1 * (i + 1)), timestamp: 1, step: 0 }],
        }),
      );
    }
    const order = ['metrics.`metrics/mAP50-95B` DESC'];
    const first = await ok(mlflow.post('runs/search', { experiment_ids: [experiment_id], max_results: 2, order_by: order }));
    expect(first.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual(['r4', 'r3']);
    const second = await ok(mlflow.post('runs/search', { experiment_ids: [experiment_id], max_results: 2, order_by: order, page_token: first.next_page_token }));
    expect(second.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual(['r2', 'r1']);
    const last = await ok(mlflow.post('runs/search', { experiment_ids: [experiment_id], max_results: 2, order_by: order, page_token: second.next_page_token }));
    expect(last.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual(['r0']);
    expect(last).not.toHaveProperty('next_page_token');
    const either = await ok(
      mlflow.post('runs/search', { experiment_ids: [experiment_id], filter: "(params.i = '0' or params.i = '3') and metrics.map50_95 >= 0.1", order_by: ['attributes.run_name'] }),
    );
    expect(either.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual(['r0', 'r3']);
    const tooMany = await mlflow.post('runs/search', { experiment_ids: [experiment_id], max_results: 50_001 });
    expect([tooMany.status, tooMany.body.message]).toEqual([400, "Invalid value 50001 for parameter 'max_results' supplied: must be between 1 and 50000"]);

    const runId = runIds[0];
    await ok(mlflow.post('runs/log-batch', { run_id: runId, metrics: Array.from({ length: 25 }, (_, s) => ({ key: 'loss', value: float(1 / (s + 1)), timestamp: 10 + s, step: s })) }));
    const pages: number[][] = [];
    let token: string | undefined;
    do {
      const page = await ok(mlflow.get('metrics/get-history', [['run_id', runId], ['metric_key', 'loss'], ['max_results', 10], ...(token ? [['page_token', token] as const] : [])]));
      pages.push(page.metrics.map((m: { step: number }) => m.step));
      token = page.next_page_token;
    } while (token);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(Array.from({ length: 25 }, (_, s) => s));
  });

  it('serves the artifact proxy listing and refuses paths outside a run', async (ctx) => {
    if (!t) return ctx.skip();
    const { experiment_id } = await ok(mlflow.post('experiments/create', { name: 'files' }));
    const other = (await ok(mlflow.post('experiments/create', { name: 'files-other' }))).experiment_id;
    const run = (await ok(mlflow.post('runs/create', { experiment_id, tags: [] }))).run;
    const uri = run.info.artifact_uri;
    expect((await mlflow.putArtifact(uri, 'plots/pr curve.png', Buffer.from('png'), 'image/png')).status).toBe(200);
    const root = await ok(t.http().get(`/api/2.0/mlflow-artifacts/artifacts?path=${experiment_id}/${run.info.run_id}`));
    expect(root).toEqual({ files: [{ path: 'artifacts', is_dir: true }] });
    const plots = await ok(t.http().get(`/api/2.0/mlflow-artifacts/artifacts?path=${experiment_id}/${run.info.run_id}/artifacts/plots`));
    expect(plots).toEqual({ files: [{ path: 'pr curve.png', is_dir: false, file_size: 3 }] });
    const nothing = await ok(t.http().get('/api/2.0/mlflow-artifacts/artifacts'));
    expect(nothing).toEqual({ files: [] });

    const wrongExperiment = await t.http().put(`/api/2.0/mlflow-artifacts/artifacts/${other}/${run.info.run_id}/artifacts/x.txt`).send('x');
    expect([wrongExperiment.status, wrongExperiment.body]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run "${run.info.run_id} in experiment ${other}" not found` }]);
    const traversal = await t.http().put(`/api/2.0/mlflow-artifacts/artifacts/${experiment_id}/${run.info.run_id}/artifacts/a/%2e%2e/b.txt`).send('x');
    expect([traversal.status, traversal.body]).toEqual([400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Artifact path "a/%2e%2e/b.txt" must not contain "." or ".." segments' }]);
    const noFolder = await t.http().put(`/api/2.0/mlflow-artifacts/artifacts/${experiment_id}/${run.info.run_id}/b.txt`).send('x');
    expect([noFolder.status, noFolder.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const missing = await t.http().get(`/api/2.0/mlflow-artifacts/artifacts/${experiment_id}/${run.info.run_id}/artifacts/none.bin`);
    expect([missing.status, missing.body.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    const removal = await t.http().delete(`/api/2.0/mlflow-artifacts/artifacts/${experiment_id}/${run.info.run_id}/artifacts/plots/pr%20curve.png`);
    expect([removal.status, removal.body.error_code]).toEqual([404, 'ENDPOINT_NOT_FOUND']);
  });

  it('serves the same routes under /ajax-api/2.0/mlflow (the MLflow web UI)', async (ctx) => {
    if (!t) return ctx.skip();
    const created = await t.http().post('/ajax-api/2.0/mlflow/experiments/create').set('content-type', 'application/json').send({ name: 'ui' });
    expect(created.status).toBe(200);
    const got = await t.http().get(`/ajax-api/2.0/mlflow/experiments/get?experiment_id=${created.body.experiment_id}`);
    expect([got.status, got.body.experiment.name]).toEqual([200, 'ui']);
    const unknown = await t.http().get('/ajax-api/2.0/mlflow/traces');
    expect([unknown.status, unknown.body.error_code]).toEqual([404, 'ENDPOINT_NOT_FOUND']);
  });
});
