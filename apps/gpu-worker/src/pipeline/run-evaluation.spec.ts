// The whole pipeline on the CPU EP with real models and images; its helpers run from the TypeScript sources.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { WorkerError } from '../errors/worker-error';
import type { EvaluationOptions, EvaluationProgress, EvaluationResult } from './evaluation-types';
import { parseArgs, runCli } from '../../../../libs/metrics/src/cli';
import { WorkerThreads } from '../threads/worker-threads';
import { probeCapabilities } from './probe-capabilities';
import { runEvaluation } from './run-evaluation';
import { TensorCache } from './tensor-cache';

const assets = resolve(__dirname, '../../../../assets');
const V8 = `${assets}/models/yolov8n_fp32_dynamic.onnx`;
const YOLOX = `${assets}/models/yolox_nano.onnx`;
const COCO8_VAL = { format: 'YOLO' as const, imagesDir: `${assets}/datasets/coco8/images/val`, labelsDir: `${assets}/datasets/coco8/labels/val` };
const COCO128 = { format: 'YOLO' as const, imagesDir: `${assets}/datasets/coco128/images/train2017`, labelsDir: `${assets}/datasets/coco128/labels/train2017` };
const postStats = () => WorkerThreads.shared().post.stats;
const BASE = { imgsz: 640, conf: 0.001, iou: 0.7, maxDet: 300, executionProvider: 'CPU' as const };

/** bus.jpg (810×1080) with its bus and four people as YOLO labels. */
function busDataset(): EvaluationOptions['dataset'] {
  const dir = mkdtempSync(join(tmpdir(), 'podium-bus-'));
  mkdirSync(join(dir, 'images'));
  mkdirSync(join(dir, 'labels'));
  copyFileSync(`${assets}/images/bus.jpg`, join(dir, 'images/bus.jpg'));
  const boxes: [number, number, number, number, number][] = [
    [5, 17, 231, 802, 768],
    [0, 48, 399, 245, 903],
    [0, 670, 380, 810, 876],
    [0, 221, 405, 345, 857],
    [0, 0, 550, 63, 873],
  ];
  const rows = boxes.map(([c, x1, y1, x2, y2]) => [c, (x1 + x2) / 2 / 810, (y1 + y2) / 2 / 1080, (x2 - x1) / 810, (y2 - y1) / 1080].join(' '));
  writeFileSync(join(dir, 'labels/bus.txt'), rows.join('\n'));
  return { format: 'YOLO', imagesDir: join(dir, 'images'), labelsDir: join(dir, 'labels') };
}

async function expectWorkerError(promise: Promise<unknown>, code: string, message: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkerError);
  expect((error as WorkerError).code).toBe(code);
  expect((error as WorkerError).message).toMatch(message);
}

