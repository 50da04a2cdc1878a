// The one sort rule of the library: highest score first, equal scores in the order given (a stable sort).
// Ultralytics' own argsort is not stable; pycocotools' mergesort is. Both accept this order.
// Implemented as an LSD radix sort on the order-preserving bit pattern of the float64 score (8-bit digits, passes
// where every key shares the digit are skipped): stable by construction, no comparator calls.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE ? 0 : 1;
const HI = LITTLE ? 1 : 0;

/** Positions 0..n-1 ordered by scores[pos] descending, ties by position. */
export function scoreOrder(scores: ArrayLike<number>, n = scores.length): Uint32Array {
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (scores[i] > scores[i - 1]) sorted = false;
  if (sorted || n < 2) return idx;
  if (n <= 48) {
    // insertion sort: stable, and cheaper than radix passes for a handful of boxes
    for (let i = 1; i < n; i++) {
      const p = idx[i];
      const s = scores[p];
      let j = i - 1;
      while (j >= 0 && scores[idx[j]] < s) {
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = p;
    }
    return idx;
  }

  // key = descending-order transform of the IEEE bits: larger score -> smaller key; -0 and 0 share a key
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    f64[0] = scores[i] === 0 ? 0 : scores[i];
    let h = u32[HI];
    let l = u32[LO];
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    hi[i] = ~h >>> 0;
    lo[i] = ~l >>> 0;
  }
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(256);
  // float32 scores (Ultralytics) leave the low word all zero: skip its four passes outright
  let loBits = 0;
  for (let i = 0; i < n && loBits === 0; i++) loBits |= ~lo[i];
  for (let pass = loBits === 0 ? 4 : 0; pass < 8; pass++) {
    const words = pass < 4 ? lo : hi;
    const shift = (pass & 3) * 8;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(words[idx[i]] >>> shift) & 255]++;
    if (count[(words[idx[0]] >>> shift) & 255] === n) continue; // every key shares this digit
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const p = idx[i];
      tmp[count[(words[p] >>> shift) & 255]++] = p;
    }
    const swap = idx;
    idx = tmp;
    tmp = swap;
  }
  return idx;
}
