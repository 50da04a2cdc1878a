// What the page's end-to-end suite seeds, through GraphQL and HTTP as a trainer and a person would: the seed's grid
// (imgsz 416 vs 320: +11.1 %), one run still RUNNING, artifacts to preview, a registered version and a dataset.
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { create as createTar } from 'tar';
import type { TestApp } from '../../../api/test/support/test-app';

export const ASSETS = resolve(__dirname, '../../../../assets');

/**
 * The seed's 2 × 2 × 2 grid (imgsz × lr0 × seed) and a baseline outside it: map50 at the last (= best) epoch averages
 * 0.27 at imgsz 320 and 0.30 at 416 (416 vs 320: +11.1 %); each lr0/seed cell moves it by a hundredth or not at all.
 */
const OFFSETS: Record<string, number[]> = { '320': [0, 0.01, -0.01, 0], '416': [0.01, 0, -0.01, 0] };
export const GRID: { imgsz: string; lr0: string; seed: string | null; map50: number }[] = [
  ...(['320', '416'] as const).flatMap((imgsz) =>
    (['0.01', '0.005'] as const).flatMap((lr0, i) =>
      (['42', '1'] as const).map((seed, j) => ({ imgsz, lr0, seed, map50: Number(((imgsz === '320' ? 0.27 : 0.3) + OFFSETS[imgsz][2 * i + j]).toFixed(2)) })),
    ),
  ),
  { imgsz: '640', lr0: '0.01', seed: null, map50: 0.25 },
];

export const EPOCHS = 3;

export function gqlOf(t: TestApp) {
  return async <T = any>(query: string, variables?: Record<string, unknown>): Promise<T> => {
    const res = await t.gql(query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data as T;
  };
}

/** One epoch's points as Ultralytics' MLflow callback logs them (aliases included). */
export function epochPoints(finalMap50: number, epoch: number, epochs = EPOCHS): { key: string; value: number | string; step: number }[] {
  const f = (epoch + 1) / epochs;
  const map50 = Number((finalMap50 * (0.55 + 0.45 * f)).toFixed(4));
  return [
    { key: 'metrics/mAP50(B)', value: map50, step: epoch },
    { key: 'metrics/mAP50-95(B)', value: Number((map50 * 0.55).toFixed(4)), step: epoch },
    { key: 'metrics/precision(B)', value: Number((0.4 + 0.2 * f).toFixed(4)), step: epoch },
    { key: 'metrics/recall(B)', value: Number((0.3 + 0.2 * f).toFixed(4)), step: epoch },
    { key: 'train/box_loss', value: Number((1.6 - 0.3 * f).toFixed(4)), step: epoch },
    { key: 'val/cls_loss', value: epoch === 1 ? 'NaN' : Number((2.1 - 0.4 * f).toFixed(4)), step: epoch },
    { key: 'lr/pg0', value: Number((0.01 * (1 - 0.3 * epoch)).toFixed(5)), step: epoch },
  ];
}

export interface Seeded {
  experimentId: string;
  runs: { id: string; shortId: string; name: string; imgsz: string; map50: number }[];
  live: { id: string; shortId: string; name: string };
}

export async function seedGrid(t: TestApp, name = 'coco128-grid'): Promise<Seeded> {
  const gql = gqlOf(t);
  const { createExperiment } = await gql('mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }', { i: { name, description: 'YOLOv8n, imgsz × lr0 × seed' } });
  const experimentId = createExperiment.id;
  const runs: Seeded['runs'] = [];
  for (const g of GRID) {
    const runName = `yolov8n_e${EPOCHS}_sz${g.imgsz}_lr${g.lr0}${g.seed ? `_s${g.seed}` : ''}`;
    const params = [{ key: 'imgsz', value: g.imgsz }, { key: 'lr0', value: g.lr0 }, { key: 'epochs', value: String(EPOCHS) }, ...(g.seed ? [{ key: 'seed', value: g.seed }] : [])];
    const { createRun } = await gql('mutation($i: CreateRunInput!) { createRun(input: $i) { id shortId } }', {
      i: { experimentId, name: runName, params, tags: [{ key: 'dataset', value: 'coco128' }] },
    });
    for (let e = 0; e < EPOCHS; e++) await gql('mutation($i: LogMetricsInput!) { logMetrics(input: $i) { count } }', { i: { runId: createRun.id, metrics: epochPoints(g.map50, e) } });
    await gql('mutation($i: UpdateRunInput!) { updateRun(input: $i) { status } }', { i: { id: createRun.id, status: 'FINISHED' } });
    runs.push({ id: createRun.id, shortId: createRun.shortId, name: runName, imgsz: g.imgsz, map50: g.map50 });
  }
  const { createRun: live } = await gql('mutation($i: CreateRunInput!) { createRun(input: $i) { id shortId name } }', {
    i: {
      experimentId,
      name: 'live_sz416_lr0.01_s7',
      params: [
        { key: 'imgsz', value: '416' },
        { key: 'lr0', value: '0.01' },
        { key: 'seed', value: '7' },
      ],
    },
  });
  for (let e = 0; e < EPOCHS; e++) await gql('mutation($i: LogMetricsInput!) { logMetrics(input: $i) { count } }', { i: { runId: live.id, metrics: epochPoints(0.3, e, 10) } });
  return { experimentId, runs, live };
}

/** A results.csv like Ultralytics writes, and a JPEG "plot", on a run. */
export async function seedArtifacts(t: TestApp, runId: string): Promise<void> {
  const csv = 'epoch, train/box_loss, metrics/mAP50(B)\n0, 1.5, 0.16\n1, 1.4, 0.24\n2, 1.3, 0.30\n';
  for (const [path, type, body] of [
    ['results.csv', 'text/csv', Buffer.from(csv)],
    ['plots/bus.jpg', 'image/jpeg', readFileSync(join(ASSETS, 'images/bus.jpg'))],
    ['weights/best.onnx', 'application/octet-stream', readFileSync(join(ASSETS, 'models/yolox_nano.onnx'))],
  ] as const) {
    const res = await t.http().put(`/artifacts/${runId}/${path}`).set('content-type', type).send(body);
    if (res.status !== 201) throw new Error(`PUT ${path}: ${res.status} ${res.text}`);
  }
}

/** COCO8's 4 validation images as a YOLO dataset named `coco8`. */
export async function seedCoco8(t: TestApp): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'podium-web-ds-'));
  for (const part of ['images', 'labels']) {
    mkdirSync(join(dir, part));
    cpSync(join(ASSETS, 'datasets/coco8', part, 'val'), join(dir, part, 'val'), { recursive: true });
  }
  const tar = await buffer(createTar({ cwd: dir, portable: true }, ['images', 'labels']));
  const res = await t.http().post('/datasets/upload?name=coco8&format=YOLO&classNames=coco80').set('content-type', 'application/x-tar').send(tar);
  if (res.status !== 201) throw new Error(`dataset upload: ${res.status} ${res.text}`);
}
