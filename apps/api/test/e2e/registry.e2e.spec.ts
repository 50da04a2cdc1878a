// The seed's flow through GraphQL on both databases: nine runs, compare, grid analysis, register the best run's
// artifact, STAGING with a decision, a policy, PRODUCTION refused without an evaluation, an evaluation run recorded
// (as the evaluation contract writes it), PRODUCTION with the report stored, history, subscription, report.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases';
import { collect, startTestApp, type TestApp } from '../support/test-app';

const MODEL_BYTES = readFileSync(resolve(__dirname, '../../../../assets/models/yolox_nano.onnx'));
const NAME = 'person-detector';

/** map50 at the last (= best) epoch of each grid run: imgsz 320 means 0.27, imgsz 416 means 0.30. */
const GRID: { imgsz: string; lr0: string; seed: string | null; map50: number }[] = [
  { imgsz: '320', lr0: '0.01', seed: '42', map50: 0.27 },
  { imgsz: '320', lr0: '0.01', seed: '1', map50: 0.28 },
  { imgsz: '320', lr0: '0.005', seed: '42', map50: 0.26 },
  { imgsz: '320', lr0: '0.005', seed: '1', map50: 0.27 },
  { imgsz: '416', lr0: '0.01', seed: '42', map50: 0.31 },
  { imgsz: '416', lr0: '0.01', seed: '1', map50: 0.3 },
  { imgsz: '416', lr0: '0.005', seed: '42', map50: 0.29 },
  { imgsz: '416', lr0: '0.005', seed: '1', map50: 0.3 },
  // The baseline: a single run at imgsz 640 without a seed, outside the grid.
  { imgsz: '640', lr0: '0.01', seed: null, map50: 0.25 },
];