describe('runEvaluation on the CPU EP', () => {
  let coco8: EvaluationResult;
  const progress: number[] = [];
  beforeAll(async () => {
    coco8 = await runEvaluation({ ...BASE, modelPath: V8, dataset: COCO8_VAL, batch: 2, onProgress: (p) => progress.push(p.done) });
  }, 120_000);

  it('evaluates COCO8 val with YOLOv8n: both protocols, the sweep and the device', () => {
    expect(coco8.imagesEvaluated).toBe(4);
    expect(coco8.skippedImages).toBe(0);
    expect(coco8.executionProvider).toBe('CPU');
    expect(coco8.device.length).toBeGreaterThan(0);
    expect(coco8.run).toMatchObject({ family: 'yolov8', fused: true, batch: 2 });
    expect(coco8.map50).toBeGreaterThan(0.5);
    expect(coco8.map50_95).toBeGreaterThan(0.3);
    expect(coco8.map50_95).toBeLessThan(coco8.map50);
    expect(coco8.coco.ap).toBeGreaterThan(0.3);
    expect(coco8.coco.stats.ar100).toBe(coco8.coco.ar100);
    const person = coco8.perClass.find((c) => c.name === 'person');
    expect(person?.nLabels).toBe(10);
    expect(coco8.thresholdSweep.map((s) => s.iou)).toEqual([0.5, 0.6, 0.7]);
    for (const sweep of coco8.thresholdSweep) expect(sweep.points.map((p) => p.conf)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    const best = coco8.bestOperatingPoint;
    expect(Math.max(...coco8.thresholdSweep.flatMap((s) => s.points.map((p) => p.f1)))).toBe(best.f1);
    // Stricter confidence never raises recall.
    const recalls = coco8.thresholdSweep[2].points.map((p) => p.recall);
    recalls.slice(1).forEach((r, i) => expect(r).toBeLessThanOrEqual(recalls[i] + 1e-12));
    expect(progress.at(-1)).toBe(4);
    // At the job's own conf (0.001 here) nearly every candidate counts: recall is at least the sweep's, precision low.
    expect(coco8.operatingPointAtConf.conf).toBeCloseTo(0.001, 9);
    expect(coco8.operatingPointAtConf.recall).toBeGreaterThanOrEqual(coco8.thresholdSweep[2].points[0].recall - 1e-12);
    expect(coco8.operatingPointAtConf.precision).toBeLessThan(coco8.thresholdSweep[2].points[0].precision);
  });

  it('runs the unfused graph to the same metrics', async () => {
    const unfused = await runEvaluation({ ...BASE, modelPath: V8, dataset: COCO8_VAL, batch: 2, fuse: false });
    expect(unfused.run.fused).toBe(false);
    expect(unfused.map50).toBeCloseTo(coco8.map50, 4);
    expect(unfused.map50_95).toBeCloseTo(coco8.map50_95, 4);
  }, 120_000);

  it('reuses its decode and post-processing threads from one evaluation to the next, with the same metrics', async () => {
    const before = postStats();
    const again = await runEvaluation({ ...BASE, modelPath: V8, dataset: COCO8_VAL, batch: 2 });
    const after = postStats();
    expect(after.created).toBe(before.created);
    expect(after.idle).toBe(before.idle);
    expect(again.map50).toBe(coco8.map50);
    expect(again.thresholdSweep).toEqual(coco8.thresholdSweep);
  }, 120_000);

  it('gives the same metrics one image per batch (input buffers handed back and refilled)', async () => {
    const single = await runEvaluation({ ...BASE, modelPath: V8, dataset: COCO8_VAL, batch: 1 });
    expect(single.imagesEvaluated).toBe(4);
    expect(single.map50).toBeCloseTo(coco8.map50, 5);
    expect(single.map50_95).toBeCloseTo(coco8.map50_95, 5);
  }, 120_000);

  it.each([
    ['YOLOv8n', V8, 640],
    ['YOLOX-nano', YOLOX, 416],
  ] as const)(
    'finds the bus and the people on bus.jpg with %s',
    async (_name, modelPath, imgsz) => {
      const result = await runEvaluation({ ...BASE, modelPath, imgsz, dataset: busDataset() });
      // YOLOX carries no class names: COCO-80 index 0 is person, 5 is bus.
      const perClass = result.perClass;
      expect(perClass.find((c) => c.classId === 5)?.ap50).toBeGreaterThan(0.9);
      expect(perClass.find((c) => c.classId === 0)?.nLabels).toBe(4);
      expect(perClass.find((c) => c.classId === 0)?.ap50).toBeGreaterThan(0.6);
      expect(result.map50).toBeGreaterThan(0.7);
    },
    120_000,
  );

  it('decodes with helper processes to the same metrics as with threads', async () => {
    const threads = new WorkerThreads({ helpers: 2, kind: 'process' });
    try {
      const result = await runEvaluation({ ...BASE, modelPath: V8, dataset: COCO8_VAL, batch: 2, threads });
      expect(result.run.decodeHelpers).toEqual({ kind: 'process', count: 2 });
      expect(result.map50_95).toBe(coco8.map50_95);
      expect(result.thresholdSweep).toEqual(coco8.thresholdSweep);
    } finally {
      await threads.close();
    }
  }, 120_000);

  it('evaluates only the classes asked for', async () => {
    const persons = await runEvaluation({ ...BASE, modelPath: V8, dataset: COCO8_VAL, classes: [0] });
    expect(persons.perClass.map((c) => c.name)).toEqual(['person']);
    expect(persons.perClass[0].nLabels).toBe(10);
    expect(persons.map50).toBeCloseTo(persons.perClass[0].ap50, 12);
  }, 120_000);

  it('skips and counts a corrupt image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-corrupt-'));
    mkdirSync(join(dir, 'images'));
    for (const f of ['000000000036.jpg', '000000000042.jpg']) copyFileSync(`${COCO8_VAL.imagesDir}/${f}`, join(dir, 'images', f));
    writeFileSync(join(dir, 'images/000000000001.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]));
    const result = await runEvaluation({ ...BASE, modelPath: V8, dataset: { format: 'YOLO', imagesDir: join(dir, 'images'), labelsDir: COCO8_VAL.labelsDir } });
    expect(result.imagesEvaluated).toBe(2);
    expect(result.skippedImages).toBe(1);
    expect(result.skipped[0].file).toMatch(/000000000001\.jpg$/);
  }, 120_000);

  it('leaves nothing behind that holds the process once it returns (a CLI exits at once)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-cli-'));
    const script = join(dir, 'cli.ts');
    const options = { ...BASE, modelPath: YOLOX, imgsz: 416, dataset: busDataset() };
    const entry = JSON.stringify(resolve(__dirname, 'run-evaluation.ts'));
    writeFileSync(script, `import { runEvaluation } from ${entry};\nrunEvaluation(${JSON.stringify(options)}).then(() => console.log(Date.now()));\n`);
    try {
      const child = spawnSync(process.execPath, [resolve(__dirname, '../threads/run-ts.cjs'), script], { encoding: 'utf8', timeout: 120_000 });
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      expect(Date.now() - Number(child.stdout.trim())).toBeLessThan(3_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  it('fails an invalid ONNX file with MODEL_INVALID', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'podium-bad-')), 'bad.onnx');
    writeFileSync(bad, 'definitely not protobuf');
    await expectWorkerError(runEvaluation({ ...BASE, modelPath: bad, dataset: COCO8_VAL }), 'MODEL_INVALID', /bad\.onnx is not a valid ONNX model/);
  });

  it('fails a class-count mismatch with MODEL_INCOMPATIBLE', async () => {
    await expectWorkerError(
      runEvaluation({ ...BASE, modelPath: V8, dataset: { ...COCO8_VAL, classNames: ['cat', 'dog', 'bird'] } }),
      'MODEL_INCOMPATIBLE',
      /model predicts 80 classes but the dataset has 3 classes/,
    );
  });

  it('stops at a batch boundary when cancelled', async () => {
    const abort = new AbortController();
    await expectWorkerError(
      runEvaluation({ ...BASE, modelPath: V8, dataset: COCO8_VAL, batch: 1, signal: abort.signal, onProgress: () => abort.abort() }),
      'CANCELLED',
      /cancelled after [1-3] of 4 images/,
    );
  }, 120_000);

  it('fails CUDA asked for where it cannot load, and falls back from AUTO with the reason', async () => {
    const caps = await probeCapabilities();
    if (caps.executionProviders.includes('CUDA')) {
      const result = await runEvaluation({ ...BASE, modelPath: V8, dataset: COCO8_VAL, executionProvider: 'CUDA' });
      expect(result.executionProvider).toBe('CUDA');
      return;
    }
    await expectWorkerError(runEvaluation({ ...BASE, modelPath: YOLOX, imgsz: 416, dataset: COCO8_VAL, executionProvider: 'CUDA' }), 'PROVIDER_UNAVAILABLE', /CUDA execution provider unavailable: .+/);
    const auto = await runEvaluation({ ...BASE, modelPath: YOLOX, imgsz: 416, dataset: COCO8_VAL, executionProvider: 'AUTO' });
    expect(auto.executionProvider).toBe('CPU');
    expect(auto.fallbackReason).toMatch(/CUDA execution provider unavailable/);
  }, 120_000);
});

