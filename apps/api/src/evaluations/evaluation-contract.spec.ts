import { describe, expect, it } from 'vitest';
import { AppError } from '../common/app-error';
import { evaluationMetrics, evaluationRunName, evaluationRunParams, mirroredMetrics, validateResult, validateSettings } from './evaluation-contract';
import { ExecutionProvider } from './evaluation-job-status';

const result = {
  map50: 0.5,
  map50_95: 0.35,
  map75: 0.37,
  precision: 0.8,
  recall: 0.5,
  f1: 0.61,
  bestConfidence: 0.3,
  fitness: 0.365,
  precisionAtConf: 0.008,
  recallAtConf: 0.7,
  perClass: [],
  coco: { ap: 0.34, ap50: 0.49, ap75: 0.36, ar100: 0.5 },
  thresholdSweep: [],
  executionProvider: 'CUDA',
  device: 'NVIDIA H100',
  imagesPerSecond: 1200,
  imagesEvaluated: 128,
  skippedImages: 1,
};

function errorOf(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected an error');
}

describe('validateSettings', () => {
  it('fills the defaults and sorts the classes', () => {
    expect(validateSettings({ classes: [3, 0, 3] }, 80)).toEqual({ imgsz: 640, conf: 0.001, iou: 0.7, maxDet: 300, classes: [0, 3], batch: null, executionProvider: ExecutionProvider.AUTO });
    expect(validateSettings({ classes: [] }, 80).classes).toBeNull();
  });

  it('lists every bad setting in one error', () => {
    const e = errorOf(() => validateSettings({ imgsz: 4128, conf: -0.1, iou: 0, maxDet: 3001, batch: 257, classes: [79, 80] }, 80));
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.details?.problems).toEqual([
      'imgsz must be a multiple of 32 in [32, 4096], got 4128',
      'conf must be in [0, 1), got -0.1',
      'iou must be in (0, 1], got 0',
      'maxDet must be an integer in [1, 3000], got 3001',
      'batch must be an integer in [1, 256], got 257',
      'classes 80 are not class ids of the dataset (0..79)',
    ]);
    expect(validateSettings({ imgsz: 32, conf: 0, iou: 1, maxDet: 1, batch: 256 }, 1).imgsz).toBe(32);
  });
});

describe('the evaluation run', () => {
  const base = { jobId: 'j', datasetName: 'coco128', datasetDigest: 'd', datasetVersion: 1, sourceRunId: 'r', artifactPath: 'weights/best.onnx', modelName: null, modelVersion: null, epoch: null };

  it('has no classes param for a full evaluation and a comma-separated one when filtered', () => {
    const full = evaluationRunParams({ ...base, settings: validateSettings({}, 80) });
    expect(full.find((p) => p.key === 'classes')).toBeUndefined();
    expect(full.find((p) => p.key === 'batch')).toEqual({ key: 'batch', value: 'auto' });
    const filtered = evaluationRunParams({ ...base, modelName: 'm', modelVersion: 2, settings: validateSettings({ classes: [2, 0] }, 80) });
    expect(filtered).toEqual(
      expect.arrayContaining([
        { key: 'classes', value: '0,2' },
        { key: 'model_name', value: 'm' },
        { key: 'model_version', value: '2' },
      ]),
    );
  });

  it('gets the canonical metric keys, and a training run gets the accuracy ones under the dataset name', () => {
    const m = evaluationMetrics(validateResult(result));
    expect(m.map((x) => x.key)).toEqual([
      'map50',
      'map50_95',
      'map75',
      'precision',
      'recall',
      'f1',
      'best_confidence',
      'fitness',
      'precision_at_conf',
      'recall_at_conf',
      'coco_ap',
      'coco_ap50',
      'coco_ap75',
      'coco_ar100',
      'images_per_second',
      'skipped_images',
    ]);
    expect(m.find((x) => x.key === 'coco_ap75')?.value).toBe(0.36);
    const mirrored = mirroredMetrics('coco128', m).map((x) => x.key);
    expect(mirrored).toContain('coco128/map50');
    expect(mirrored).not.toContain('coco128/images_per_second');
    const { precisionAtConf: _p, recallAtConf: _r, ...without } = result;
    expect(evaluationMetrics(validateResult(without)).map((x) => x.key)).not.toContain('precision_at_conf');
  });

  it('is named after what was evaluated', () => {
    expect(evaluationRunName({ modelName: null, modelVersion: null, artifactPath: 'weights/epoch3.onnx', datasetName: 'coco128', epoch: 3 })).toBe('eval-epoch3-coco128-e3');
    expect(evaluationRunName({ modelName: 'det', modelVersion: 2, artifactPath: 'x.onnx', datasetName: 'coco128', epoch: null })).toBe('eval-det-v2-coco128');
  });
});

describe('validateResult', () => {
  it('names each problem of a bad report', () => {
    const e = errorOf(() => validateResult({ ...result, recall: 1.5, coco: { ap: 0.1 }, executionProvider: 'TPU', device: '', imagesEvaluated: -1 }));
    expect(e.details?.problems).toEqual([
      'recall must be a number in [0, 1], got 1.5',
      'coco.ap50 must be a number in [0, 1], got undefined',
      'coco.ap75 must be a number in [0, 1], got undefined',
      'coco.ar100 must be a number in [0, 1], got undefined',
      'executionProvider must be CUDA or CPU, got "TPU"',
      'device must be a non-empty string',
      'imagesEvaluated must be a non-negative number, got -1',
    ]);
  });
});
