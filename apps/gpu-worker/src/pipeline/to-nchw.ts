/**
 * uint8 HWC pixels → float NCHW, for graphs the rewrite did not fuse (the inference thread; the bench's bare loop).
 * float32(pixel) × float32(scale), rounded once: the same value the fused graph's Cast → Mul computes.
 */
export function toNchwFloat(pixels: Uint8Array, batch: number, imgsz: number, pre: { channels: 'RGB' | 'BGR'; scale: number }): Float32Array {
  const plane = imgsz * imgsz;
  const out = new Float32Array(batch * 3 * plane);
  const order = pre.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const scale = Math.fround(pre.scale);
  for (let b = 0; b < batch; b++) {
    const base = b * plane * 3;
    for (let c = 0; c < 3; c++) {
      const from = order[c];
      const o = base + c * plane;
      for (let p = 0; p < plane; p++) out[o + p] = pixels[base + 3 * p + from] * scale;
    }
  }
  return out;
}