describe('continuous evaluation of COCO128 with YOLOv8n at 640 on the CPU EP', () => {
  const cache = new TensorCache(mkdtempSync(join(tmpdir(), 'podium-tensors-')), 1024 ** 3);
  const out = mkdtempSync(join(tmpdir(), 'podium-predictions-'));
  const progress: EvaluationProgress[] = [];
  let cold: EvaluationResult;
  let warm: EvaluationResult;
  beforeAll(async () => {
    const base = { ...BASE, modelPath: V8, dataset: COCO128, batch: 8, tensorCache: cache, datasetDigest: 'coco128-test' };
    cold = await runEvaluation({ ...base, predictionsPath: join(out, 'cold.json.gz'), onProgress: (p) => progress.push(p) });
    warm = await runEvaluation({ ...base, predictionsPath: join(out, 'warm.json.gz') });
  }, 600_000);

  it('decodes into the cache once, then reads it back, to the same metrics (mAP50 0.5952, mAP50-95 0.4420)', () => {
    expect([cold.run.inputCache, warm.run.inputCache]).toEqual(['built', 'hit']);
    expect(cold.imagesEvaluated).toBe(128);
    expect(cold.map50.toFixed(4)).toBe('0.5952');
    expect(cold.map50_95.toFixed(4)).toBe('0.4420');
    expect(warm.map50).toBe(cold.map50);
    expect(warm.map50_95).toBe(cold.map50_95);
    expect(warm.coco.stats).toEqual(cold.coco.stats);
    expect(warm.thresholdSweep).toEqual(cold.thresholdSweep);
  });

  it('says where its time went, in the result and in every progress event', () => {
    expect(cold.timings.decodeSeconds).toBeGreaterThan(0);
    expect(warm.timings.decodeSeconds).toBe(0);
    expect(warm.timings.cacheReadSeconds).toBeGreaterThan(0);
    for (const t of [cold.timings, warm.timings]) {
      expect(t.inferenceSeconds).toBeGreaterThan(0);
      expect(t.postSeconds).toBeGreaterThan(0);
      expect(t.wallSeconds).toBeGreaterThan(t.inputWaitSeconds);
    }
    expect(progress.at(-1)?.done).toBe(128);
    expect(progress.at(-1)?.timings.inferenceSeconds).toBeCloseTo(cold.timings.inferenceSeconds, 6);
    const waits = progress.map((p) => p.timings.inputWaitSeconds);
    waits.slice(1).forEach((w, i) => expect(w).toBeGreaterThanOrEqual(waits[i]));
  });

  it('keeps its detections as a gzipped COCO results file that `npm run metrics` turns into the same numbers', () => {
    expect(cold.predictionsPath).toBe(join(out, 'cold.json.gz'));
    expect(existsSync(`${cold.predictionsPath}.part`)).toBe(false);
    const rows = JSON.parse(gunzipSync(readFileSync(cold.predictionsPath!)).toString()) as { image_id: string; category_id: number; bbox: number[]; score: number }[];
    expect(rows[0]).toEqual({
      image_id: expect.stringMatching(/^0000000000\d\d$/),
      category_id: expect.any(Number),
      bbox: [expect.any(Number), expect.any(Number), expect.any(Number), expect.any(Number)],
      score: expect.any(Number),
    });
    expect(new Set(rows.map((r) => r.image_id)).size).toBeGreaterThan(120);
    const cli = (protocol: string) => runCli(parseArgs(['--gt', COCO128.labelsDir, '--images', COCO128.imagesDir, '--dt', cold.predictionsPath!, '--protocol', protocol]));
    const ultralytics = cli('ultralytics');
    expect(ultralytics.map50).toBe(cold.map50);
    expect(ultralytics.map50_95).toBe(cold.map50_95);
    expect(ultralytics.map75).toBe(cold.map75);
    expect(cli('coco').stats).toEqual(cold.coco.stats);
    expect(readFileSync(warm.predictionsPath!)).toEqual(readFileSync(cold.predictionsPath!));
  });

  it('uses the COCO json ids in the file of a COCO dataset, and the CLI on that json agrees', async () => {
    // The first 24 images of COCO128's instances json, as their own COCO dataset.
    const json = JSON.parse(readFileSync(`${assets}/datasets/coco128/annotations/instances_train2017.json`, 'utf8'));
    const images = json.images.slice(0, 24);
    const ids = new Set(images.map((im: { id: number }) => im.id));
    const dir = mkdtempSync(join(tmpdir(), 'podium-coco-'));
    const annotationsPath = join(dir, 'instances.json');
    writeFileSync(annotationsPath, JSON.stringify({ ...json, images, annotations: json.annotations.filter((a: { image_id: number }) => ids.has(a.image_id)) }));
    const predictionsPath = join(dir, 'predictions.json.gz');
    const result = await runEvaluation({ ...BASE, modelPath: V8, batch: 8, dataset: { format: 'COCO', imagesDir: COCO128.imagesDir, annotationsPath }, predictionsPath });
    const rows = JSON.parse(gunzipSync(readFileSync(predictionsPath)).toString()) as { image_id: number; category_id: number }[];
    expect(rows.every((r) => ids.has(r.image_id))).toBe(true);
    const categoryIds = new Set(json.categories.map((c: { id: number }) => c.id));
    expect(rows.every((r) => categoryIds.has(r.category_id))).toBe(true);
    expect(rows.some((r) => r.category_id > 80)).toBe(true); // COCO's own ids (1–90), not class indices
    const cli = (protocol: string) => runCli(parseArgs(['--gt', annotationsPath, '--dt', predictionsPath, '--protocol', protocol]));
    expect(cli('coco').stats).toEqual(result.coco.stats);
    const ultralytics = cli('ultralytics');
    expect(ultralytics.map50).toBe(result.map50);
    expect(ultralytics.map50_95).toBe(result.map50_95);
  }, 300_000);
});
