/**
 * Rewrites a detector's ONNX graph at load so the GPU does the pre- and post-processing:
 * - input: uint8 NHWC RGB pixels (the letterboxed bytes sharp gives), cast, channel order, scale and the
 *   NHWC→NCHW transpose in-graph;
 * - output (optional): the exact multi-label candidates `Greater(scores, conf) → NonZero → GatherND`, with each
 *   candidate's raw box, instead of the full `[B, 84, 8400]` tensor whose transfer dominates on CUDA.
 * No ONNX NonMaxSuppression: on the CUDA EP it is ~15× slower than the rest of the model; NMS runs on the host.
 */
import { onnx } from 'onnx-proto';
import type { ModelSpec } from './model-family';
import { opsetOf } from './inspect-model';

export const FUSED_INPUT = 'pixels_u8';
export const FUSED_OUTPUTS = { indices: 'cand_indices', scores: 'cand_scores', boxes: 'cand_boxes' } as const;

export interface FuseOptions {
  /** Also reduce the output to candidates above this confidence. */
  readonly candidatesAbove?: number;
}

/** The least opset the rewrite's ops need (GatherND 11, Slice with tensor inputs 10). */
export const MIN_FUSE_OPSET = 11;

export function canFuse(model: onnx.IModelProto): boolean {
  return opsetOf(model) >= MIN_FUSE_OPSET;
}

export function fuseGraph(model: onnx.IModelProto, spec: ModelSpec, options: FuseOptions = {}): Uint8Array {
  const graph = model.graph!;
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const tag = 'podium_';
  const constant = (name: string, type: 'f32' | 'i64', values: number[], dims: number[] = [values.length]) => {
    inits.push(tensor(tag + name, type, values, dims));
    return tag + name;
  };

  // Input: uint8 [B, S, S, 3] → float → channel order → scale → [B, 3, S, S] under the original input's name.
  const batchDim = spec.fixedBatch === null ? { dimParam: 'batch' } : { dimValue: spec.fixedBatch };
  let x = FUSED_INPUT;
  nodes.push(node('Cast', [x], [tag + 'pix_f'], { to: onnx.TensorProto.DataType.FLOAT }));
  x = tag + 'pix_f';
  if (spec.preprocess.channels === 'BGR') {
    nodes.push(node('Gather', [x, constant('bgr', 'i64', [2, 1, 0])], [tag + 'pix_bgr'], { axis: 3 }));
    x = tag + 'pix_bgr';
  }
  if (spec.preprocess.scale !== 1) {
    nodes.push(node('Mul', [x, constant('scale', 'f32', [spec.preprocess.scale], [])], [tag + 'pix_scaled']));
    x = tag + 'pix_scaled';
  }
  nodes.push(node('Transpose', [x], [spec.inputName], { perm: [0, 3, 1, 2] }));

  const newInput: onnx.IValueInfoProto = valueInfo(FUSED_INPUT, onnx.TensorProto.DataType.UINT8, [batchDim, { dimValue: spec.imgsz }, { dimValue: spec.imgsz }, { dimValue: 3 }]);
  const inputs = [newInput, ...(graph.input ?? []).filter((i) => i.name !== spec.inputName)];

  const tail: onnx.INodeProto[] = [];
  let outputs = graph.output ?? [];
  if (options.candidatesAbove !== undefined) {
    const out = spec.outputName;
    const nc = spec.numClasses;
    let boxColumns: number[];
    if (spec.layout === 'channels-first') {
      const axis = constant('axis1', 'i64', [1]);
      tail.push(node('Slice', [out, constant('s0', 'i64', [0]), constant('s4', 'i64', [4]), axis], [tag + 'boxes_cf']));
      tail.push(node('Transpose', [tag + 'boxes_cf'], [tag + 'boxes'], { perm: [0, 2, 1] }));
      tail.push(node('Slice', [out, constant('s4b', 'i64', [4]), constant('send', 'i64', [4 + nc]), axis], [tag + 'scores']));
      boxColumns = [0, 2]; // NonZero over [B, nc, N] gives (image, class, anchor)
    } else {
      const axis = constant('axis2', 'i64', [2]);
      tail.push(node('Slice', [out, constant('s0', 'i64', [0]), constant('s4', 'i64', [4]), axis], [tag + 'boxes']));
      tail.push(node('Slice', [out, constant('s4b', 'i64', [4]), constant('s5', 'i64', [5]), axis], [tag + 'obj']));
      tail.push(node('Slice', [out, constant('s5b', 'i64', [5]), constant('send', 'i64', [5 + nc]), axis], [tag + 'cls']));
      tail.push(node('Mul', [tag + 'obj', tag + 'cls'], [tag + 'scores']));
      boxColumns = [0, 1]; // NonZero over [B, N, nc] gives (image, anchor, class)
    }
    const scores = tag + 'scores';
    const boxes = tag + 'boxes';
    tail.push(node('Greater', [scores, constant('conf', 'f32', [options.candidatesAbove], [])], [tag + 'mask']));
    tail.push(node('NonZero', [tag + 'mask'], [tag + 'nz']));
    tail.push(node('Transpose', [tag + 'nz'], [tag + 'idx'], { perm: [1, 0] }));
    tail.push(node('GatherND', [scores, tag + 'idx'], [FUSED_OUTPUTS.scores]));
    tail.push(node('Gather', [tag + 'idx', constant('boxcols', 'i64', boxColumns)], [tag + 'box_idx'], { axis: 1 }));
    tail.push(node('GatherND', [boxes, tag + 'box_idx'], [FUSED_OUTPUTS.boxes]));
    tail.push(node('Cast', [tag + 'idx'], [FUSED_OUTPUTS.indices], { to: onnx.TensorProto.DataType.INT32 }));
    const k = { dimParam: 'candidates' };
    outputs = [
      valueInfo(FUSED_OUTPUTS.indices, onnx.TensorProto.DataType.INT32, [k, { dimValue: 3 }]),
      valueInfo(FUSED_OUTPUTS.scores, onnx.TensorProto.DataType.FLOAT, [k]),
      valueInfo(FUSED_OUTPUTS.boxes, onnx.TensorProto.DataType.FLOAT, [k, { dimValue: 4 }]),
    ];
  }

  const fused = onnx.ModelProto.create({
    ...model,
    graph: onnx.GraphProto.create({
      ...graph,
      node: [...nodes, ...(graph.node ?? []), ...tail],
      initializer: [...(graph.initializer ?? []), ...inits],
      input: inputs,
      output: outputs,
      // Shapes recorded for the replaced tensors would now be wrong; ORT re-infers them.
      valueInfo: (graph.valueInfo ?? []).filter((v) => v.name !== spec.inputName),
    }),
  });
  return onnx.ModelProto.encode(fused).finish();
}

type Dim = { dimValue: number } | { dimParam: string };

function valueInfo(name: string, elemType: number, dims: Dim[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims } } } };
}

function node(opType: string, input: string[], output: string[], attributes: Record<string, number | number[]> = {}): onnx.INodeProto {
  const attribute = Object.entries(attributes).map(([name, value]) =>
    Array.isArray(value) ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value } : { name, type: onnx.AttributeProto.AttributeType.INT, i: value },
  );
  return { opType, input, output, name: `podium_${opType}_${output[0]}`, attribute };
}

function tensor(name: string, type: 'f32' | 'i64', values: number[], dims: number[]): onnx.ITensorProto {
  const data = type === 'f32' ? new Float32Array(values) : new BigInt64Array(values.map(BigInt));
  return {
    name,
    dims,
    dataType: type === 'f32' ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT64,
    rawData: new Uint8Array(data.buffer),
  };
}
