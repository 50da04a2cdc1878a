// The whole pipeline on the CPU EP with real models and images. Its worker_thread scripts come from dist/:
// run `npm run build` first (the root `npm test` and CI build before testing).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WorkerError } from '../errors/worker-error';
import type { EvaluationOptions, EvaluationResult } from './evaluation-types';
import { DecodedCache } from './decoded-cache';
import { postThreadPoolStats } from './post-thread-client';
import { probeCapabilities } from './probe-capabilities';
import { runEvaluation } from './run-evaluation';

const assets = resolve(__dirname, '../../../../assets');
const V8 = `${assets}/models/yolov8n_fp32_dynamic.onnx`;
const YOLOX = `${assets}/models/yolox_nano.onnx`;
const COCO8_VAL = { format: 'YOLO' as const, imagesDir: `${assets}/datasets/coco8/images/val`, labelsDir: `${assets}/datasets/coco8/labels/val` };
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
  const error = await promise.then(() => undefined, (e: unknown) => e);
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
    const before = postThreadPoolStats();
    const again = await runEvaluation({ ...BASE, modelPath: V8, dataset: COCO8_VAL, batch: 2 });
    const after = postThreadPoolStats();
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
  ] as const)('finds the bus and the people on bus.jpg with %s', async (_name, modelPath, imgsz) => {
    const result = await runEvaluation({ ...BASE, modelPath, imgsz, dataset: busDataset() });
    // YOLOX carries no class names: COCO-80 index 0 is person, 5 is bus.
    const perClass = result.perClass;
    expect(perClass.find((c) => c.classId === 5)?.ap50).toBeGreaterThan(0.9);
    expect(perClass.find((c) => c.classId === 0)?.nLabels).toBe(4);
    expect(perClass.find((c) => c.classId === 0)?.ap50).toBeGreaterThan(0.6);
    expect(result.map50).toBeGreaterThan(0.7);
  }, 120_000);

  it('decodes a dataset once across evaluations that share a cache, with the same metrics', async () => {
    const cache = new DecodedCache(64 * 1024 * 1024);
    const first = await runEvaluation({ ...BASE, modelPath: V8, dataset: COCO8_VAL, batch: 2, decodedCache: cache });
    expect([cache.hits, cache.misses]).toEqual([0, 4]);
    const second = await runEvaluation({ ...BASE, modelPath: V8, dataset: COCO8_VAL, batch: 2, decodedCache: cache });
    expect([cache.hits, cache.misses]).toEqual([4, 4]);
    expect(second.map50_95).toBe(first.map50_95);
    expect(second.map50_95).toBe(coco8.map50_95);
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
    const built = resolve(__dirname, '../../../../dist/apps/gpu-worker/src/pipeline/run-evaluation.js');
    const options = { ...BASE, modelPath: YOLOX, imgsz: 416, dataset: busDataset() };
    const script = `require(${JSON.stringify(built)}).runEvaluation(${JSON.stringify(options)}).then(() => console.log(Date.now()))`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status).toBe(0);
    expect(Date.now() - Number(child.stdout.trim())).toBeLessThan(3_000);
  }, 120_000);

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
