import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeLetterboxed } from '../pipeline/decode-image';
import { detectionsPerImage } from '../pipeline/post-processor';
import type { Detections } from '../pipeline/metrics-adapter';
import { candidatesFromFused, candidatesFromOutput } from './candidates';
import { fuseGraph, FUSED_INPUT, FUSED_OUTPUTS } from './fuse-graph';
import { decodeModel, inspectModel } from './inspect-model';

const assets = resolve(__dirname, '../../../../assets');
const BUS = `${assets}/images/bus.jpg`;

/** Unfused reference: the untouched model fed float NCHW built on the host, full output decoded on the host. */
async function detectBoth(file: string, imgsz: number) {
  const bytes = readFileSync(`${assets}/models/${file}`);
  const model = decodeModel(bytes);
  const spec = inspectModel(model, { imgsz });
  const image = await decodeLetterboxed(BUS, imgsz, spec.preprocess.pad);
  const meta = [{ width: image.width, height: image.height, letterbox: image.letterbox }];

  const fused = await ort.InferenceSession.create(fuseGraph(model, spec, { candidatesAbove: 0.001 }));
  const f = await fused.run({ [FUSED_INPUT]: new ort.Tensor('uint8', new Uint8Array(image.pixels), [1, imgsz, imgsz, 3]) });
  const fusedCandidates = candidatesFromFused(f[FUSED_OUTPUTS.indices].data as Int32Array, f[FUSED_OUTPUTS.scores].data as Float32Array, f[FUSED_OUTPUTS.boxes].data as Float32Array, spec.layout);

  const plain = await ort.InferenceSession.create(bytes);
  const plane = imgsz * imgsz;
  const nchw = new Float32Array(3 * plane);
  const order = spec.preprocess.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const scale = Math.fround(spec.preprocess.scale);
  for (let c = 0; c < 3; c++) for (let p = 0; p < plane; p++) nchw[c * plane + p] = image.pixels[3 * p + order[c]] * scale;
  const u = await plain.run({ [spec.inputName]: new ort.Tensor('float32', nchw, [1, 3, imgsz, imgsz]) });
  const out = u[spec.outputName];
  const unfusedCandidates = candidatesFromOutput(out.data as Float32Array, out.dims, spec.layout, 0.001);

  const detect = (c: typeof fusedCandidates) => detectionsPerImage(c, meta, { family: spec.family, imgsz, maxDet: 300 }, 0.7)[0];
  return { spec, fused: detect(fusedCandidates), unfused: detect(unfusedCandidates), counts: [fusedCandidates.count, unfusedCandidates.count] };
}

function confident(d: Detections, names: string[] | undefined, min = 0.3) {
  const out: { name: string; score: number; box: number[] }[] = [];
  d.scores.forEach((s, i) => {
    if (s >= min) out.push({ name: names?.[d.classes[i]] ?? String(d.classes[i]), score: s, box: Array.from(d.boxes.subarray(4 * i, 4 * i + 4)) });
  });
  return out;
}

const COCO_NAMES: Record<number, string> = { 0: 'person', 5: 'bus' };

describe.each([
  ['yolov8n_fp32_dynamic.onnx', 640],
  ['yolox_nano.onnx', 416],
] as const)('fused graph of %s', (file, imgsz) => {
  let result: Awaited<ReturnType<typeof detectBoth>>;
  beforeAll(async () => {
    result = await detectBoth(file, imgsz);
  });

  it('yields the same candidates and detections as the unfused path', () => {
    const { fused, unfused, counts } = result;
    expect(counts[0]).toBe(counts[1]);
    expect(counts[0]).toBeGreaterThan(300);
    expect(Array.from(fused.classes)).toEqual(Array.from(unfused.classes));
    fused.scores.forEach((s, i) => expect(s).toBeCloseTo(unfused.scores[i], 5));
    fused.boxes.forEach((v, i) => expect(v).toBeCloseTo(unfused.boxes[i], 2));
  });

  it('finds the bus and the people on bus.jpg, in original pixels', () => {
    const found = confident(result.fused, undefined, 0.4).map((d) => ({ ...d, name: COCO_NAMES[Number(d.name)] ?? d.name }));
    const bus = found.find((d) => d.name === 'bus');
    expect(bus?.score).toBeGreaterThan(0.8);
    // The bus spans nearly the whole 810-px width, between y ≈ 230 and 740.
    expect(bus!.box[0]).toBeLessThan(60);
    expect(bus!.box[2]).toBeGreaterThan(780);
    expect(bus!.box[1]).toBeGreaterThan(180);
    expect(bus!.box[3]).toBeLessThan(800);
    expect(found.filter((d) => d.name === 'person').length).toBeGreaterThanOrEqual(3);
  });
});
