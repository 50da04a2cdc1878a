import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { sessionOptions } from './session-options';

describe('sessionOptions', () => {
  it('gives a CUDA session one non-spinning host thread on the chosen device', () => {
    const options = sessionOptions('CUDA', { deviceId: 1, cpuThreads: 12 });
    expect(options.executionProviders).toEqual([{ name: 'cuda', deviceId: 1 }]);
    expect([options.intraOpNumThreads, options.interOpNumThreads]).toEqual([1, 1]);
    expect(options.extra).toEqual({ session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } });
  });

  it('leaves the CPU provider its thread pool (the inference itself), sized when asked', () => {
    expect(sessionOptions('CPU')).toEqual({ graphOptimizationLevel: 'all', executionProviders: ['cpu'] });
    expect(sessionOptions('CPU', { cpuThreads: 6 }).intraOpNumThreads).toBe(6);
  });

  it('builds options a session loads and runs with (the CUDA options, on the CPU provider here)', async () => {
    const { executionProviders: _cuda, ...rest } = sessionOptions('CUDA');
    const io = (name: string) => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 2 }] } } } });
    const identity = onnx.ModelProto.encode({
      irVersion: 7,
      opsetImport: [{ version: 13 }],
      graph: { name: 'identity', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }], input: [io('x')], output: [io('y')] },
    }).finish();
    const session = await ort.InferenceSession.create(identity, { ...rest, executionProviders: ['cpu'] });
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 2]), [1, 2]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([1, 2]);
    await session.release();
  });
});
