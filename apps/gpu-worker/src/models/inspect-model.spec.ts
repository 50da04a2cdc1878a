import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { WorkerError } from '../errors/worker-error';
import { decodeModel, inspectModel, parseNames } from './inspect-model';

const assets = resolve(__dirname, '../../../../assets');

function expectWorkerError(fn: () => unknown, code: string, message: RegExp) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).code).toBe(code);
    expect((error as WorkerError).message).toMatch(message);
    return;
  }
  throw new Error('expected a WorkerError');
}

function modelWithInput(dims: number[], outDims: number[] = [1, 84, 8400]): onnx.ModelProto {
  const io = (name: string, d: number[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: d.map((v) => ({ dimValue: v })) } } } });
  return onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ version: 13 }],
    graph: { name: 'g', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }], input: [io('x', dims)], output: [io('y', outDims)] },
  });
}

describe('inspectModel', () => {
  it('recognises YOLOv8n (dynamic batch, names from metadata) and YOLOX-nano', () => {
    const v8 = inspectModel(decodeModel(readFileSync(`${assets}/models/yolov8n_fp32_dynamic.onnx`)), { imgsz: 640 });
    expect(v8).toMatchObject({ family: 'yolov8', layout: 'channels-first', numClasses: 80, numAnchors: 8400, fixedBatch: null, inputName: 'images' });
    expect(v8.classNames?.slice(0, 3)).toEqual(['person', 'bicycle', 'car']);
    const x = inspectModel(decodeModel(readFileSync(`${assets}/models/yolox_nano.onnx`)), { imgsz: 416 });
    expect(x).toMatchObject({ family: 'yolox', layout: 'anchors-first', numClasses: 80, numAnchors: 3549, fixedBatch: 1 });
    expect(x.preprocess).toEqual({ channels: 'BGR', scale: 1, pad: 'top-left' });
  });

  it('rejects bytes that are not ONNX as MODEL_INVALID', () => {
    expectWorkerError(() => decodeModel(Buffer.from('this is not a model at all'), 'm.onnx'), 'MODEL_INVALID', /m\.onnx is not a valid ONNX model/);
  });

  it('rejects a wrong input rank as MODEL_INCOMPATIBLE, naming the input', () => {
    expectWorkerError(() => inspectModel(modelWithInput([1, 3, 640]), { imgsz: 640 }), 'MODEL_INCOMPATIBLE', /input 'x' has rank 3/);
  });

  it('rejects a fixed input size other than imgsz', () => {
    expectWorkerError(() => inspectModel(decodeModel(readFileSync(`${assets}/models/yolox_nano.onnx`)), { imgsz: 640 }), 'MODEL_INCOMPATIBLE', /fixed at 416×416 but imgsz 640/);
  });

  it('parses Ultralytics names with either quote style', () => {
    expect(parseNames(`{0: 'person', 1: "it's"}`)).toEqual(['person', "it's"]);
  });
});
