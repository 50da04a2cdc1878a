import { describe, expect, it } from 'vitest';
import type { EvaluationResult } from '../pipeline/evaluation-types';
import { WorkerError } from '../errors/worker-error';
import { datasetSpec, failureOf, reportedResult } from './job-mapping';
import type { JobClaim } from './protocol';

const claim = (dataset: Partial<JobClaim['dataset']>): JobClaim => ({
  attempt: 1,
  leaseExpiresAt: '',
  modelUrl: '/artifacts/r/m.onnx',
  modelSha256: 'x',
  job: { id: 'j', epoch: null, settings: { imgsz: 640, conf: 0.001, iou: 0.7, maxDet: 300, classes: null, batch: null, executionProvider: 'CPU' } },
  dataset: {
    name: 'd',
    version: 1,
    digest: 'abc',
    format: 'YOLO',
    classNames: ['a'],
    archiveUrl: '/datasets/abc.tar',
    imagesDir: 'images/val',
    labelsDir: 'labels/val',
    annotationsPath: null,
    ...dataset,
  },
});

const result = (extra: Record<string, unknown> = {}) =>
  ({
    map50: 0.5,
    thresholdSweep: [
      { iou: 0.5, points: [{ conf: 0.1, precision: 0.11, recall: 0.9, f1: 0.2 }] },
      { iou: 0.7, points: [{ conf: 0.1, precision: 0.3, recall: 0.8, f1: 0.44 }] },
    ],
    run: { family: 'yolox', fused: true },
    ...extra,
  }) as unknown as EvaluationResult;

describe('datasetSpec', () => {
  it('resolves YOLO and COCO paths inside the extracted archive', () => {
    expect(datasetSpec(claim({}), '/cache/abc')).toEqual({ format: 'YOLO', imagesDir: '/cache/abc/images/val', labelsDir: '/cache/abc/labels/val', classNames: ['a'] });
    expect(datasetSpec(claim({ format: 'COCO', imagesDir: 'val2017', labelsDir: null, annotationsPath: 'annotations/instances.json' }), '/cache/abc')).toEqual({
      format: 'COCO',
      imagesDir: '/cache/abc/val2017',
      annotationsPath: '/cache/abc/annotations/instances.json',
    });
  });

  it('refuses a path that leaves the archive', () => {
    expect(() => datasetSpec(claim({ imagesDir: '../../etc' }), '/cache/abc')).toThrow('leaves the archive');
  });
});

describe('reportedResult', () => {
  it("takes P/R at the job's conf from the sweep at the job's NMS IoU, and keeps the run details as pipeline", () => {
    const out = reportedResult(result(), 0.1, 0.7);
    expect(out).toMatchObject({ precisionAtConf: 0.3, recallAtConf: 0.8, pipeline: { family: 'yolox', fused: true } });
    expect(out).not.toHaveProperty('run');
  });

  it('reports where the time went, and not the path of the detections file on this worker', () => {
    const timings = { wallSeconds: 2, sessionLoadSeconds: 0.1, inputWaitSeconds: 0.01, decodeSeconds: 0, cacheReadSeconds: 0.2, inferenceSeconds: 1.5, postSeconds: 0.4 };
    const out = reportedResult(result({ timings, predictionsPath: '/var/cache/podium/predictions/j.json.gz' }), 0.1, 0.7);
    expect(out.timings).toEqual(timings);
    expect(out).not.toHaveProperty('predictionsPath');
  });

  it("prefers the pipeline's exact operating point at the job's conf", () => {
    const out = reportedResult(result({ operatingPointAtConf: { conf: 0.001, precision: 0.008, recall: 0.95, f1: 0.016 } }), 0.001, 0.7);
    expect(out).toMatchObject({ precisionAtConf: 0.008, recallAtConf: 0.95 });
  });

  it('leaves the fields out when no point at that conf is known', () => {
    const out = reportedResult(result(), 0.001, 0.7);
    expect(out).not.toHaveProperty('precisionAtConf');
    expect(out.map50).toBe(0.5);
  });
});

describe('failureOf', () => {
  it("keeps a WorkerError's code and message", () => {
    expect(failureOf(new WorkerError('MODEL_INVALID', 'not an ONNX model: protobuf parse error'), false)).toEqual({ code: 'MODEL_INVALID', error: 'not an ONNX model: protobuf parse error' });
  });

  it('names the artifact rather than the cache file', () => {
    const e = new WorkerError('MODEL_INVALID', '/cache/models/ab12.onnx is not a valid ONNX model: invalid wire type 6');
    expect(failureOf(e, false, { '/cache/models/ab12.onnx': '/artifacts/r1/broken.onnx' }).error).toBe('/artifacts/r1/broken.onnx is not a valid ONNX model: invalid wire type 6');
  });

  it('reports a cancel as CANCELLED and anything else as WORKER_ERROR, with a bounded message', () => {
    expect(failureOf(new Error('boom'), true)).toEqual({ code: 'CANCELLED', error: 'cancelled' });
    const long = failureOf(new Error('x'.repeat(20_000)), false);
    expect(long.code).toBe('WORKER_ERROR');
    expect(long.error).toHaveLength(10_000);
  });
});