describe.each(DIALECTS)('registry flow on %s', (dialect) => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  async function ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await t!.gql<T>(query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data as T;
  }

  async function finishedRun(
    experimentId: string,
    name: string,
    kind: 'TRAINING' | 'EVALUATION',
    params: Record<string, string>,
    points: { key: string; value: number; step: number }[],
    parentRunId?: string,
  ): Promise<string> {
    const { createRun } = await ok(`mutation($input: CreateRunInput!) { createRun(input: $input) { id } }`, {
      input: { experimentId, name, kind, parentRunId, params: Object.entries(params).map(([key, value]) => ({ key, value })) },
    });
    await ok(`mutation($input: LogMetricsInput!) { logMetrics(input: $input) { __typename } }`, { input: { runId: createRun.id, metrics: points } });
    await ok(`mutation($input: UpdateRunInput!) { updateRun(input: $input) { status } }`, { input: { id: createRun.id, status: 'FINISHED' } });
    return createRun.id;
  }

  it('runs the seed flow end to end', async (ctx) => {
    if (!t) return ctx.skip();
    const { createExperiment } = await ok(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`, {
      input: { name: 'yolov8n-coco128-person', description: 'Detect persons on COCO128 with YOLOv8n at the best mAP@50.' },
    });
    const experimentId: string = createExperiment.id;

    // Nine runs, three epochs each, the last epoch the best.
    const runIds: string[] = [];
    for (const g of GRID) {
      const params: Record<string, string> = { model: 'yolov8n.pt', data: 'coco128.yaml', epochs: '3', imgsz: g.imgsz, lr0: g.lr0 };
      if (g.seed) params.seed = g.seed;
      const points = [1, 2, 3].flatMap((epoch) => [
        { key: 'metrics/mAP50(B)', value: Number((g.map50 * [0.85, 0.95, 1][epoch - 1]).toFixed(4)), step: epoch },
        { key: 'metrics/precision(B)', value: 0.5 + epoch / 100, step: epoch },
        { key: 'metrics/recall(B)', value: 0.4 + epoch / 100, step: epoch },
      ]);
      runIds.push(await finishedRun(experimentId, `yolov8n_e3_sz${g.imgsz}_lr${g.lr0}_s${g.seed ?? 'none'}`, 'TRAINING', params, points));
    }

    // compareRuns: params side by side, differences marked; summaries with steps.
    const { compareRuns } = await ok(
      `query($ids: [ID!]!) { compareRuns(runIds: $ids, metrics: ["map50"]) { runs { id shortId } params { key values differs } metrics { key summaries { last lastStep max maxStep min minStep } } } }`,
      { ids: [runIds[0], runIds[4].slice(0, 8)] },
    );
    expect(compareRuns.runs.map((r: any) => r.id)).toEqual([runIds[0], runIds[4]]);
    expect(compareRuns.params.find((p: any) => p.key === 'imgsz')).toEqual({ key: 'imgsz', values: ['320', '416'], differs: true });
    expect(compareRuns.params.find((p: any) => p.key === 'lr0')).toEqual({ key: 'lr0', values: ['0.01', '0.01'], differs: false });
    expect(compareRuns.metrics[0].summaries[1]).toEqual({ last: 0.31, lastStep: 3, max: 0.31, maxStep: 3, min: 0.2635, minStep: 1 });

    // gridAnalysis: imgsz 416 vs 320 is +11.1 % (0.30 vs 0.27); the seed spread is the noise floor; the baseline is off-grid.
    const { gridAnalysis } = await ok(
      `query($e: ID!) { gridAnalysis(experimentId: $e, metric: "map50", aggregation: MAX) {
        runCount params { key isRepeat best values { value mean std n } changes { from to meanFrom meanTo relativeChange significant } }
        noise { std repeatParams degreesOfFreedom significanceThreshold groups { params { key value } runIds n } } holes { params { key value } } outsideGrid { runId runName value reasons { key value } } best { runId runName value params { key value } } } }`,
      { e: experimentId },
    );
    const imgsz = gridAnalysis.params.find((p: any) => p.key === 'imgsz');
    expect(imgsz.best).toBe('416');
    expect(imgsz.values.map((v: any) => [v.value, v.n])).toEqual([
      ['320', 4],
      ['416', 4],
    ]);
    expect(imgsz.values[0].mean).toBeCloseTo(0.27, 10);
    expect(imgsz.values[1].mean).toBeCloseTo(0.3, 10);
    expect(imgsz.changes[0].relativeChange).toBeCloseTo(0.03 / 0.27, 10);
    expect(imgsz.changes[0].significant).toBe(true);
    expect(gridAnalysis.noise.repeatParams).toEqual(['seed']);
    // Four (imgsz, lr0) groups of two seeds, each 0.01 apart: pooled sample std = 0.01 / √2.
    expect(gridAnalysis.noise.std).toBeCloseTo(0.01 / Math.SQRT2, 10);
    expect(gridAnalysis.outsideGrid.map((o: any) => o.runId)).toEqual([runIds[8]]);
    expect(gridAnalysis.holes).toEqual([]);
    expect(gridAnalysis.best).toMatchObject({
      runId: runIds[4],
      runName: 'yolov8n_e3_sz416_lr0.01_s42',
      params: expect.arrayContaining([
        { key: 'imgsz', value: '416' },
        { key: 'seed', value: '42' },
      ]),
    });
    expect(gridAnalysis.outsideGrid[0].reasons.length).toBeGreaterThan(0);
    expect(gridAnalysis.noise.groups.every((g: any) => g.n >= 1 && g.runIds.length === g.n && g.params.every((p: any) => p.key !== 'seed'))).toBe(true);

    // Register the best run's artifact.
    const best = runIds[4];
    const put = await t.http().put(`/artifacts/${best}/weights/best.onnx`).set('content-type', 'application/octet-stream').send(MODEL_BYTES);
    expect(put.status).toBe(201);
    await ok(`mutation { createRegisteredModel(input: { name: "${NAME}", description: "YOLOv8n person detector" }) { name } }`);
    const { createModelVersion } = await ok(
      `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { version stage sourceRunId artifactSha256 aliases sourceRun { id name } artifact { path sha256 } metrics { key last lastStep } } }`,
      { input: { name: NAME, runId: best.slice(0, 8), artifactPath: 'weights/best.onnx' } },
    );
    expect(createModelVersion).toMatchObject({ version: 1, stage: 'NONE', sourceRunId: best, artifactSha256: put.body.sha256, aliases: [] });
    expect(createModelVersion.sourceRun).toEqual({ id: best, name: 'yolov8n_e3_sz416_lr0.01_s42' });
    expect(createModelVersion.artifact).toEqual({ path: 'weights/best.onnx', sha256: put.body.sha256 });
    expect(createModelVersion.metrics.find((m: any) => m.key === 'map50')).toEqual({ key: 'map50', last: 0.31, lastStep: 3 });

    const events = collect(t.ws(), `subscription { modelVersionChanged(name: "${NAME}") { modelName version fromStage toStage actor } }`, {}, 2);
    await new Promise((r) => setTimeout(r, 300));
    // Another model's changes must not reach this subscription.
    await ok(`mutation { createRegisteredModel(input: { name: "other-model" }) { name } }`);
    await ok(`mutation { createModelVersion(input: { name: "other-model", runId: "${best}", artifactPath: "weights/best.onnx" }) { version } }`);
    await ok(`mutation { promoteModelVersion(input: { name: "other-model", version: 1, stage: STAGING, decision: { justification: "x" } }) { modelVersion { stage } } }`);
    const { registeredModels } = await ok(`{ registeredModels(first: 1) { totalCount nodes { name } pageInfo { hasNextPage endCursor } } }`);
    expect(registeredModels).toMatchObject({ totalCount: 2, nodes: [{ name: 'other-model' }], pageInfo: { hasNextPage: true } });
    const next = await ok(`query($a: String) { registeredModels(first: 1, after: $a) { nodes { name } pageInfo { hasNextPage } } }`, { a: registeredModels.pageInfo.endCursor });
    expect(next.registeredModels).toEqual({ nodes: [{ name: NAME }], pageInfo: { hasNextPage: false } });

    const promote = `mutation($input: PromoteModelVersionInput!) { promoteModelVersion(input: $input) {
      modelVersion { version stage } transitions { seq version fromStage toStage actor decision { justification risks report { locale markdown } } gates { passed target { kind stage alias } gates { name passed observed message required { source threshold metric } evidence { evaluationRunId dataset settings { key value } value } } } } } }`;
    const staged = await ok(promote, { input: { name: NAME, version: 1, stage: 'STAGING', decision: { justification: 'Best mAP@50 of the grid (0.31).' } } });
    expect(staged.promoteModelVersion.modelVersion).toEqual({ version: 1, stage: 'STAGING' });

    await ok(`mutation($input: SetPromotionPolicyInput!) { setPromotionPolicy(input: $input) { name } }`, {
      input: {
        name: NAME,
        policy: { production: { requireEvaluation: { dataset: 'coco128', metric: 'map50', floor: 0.3, compareWithProduction: true, settingsMustMatch: ['imgsz', 'conf', 'iou'] } } },
      },
    });

    const productionInput = {
      name: NAME,
      version: 1,
      stage: 'PRODUCTION',
      decision: { justification: 'Validated on the full COCO128 set.', risks: 'Low precision at conf 0.001.', useReport: true, reportLocale: 'en' },
    };
    const refused = await t.gql(promote, { input: productionInput });
    expect(refused.errors?.[0].extensions.code).toBe('FAILED_PRECONDITION');
    expect(refused.errors?.[0].message).toBe('Version 1 does not meet the gates for PRODUCTION: Version 1 needs a finished, unfiltered evaluation on coco128 with map50: no evaluation run was found.');
    expect(refused.errors?.[0].extensions.unmetGates).toMatchObject([{ name: 'EVALUATION', passed: false, observed: null, required: { source: 'FLOOR', threshold: 0.3 } }]);

    // The evaluation run, as the evaluation contract writes it (full, unfiltered: no `classes` param).
    const evaluationId = await finishedRun(
      experimentId,
      'eval_person-detector_v1_coco128',
      'EVALUATION',
      {
        job_id: 'job-1',
        dataset: 'coco128',
        dataset_digest: 'sha256:0c0128',
        dataset_version: '1',
        imgsz: '640',
        conf: '0.001',
        iou: '0.7',
        max_det: '300',
        batch: '8',
        execution_provider: 'CPU',
        device: 'cpu',
        source_run_id: best,
        artifact_path: 'weights/best.onnx',
        model_name: NAME,
        model_version: '1',
      },
      [
        { key: 'map50', value: 0.52, step: 0 },
        { key: 'map50_95', value: 0.34, step: 0 },
        { key: 'precision', value: 0.62, step: 0 },
        { key: 'recall', value: 0.55, step: 0 },
        { key: 'f1', value: 0.583, step: 0 },
        { key: 'best_confidence', value: 0.31, step: 0 },
        { key: 'precision_at_conf', value: 0.008, step: 0 },
        { key: 'recall_at_conf', value: 0.71, step: 0 },
      ],
      best,
    );

    const promoted = await ok(promote, { input: productionInput });
    const [toProduction] = promoted.promoteModelVersion.transitions;
    expect(toProduction).toMatchObject({ seq: 2, version: 1, fromStage: 'STAGING', toStage: 'PRODUCTION', actor: 'local' });
    expect(toProduction.gates).toMatchObject({
      passed: true,
      target: { kind: 'STAGE', stage: 'PRODUCTION', alias: null },
      gates: [{ name: 'EVALUATION', passed: true, observed: 0.52, evidence: { evaluationRunId: evaluationId } }],
    });
    expect(toProduction.decision.report.locale).toBe('en');
    expect(toProduction.decision.report.markdown).toContain('imgsz 416 vs 320: +11.1 % (0.300 vs 0.270)');

    // History and decision kept; productionVersionAt replays it.
    const { modelVersionTransitions } = await ok(
      `{ modelVersionTransitions(name: "${NAME}") { totalCount nodes { seq version fromStage toStage actor at decision { justification risks report { markdown } } metricsSnapshot } } }`,
    );
    expect(modelVersionTransitions.totalCount).toBe(2);
    expect(modelVersionTransitions.nodes.map((n: any) => [n.seq, n.fromStage, n.toStage, n.decision.justification])).toEqual([
      [1, 'NONE', 'STAGING', 'Best mAP@50 of the grid (0.31).'],
      [2, 'STAGING', 'PRODUCTION', 'Validated on the full COCO128 set.'],
    ]);
    expect(modelVersionTransitions.nodes[1].decision.risks).toBe('Low precision at conf 0.001.');
    expect(modelVersionTransitions.nodes[1].metricsSnapshot).toMatchObject({ sourceRunId: best, evaluation: { value: 0.52 } });
    const before = new Date(new Date(modelVersionTransitions.nodes[1].at).getTime() - 1).toISOString();
    const at = await ok(
      `query($b: DateTimeISO!) { now: productionVersionAt(name: "${NAME}", at: "${new Date(Date.now() + 1000).toISOString()}") { version } before: productionVersionAt(name: "${NAME}", at: $b) { version } }`,
      { b: before },
    );
    expect(at).toEqual({ now: { version: 1 }, before: null });

    const { registeredModel } = await ok(`{ registeredModel(name: "${NAME}") { policy versions { totalCount nodes { version stage aliases } } } }`);
    expect(registeredModel.versions).toEqual({ totalCount: 1, nodes: [{ version: 1, stage: 'PRODUCTION', aliases: [] }] });
    // Absent lookups are null; an aliased query keeps the answers that exist. Mutations on them stay NOT_FOUND.
    const lookups = await t.gql(
      `{ v1: modelVersion(name: "${NAME}", version: 1) { version } v9: modelVersion(name: "${NAME}", version: 9) { version } noModelV: modelVersion(name: "nope", version: 1) { version } noModel: registeredModel(name: "nope") { name } }`,
    );
    expect(lookups.errors).toBeUndefined();
    expect(lookups.data).toEqual({ v1: { version: 1 }, v9: null, noModelV: null, noModel: null });
    const promoteMissing = await t.gql(`mutation { promoteModelVersion(input: { name: "${NAME}", version: 9, stage: STAGING, decision: { justification: "x" } }) { modelVersion { version } } }`);
    expect(promoteMissing.errors![0]).toMatchObject({ message: `Model "${NAME}" has no version 9.`, extensions: { code: 'NOT_FOUND' } });

    // The subscription saw both changes, after commit, in order.
    expect(await events.done).toEqual([
      { modelVersionChanged: { modelName: NAME, version: 1, fromStage: 'NONE', toStage: 'STAGING', actor: 'local' } },
      { modelVersionChanged: { modelName: NAME, version: 1, fromStage: 'STAGING', toStage: 'PRODUCTION', actor: 'local' } },
    ]);

    // The report, written from the tracked data, in both locales.
    const { en, fr } = await ok(
      `{ en: promotionReport(name: "${NAME}", version: 1, locale: en) { locale markdown sections { candidate { runId version keyParams { key value } evaluation { runId settings { key value } operatingPoint { precision recall } f1Optimal { precision recall } } } comparison { runCount params { key changes { text significant } } } decision { verdict gates { name passed } } } } fr: promotionReport(name: "${NAME}", version: 1, locale: fr) { markdown } }`,
    );
    expect(en.markdown).toContain('imgsz 416 vs 320: +11.1 % (0.300 vs 0.270), significant');
    expect(en.markdown).toContain('Seed variance: runs that differ only in the seed spread with std 0.007');
    expect(en.markdown).toContain(best.slice(0, 8));
    expect(en.markdown).toContain('0.008');
    expect(en.sections.comparison.params.find((p: any) => p.key === 'imgsz').changes[0]).toMatchObject({ text: expect.stringContaining('imgsz 416 vs 320: +11.1 %'), significant: true });
    expect(en.sections.candidate).toMatchObject({
      runId: best,
      version: 1,
      evaluation: { runId: evaluationId, operatingPoint: { precision: 0.008, recall: 0.71 }, f1Optimal: { precision: 0.62, recall: 0.55 } },
    });
    expect(fr.markdown).toContain('imgsz 416 contre 320 : +11,1 % (0,300 contre 0,270)');
  }, 120_000);
});
