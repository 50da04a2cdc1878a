/** Reads an ONNX detector's protobuf and works out its family, shapes and class names, or says why it cannot. */
import { onnx } from 'onnx-proto';
import { WorkerError } from '../errors/worker-error';
import { yoloxAnchorCount } from './decode-boxes';
import { layoutOf, preprocessOf, type ModelFamily, type ModelSpec } from './model-family';

export type FamilyOption = 'auto' | ModelFamily;

export function decodeModel(bytes: Uint8Array, label = 'model'): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new WorkerError('MODEL_INVALID', `${label} is not a valid ONNX model: ${(error as Error).message}`);
  }
  if (!model.graph?.node?.length || !model.graph.output?.length) {
    throw new WorkerError('MODEL_INVALID', `${label} is not a valid ONNX model: it has no graph, nodes or outputs`);
  }
  return model;
}

export function opsetOf(model: onnx.IModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? Number(entry.version) : 0;
}

/** Dims of a value: a number, or null for a symbolic / unknown dimension. */
export function dimsOf(value: onnx.IValueInfoProto): (number | null)[] | undefined {
  const shape = value.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : null));
}

/** Graph inputs that are real feeds (older IRs list initializers as inputs too). */
export function feedInputs(graph: onnx.IGraphProto): onnx.IValueInfoProto[] {
  const initialisers = new Set((graph.initializer ?? []).map((t) => t.name));
  return (graph.input ?? []).filter((i) => !initialisers.has(i.name));
}

/** Parses Ultralytics' `names` metadata, a Python dict repr: `{0: 'person', 1: "it's", …}`. */
export function parseNames(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const names: string[] = [];
  for (const match of value.matchAll(/(\d+)\s*:\s*(?:'([^']*)'|"([^"]*)")/g)) names[Number(match[1])] = match[2] ?? match[3];
  return names.length > 0 ? names : undefined;
}

export function inspectModel(model: onnx.IModelProto, opts: { imgsz: number; family?: FamilyOption }): ModelSpec {
  const graph = model.graph!;
  const inputs = feedInputs(graph);
  if (inputs.length !== 1) {
    throw new WorkerError('MODEL_INCOMPATIBLE', `the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); a detector has one image input`);
  }
  const input = inputs[0];
  const inDims = dimsOf(input);
  const elemType = input.type?.tensorType?.elemType;
  if (!inDims || inDims.length !== 4) {
    throw new WorkerError('MODEL_INCOMPATIBLE', `input '${input.name}' has rank ${inDims?.length ?? 'unknown'}; expected [batch, 3, height, width]`);
  }
  if (inDims[1] !== 3) {
    throw new WorkerError('MODEL_INCOMPATIBLE', `input '${input.name}' has ${inDims[1] ?? 'a dynamic number of'} channels at dim 1; expected [batch, 3, height, width]`);
  }
  if (elemType !== onnx.TensorProto.DataType.FLOAT) {
    throw new WorkerError('MODEL_INCOMPATIBLE', `input '${input.name}' is of ONNX type ${elemType}; expected float32`);
  }
  const [h, w] = [inDims[2], inDims[3]];
  if (h !== null && w !== null && h !== w) {
    throw new WorkerError('MODEL_INCOMPATIBLE', `input '${input.name}' is ${h}×${w}; only square inputs are supported`);
  }
  if (h !== null && h !== opts.imgsz) {
    throw new WorkerError('MODEL_INCOMPATIBLE', `input '${input.name}' is fixed at ${h}×${h} but imgsz ${opts.imgsz} was asked for`);
  }
  const imgsz = opts.imgsz;

  const output = graph.output![0];
  const outDims = dimsOf(output);
  if (!outDims || outDims.length !== 3) {
    throw new WorkerError('MODEL_INCOMPATIBLE', `output '${output.name}' has rank ${outDims?.length ?? 'unknown'}; expected [batch, 4+nc, anchors] or [batch, anchors, 5+nc]`);
  }
  const metadata = new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const family = detectFamily(outDims, imgsz, opts.family ?? 'auto', output.name ?? 'output');
  const layout = layoutOf(family);
  const channels = layout === 'channels-first' ? outDims[1] : outDims[2];
  const anchors = layout === 'channels-first' ? outDims[2] : outDims[1];
  if (channels === null) throw new WorkerError('MODEL_INCOMPATIBLE', `output '${output.name}' has a dynamic channel dimension`);
  const numClasses = channels - (layout === 'channels-first' ? 4 : 5);
  if (numClasses < 1) throw new WorkerError('MODEL_INCOMPATIBLE', `output '${output.name}' has ${channels} channels: no room for class scores`);
  const numAnchors = anchors ?? expectedAnchors(family, imgsz);
  if (family === 'yolox' && numAnchors !== yoloxAnchorCount(imgsz)) {
    throw new WorkerError('MODEL_INCOMPATIBLE', `output '${output.name}' has ${numAnchors} anchors; a YOLOX head at ${imgsz} has ${yoloxAnchorCount(imgsz)}`);
  }
  return {
    family,
    layout,
    inputName: input.name ?? 'images',
    outputName: output.name ?? 'output',
    fixedBatch: inDims[0],
    imgsz,
    numClasses,
    numAnchors,
    preprocess: preprocessOf(family),
    classNames: parseNames(metadata.get('names')),
  };
}

function expectedAnchors(family: ModelFamily, imgsz: number): number {
  const cells = yoloxAnchorCount(imgsz);
  return family === 'yolov5' ? 3 * cells : cells;
}

function detectFamily(dims: (number | null)[], imgsz: number, requested: FamilyOption, name: string): ModelFamily {
  const [, d1, d2] = dims;
  if (requested !== 'auto') return requested;
  const cells = yoloxAnchorCount(imgsz);
  // Channel-major when the anchor axis is last (8400 anchors vs 84 channels at 640).
  if (d2 !== null && (d1 === null || d2 > d1)) return 'yolov8';
  if (d1 === cells) return 'yolox';
  if (d1 === 3 * cells) return 'yolov5';
  throw new WorkerError('MODEL_INCOMPATIBLE', `cannot tell the output layout of '${name}' [${dims.map((d) => d ?? '?').join(', ')}] at imgsz ${imgsz}; set family explicitly`);
}
